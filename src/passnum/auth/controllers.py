"""Login and logout pages, with the second step of a login when the account has one.

Password right and no second factor: the session opens. Password right and a second factor
turned on: the person types a code (``/login/code``). Staff in production without one: they set
it up first (``/login/double-authentification``), then read their recovery codes. Until then no
session exists (``passnum.auth.login_steps``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from passnum import clock
from passnum.auth import login_steps, two_factor
from passnum.auth.actor import ACTORS_STATE, Actor, ActorLoaders
from passnum.auth.guards import PUBLIC
from passnum.auth.login_steps import Step
from passnum.auth.middleware import ADMIN_COOKIE, ORGANISATION_COOKIE, SESSION_COOKIE
from passnum.auth.passwords import LoginRefused, authenticate, count_attempt, login_completed
from passnum.errors import DomainError
from passnum.settings import get_settings

CODE_PATH = "/login/code"
ENROL_PATH = "/login/double-authentification"
EXPIRED = (
    "Votre connexion a pris trop de temps ou n'est plus valable : saisissez de nouveau votre "
    "adresse e-mail et votre mot de passe."
)


@dataclass
class LoginForm:
    email: str = ""
    password: str = ""
    next: str = "/"


def _safe_next(target: str) -> str:
    """Only local paths: never redirect a user to another site after login."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


async def _actor(request: Request, user_id: int) -> Actor | None:
    loaders: ActorLoaders = request.app.state[ACTORS_STATE]
    return await loaders.by_user_id(user_id)


async def _second_step(request: Request, user_id: int) -> Step | None:
    if await two_factor.is_enabled(user_id):
        return Step.code
    if get_settings().production:
        actor = await _actor(request, user_id)
        if actor is not None and two_factor.required(actor):
            return Step.enrol
    return None


async def open_session(response: Response, user_id: int) -> Response:
    """Open a session for ``user_id`` and set its cookies on ``response``."""
    settings = get_settings()
    expiry = clock.stamp() + dt.timedelta(hours=settings.session_hours)
    session = await SessionsBase.create_session(user_id, expiry_date=expiry, max_expiry_date=expiry)
    response.delete_cookie(ORGANISATION_COOKIE)  # a new session starts with the default one
    response.delete_cookie(login_steps.COOKIE, path="/login")
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


def _login_page(status: int = 200, **context: Any) -> Template:
    return Template(
        "passnum/login.html",
        context={"next": "/", "email": "", **context},
        status_code=status,
    )


async def _email(user_id: int) -> str:
    row = await BaseUser.select(BaseUser.email).where(BaseUser.id == user_id).first()
    return row["email"] if row else ""


class LoginController(Controller):
    path = "/"
    opt = PUBLIC
    include_in_schema = False

    @get("/login")
    async def login_page(self, next: FromQuery[str] = "/", compte: FromQuery[str] = "") -> Template:
        # ?compte=pret: back from choosing a password (invitation or reset link)
        return _login_page(next=_safe_next(next), ready=compte == "pret")

    @post("/login", opt={"rate_limit": "login"})
    async def login(
        self,
        request: Request,
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response:
        try:
            user_id = await authenticate(data.email, data.password)
        except LoginRefused as refused:
            return _login_page(
                refused.status_code, error=refused.message, email=data.email, next=data.next
            )
        target = _safe_next(data.next)
        step = await _second_step(request, user_id)
        if step is None:
            await login_completed(data.email)
            return await open_session(Redirect(path=target), user_id)
        token = await login_steps.open_login(user_id, step, target)
        response = Redirect(path=CODE_PATH if step is Step.code else ENROL_PATH)
        response.set_cookie(
            login_steps.COOKIE,
            token,
            path="/login",
            httponly=True,
            samesite="lax",
            secure=get_settings().https,
            max_age=int(login_steps.VALIDITY.total_seconds()),
        )
        return response

    @get(CODE_PATH)
    async def code_page(self, request: Request) -> Response:
        waiting = await login_steps.pending(request.cookies.get(login_steps.COOKIE))
        if waiting is None or waiting.step is not Step.code:
            return _login_page(401, error=EXPIRED)
        return Template("passnum/login_code.html")

    @post(CODE_PATH, opt={"rate_limit": "code"})
    async def check_code(self, request: Request) -> Response:
        token = request.cookies.get(login_steps.COOKIE)
        waiting = await login_steps.pending(token)
        if token is None or waiting is None or waiting.step is not Step.code:
            return _login_page(401, error=EXPIRED)
        code = str((await request.form()).get("code", ""))
        email = await _email(waiting.user_id)
        try:
            await count_attempt(email)
            used = await two_factor.check_code(waiting.user_id, code)
        except (LoginRefused, DomainError) as refused:
            status, message = _refusal(refused)
            return Template(
                "passnum/login_code.html", context={"error": message}, status_code=status
            )
        await login_steps.close_login(token)
        await login_completed(email)
        # After a recovery code: the account page says how many are left, and how to renew them.
        target = "/mon-compte/double-authentification?secours=1" if used == "recovery" else None
        return await open_session(Redirect(path=target or waiting.next_path), waiting.user_id)

    @get(ENROL_PATH)
    async def enrol_page(self, request: Request) -> Response:
        waiting = await login_steps.pending(request.cookies.get(login_steps.COOKIE))
        if waiting is None or waiting.step is not Step.enrol:
            return _login_page(401, error=EXPIRED)
        return await _enrol_page(waiting.user_id)

    @post(ENROL_PATH, opt={"rate_limit": "code"})
    async def enrol(self, request: Request) -> Response:
        token = request.cookies.get(login_steps.COOKIE)
        waiting = await login_steps.pending(token)
        if token is None or waiting is None or waiting.step is not Step.enrol:
            return _login_page(401, error=EXPIRED)
        code = str((await request.form()).get("code", ""))
        email = await _email(waiting.user_id)
        try:
            await count_attempt(email)
            codes = await two_factor.confirm_enrolment(
                waiting.user_id, code, await _actor(request, waiting.user_id)
            )
        except (LoginRefused, DomainError) as refused:
            status, message = _refusal(refused)
            return await _enrol_page(waiting.user_id, status, message)
        await login_steps.close_login(token)
        await login_completed(email)
        page = Template(
            "passnum/recovery_codes.html",
            context={"codes": codes, "next": waiting.next_path, "first": True},
        )
        return await open_session(page, waiting.user_id)

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


def _refusal(refused: LoginRefused | DomainError) -> tuple[int, str]:
    """A wrong code at login answers like a wrong password (401)."""
    wrong = isinstance(refused, DomainError) and refused.code == "wrong_code"
    return (401 if wrong else refused.status_code), refused.message


async def _enrol_page(user_id: int, status: int = 200, error: str = "") -> Template:
    enrolment = await two_factor.start_enrolment(user_id)
    return Template(
        "passnum/login_enrol.html",
        context={"enrolment": enrolment, "action": ENROL_PATH, "error": error},
        status_code=status,
    )
