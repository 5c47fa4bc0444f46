"""Authentication: bearer tokens on the JSON API, server-side sessions on pages.

The API ignores session cookies on purpose: it then needs no CSRF token, and a page can never be
tricked into calling it with the visitor's cookie. Who the user is (their memberships) comes from
the ``actors`` loaders the app factory passes in: the kernel does not know where they are stored.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Scope
from piccolo_api.session_auth.tables import SessionsBase

from passnum import clock
from passnum.auth.actor import ActorLoaders
from passnum.auth.tokens import digest

SESSION_COOKIE = "passnum_session"
ADMIN_COOKIE = "id"  # piccolo-admin reads the same session token under this name


def request_path(scope: Scope) -> str:
    """The path as the client sent it (a mounted app, like /admin, sees its own path rewritten)."""
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if raw else scope["path"]


async def session_user_id(token: str) -> int | None:
    """The user of a session that has not expired by passnum's clock (piccolo_api's own
    ``get_user_id`` reads the server's clock)."""
    now = clock.stamp()
    row = (
        await SessionsBase.select(SessionsBase.user_id)
        .where(
            (SessionsBase.token == token)
            & (SessionsBase.expiry_date > now)
            & (SessionsBase.max_expiry_date > now)
        )
        .first()
    )
    return row["user_id"] if row else None


class PassnumAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, *, actors: ActorLoaders, **options: Any) -> None:
        super().__init__(app, **options)
        self.actors = actors

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        if request_path(connection.scope).startswith("/api/"):
            return await self._from_bearer(connection)
        token = connection.cookies.get(SESSION_COOKIE)
        if token:
            user_id = await session_user_id(token)
            if user_id is not None:
                actor = await self.actors.by_user_id(user_id)
                if actor is not None:
                    return AuthenticationResult(user=actor, auth=token)
        return AuthenticationResult(user=None, auth=None)

    async def _from_bearer(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        if not header:
            return AuthenticationResult(user=None, auth=None)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException(
                "En-tête Authorization invalide : utilisez « Bearer <jeton> »."
            )
        actor = await self.actors.by_token_hash(digest(token.strip()))
        if actor is None:
            raise NotAuthorizedException("Jeton inconnu, révoqué ou compte désactivé.")
        return AuthenticationResult(user=actor, auth="bearer")
