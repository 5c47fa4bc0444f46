"""Login and logout pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from piccolo_api.session_auth.tables import SessionsBase

from passnum import clock
from passnum.auth.guards import PUBLIC
from passnum.auth.middleware import ADMIN_COOKIE, ORGANISATION_COOKIE, SESSION_COOKIE
from passnum.auth.passwords import LoginRefused, authenticate
from passnum.settings import get_settings


@dataclass
class LoginForm:
    email: str = ""
    password: str = ""
    next: str = "/"


def _safe_next(target: str) -> str:
    """Only local paths: never redirect a user to another site after login."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


class LoginController(Controller):
    path = "/"
    opt = PUBLIC
    include_in_schema = False

    @get("/login")
    async def login_page(self, next: FromQuery[str] = "/", compte: FromQuery[str] = "") -> Template:
        # ?compte=pret: back from choosing a password (invitation or reset link)
        context = {"next": _safe_next(next), "email": "", "ready": compte == "pret"}
        return Template("passnum/login.html", context=context)

    @post("/login", opt={"rate_limit": "login"})
    async def login(
        self, data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
    ) -> Template | Redirect:
        try:
            user_id = await authenticate(data.email, data.password)
        except LoginRefused as refused:
            return Template(
                "passnum/login.html",
                context={"error": refused.message, "email": data.email, "next": data.next},
                status_code=refused.status_code,
            )
        settings = get_settings()
        expiry = clock.stamp() + dt.timedelta(hours=settings.session_hours)
        session = await SessionsBase.create_session(
            user_id, expiry_date=expiry, max_expiry_date=expiry
        )
        response = Redirect(path=_safe_next(data.next))
        response.delete_cookie(ORGANISATION_COOKIE)  # a new session starts with the default one
        for name, path in ((SESSION_COOKIE, "/"), (ADMIN_COOKIE, "/admin")):
            response.set_cookie(
                name,
                session.token,
                path=path,
                httponly=True,
                samesite="lax",
                secure=settings.https,
                max_age=settings.session_hours * 3600,
            )
        return response

    @post("/logout")
    async def logout(self, request: Request) -> Redirect:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await SessionsBase.remove_session(token)
        response = Redirect(path="/login")
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(ORGANISATION_COOKIE)
        response.delete_cookie(ADMIN_COOKIE, path="/admin")
        return response
