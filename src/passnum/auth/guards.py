"""Deny by default: a route is reachable only if it declares who may call it.

Handlers (or their controller) declare ``opt=roles("staff", "prescriber")`` or ``opt=PUBLIC``.
One app-wide guard reads that; a route that declares nothing is refused to everyone.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from passnum.auth.actor import Role

PUBLIC: dict[str, Any] = {"public": True}


def roles(*allowed: Role | str) -> dict[str, Any]:
    """Route option letting users with any of these roles in."""
    return {"roles": frozenset(Role(r) for r in allowed)}


async def access_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Async although it awaits nothing: Litestar runs a sync guard in a worker thread."""
    if handler.opt.get("public"):
        return
    actor = connection.scope.get("user")
    if actor is None:
        raise NotAuthorizedException("Authentification requise.")
    allowed: frozenset[Role] = handler.opt.get("roles", frozenset())
    if not (allowed & actor.roles):
        raise PermissionDeniedException("Accès refusé.")
