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
from passnum.auth import two_factor
from passnum.auth.actor import Actor, ActorLoaders
from passnum.auth.tokens import digest

SESSION_COOKIE = "passnum_session"
ADMIN_COOKIE = "id"  # piccolo-admin reads the same session token under this name
# The organisation chosen for this browser session (a person in several organisations acts in one
# at a time). Only a preference: it can select only among the signed-in person's own memberships.
ORGANISATION_COOKIE = "passnum_organisation"


def remember_organisation(response: Any, organisation_id: int, secure: bool) -> None:
    """Keep the chosen organisation for the rest of the browser session."""
    response.set_cookie(
        ORGANISATION_COOKIE,
        str(organisation_id),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )


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


def _lacks_second_factor(actor: Actor) -> bool:
    """A staff session without a second factor, in production: not accepted (opened before the
    rule applied, or before a staff membership was added); the person logs in again and sets it
    up. API tokens are not concerned: they are created from the command line."""
    return not actor.two_factor and two_factor.required(actor)


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
                if actor is not None and not _lacks_second_factor(actor):
                    actor = await self._in_one_organisation(connection, actor)
                    return AuthenticationResult(user=actor, auth=token)
        return AuthenticationResult(user=None, auth=None)

    async def _in_one_organisation(self, connection: ASGIConnection, actor: Actor) -> Actor:
        """Pages act in one organisation: the one chosen this session, else the default."""
        ids = [organisation_id for organisation_id, _ in actor.organisations]
        if len(ids) < 2:
            return actor
        chosen = connection.cookies.get(ORGANISATION_COOKIE, "")
        if chosen.isdigit() and int(chosen) in ids:
            return actor.within(int(chosen))
        default = self.actors.default_organisation
        found = await default(actor) if default else None
        return actor.within(found if found in ids else ids[0])

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
