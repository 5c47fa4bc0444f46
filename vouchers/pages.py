"""Every HTML page of the vouchers app, collected for :mod:`vouchers.controllers`."""

from litestar.types import ControllerRouterHandler

from vouchers.pages_site import SITE_PAGE_HANDLERS

PAGE_HANDLERS: list[ControllerRouterHandler] = [*SITE_PAGE_HANDLERS]
