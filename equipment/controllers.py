"""Litestar controllers (JSON API and pages) of this app, mounted by composition.routes."""

from litestar.types import ControllerRouterHandler

from equipment.api import API_HANDLERS
from equipment.pages import PAGE_HANDLERS

ROUTE_HANDLERS: list[ControllerRouterHandler] = [*API_HANDLERS, *PAGE_HANDLERS]
