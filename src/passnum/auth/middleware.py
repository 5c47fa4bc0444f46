"""Authentication: bearer tokens on the JSON API, server-side sessions on pages.

The API ignores session cookies on purpose: it then needs no CSRF token, and a page can never be
tricked into calling it with the visitor's cookie. Who the user is (their memberships) comes from
the ``actors`` loaders the app factory passes in: the kernel does not know where they are stored.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import (
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
)
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Scope
from litestar.utils.scope.state import ScopeState
from piccolo_api.session_auth.tables import SessionsBase

from passnum import clock
from passnum.auth import two_factor
from passnum.auth.actor import ACTORS_STATE, Actor, ActorLoaders
from passnum.auth.tokens import digest

logger = logging.getLogger("passnum")

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


async def session_actor(connection: ASGIConnection, actors: ActorLoaders) -> Actor | None:
    """The person a page request comes from, by its session cookie, acting in one organisation
    (the one chosen this session, else the default); None when logged out."""
    token = connection.cookies.get(SESSION_COOKIE)
    user_id = await session_user_id(token) if token else None
    actor = await actors.by_user_id(user_id) if user_id is not None else None
    if actor is None or _lacks_second_factor(actor):
        return None
    ids = [organisation_id for organisation_id, _ in actor.organisations]
    if len(ids) < 2:
        return actor
    chosen = connection.cookies.get(ORGANISATION_COOKIE, "")
    if chosen.isdigit() and int(chosen) in ids:
        return actor.within(int(chosen))
    found = await actors.default_organisation(actor) if actors.default_organisation else None
    return actor.within(found if found in ids else ids[0])


class PassnumAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, *, actors: ActorLoaders, **options: Any) -> None:
        super().__init__(app, **options)
        self.actors = actors

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        if request_path(connection.scope).startswith("/api/"):
            return await self._from_bearer(connection)
        actor = await session_actor(connection, self.actors)
        token = connection.cookies.get(SESSION_COOKIE) if actor else None
        return AuthenticationResult(user=actor, auth=token)

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


async def read_session_when_no_route_matched(exc: Exception, scope: Scope) -> None:
    """Litestar's ``after_exception`` hook: a page address no route answers (404, or 405) fails
    in the router, before any middleware, so its error page would show a logged-in person the
    anonymous header (« Se connecter »). Read the session here, as the middleware would, and
    the CSRF cookie as the CSRF middleware does on a safe request, so that the page's
    « Se déconnecter » works. Any failure (the database down…) leaves the page anonymous."""
    if not isinstance(exc, NotFoundException | MethodNotAllowedException):
        return
    if scope["type"] != "http" or "user" in scope:
        return  # a route was found: the middleware already ran
    if request_path(scope).startswith(("/api/", "/static/", "/schema")):
        return
    connection: ASGIConnection = ASGIConnection(scope)
    actors: ActorLoaders | None = scope["litestar_app"].state.get(ACTORS_STATE)
    try:
        scope["user"] = await session_actor(connection, actors) if actors else None
    except Exception:  # the 404 page is still shown, as to a visitor
        logger.warning("Session not read for the error page of %s", scope["path"], exc_info=True)
        return
    csrf = scope["litestar_app"].csrf_config
    cookie = connection.cookies.get(csrf.cookie_name) if csrf else None
    if csrf and cookie and scope["method"] in csrf.safe_methods:
        ScopeState.from_scope(scope).csrf_token = cookie
