"""Litestar controllers (JSON API and pages) of this app, mounted by composition.routes."""

from litestar.types import ControllerRouterHandler

from vouchers.api import API_HANDLERS
from vouchers.pages import PAGE_HANDLERS
from vouchers.pages_branding import BRANDING_HANDLERS
from vouchers.pages_validity import VALIDITY_HANDLERS

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    *API_HANDLERS,
    *PAGE_HANDLERS,
    *BRANDING_HANDLERS,
    *VALIDITY_HANDLERS,
]
