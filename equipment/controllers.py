"""Litestar controllers (JSON API and pages) of this app, mounted by passnum.routes."""

from litestar.types import ControllerRouterHandler

ROUTE_HANDLERS: list[ControllerRouterHandler] = []
