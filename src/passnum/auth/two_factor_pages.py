"""One's own second factor (/mon-compte/double-authentification): turn it on with a first
code, get new recovery codes, turn it off (never for staff in production)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Template

from passnum.auth import two_factor
from passnum.auth.actor import Role
from passnum.auth.guards import roles
from passnum.errors import DomainError

PAGE = "passnum/two_factor.html"
ACTION = "/mon-compte/double-authentification"


async def _page(request: Request, status: int = 200, **context: object) -> Template:
    actor = request.user
    state = await two_factor.status(actor.user_id)
    enrolment = None if state.enabled else await two_factor.start_enrolment(actor.user_id)
    return Template(
        PAGE,
        context={
            "status": state,
            "enrolment": enrolment,
            "action": ACTION,
            "required": two_factor.required(actor),
            **context,
        },
        status_code=status,
    )


def _codes(codes: list[str], first: bool) -> Template:
    return Template(
        "passnum/recovery_codes.html", context={"codes": codes, "next": ACTION, "first": first}
    )


class TwoFactorPages(Controller):
    path = ACTION
    opt = roles(*Role)
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, secours: FromQuery[str] = "") -> Template:
        if secours:
            left = (await two_factor.status(request.user.user_id)).recovery_left
            notice = (
                f"Vous vous êtes connecté avec un code de secours : il vous en reste {left}. "
                "Si vous avez perdu votre téléphone, demandez à un autre agent du Département de "
                "réinitialiser votre double authentification, puis activez-la de nouveau."
            )
            return await _page(request, notice=notice)
        return await _page(request)

    @post("/", status_code=200)
    async def turn_on(self, request: Request) -> Template:
        code = str((await request.form()).get("code", ""))
        try:
            codes = await two_factor.confirm_enrolment(request.user.user_id, code, request.user)
        except DomainError as error:
            return await _page(request, error.status_code, error=error.message)
        return _codes(codes, first=True)

    @post("/codes-de-secours", status_code=200)
    async def renew(self, request: Request) -> Template:
        code = str((await request.form()).get("code", ""))
        try:
            codes = await two_factor.renew_recovery_codes(request.user, code)
        except DomainError as error:
            return await _page(request, error.status_code, error=error.message)
        return _codes(codes, first=False)

    @post("/desactiver", status_code=200)
    async def turn_off(self, request: Request) -> Template:
        code = str((await request.form()).get("code", ""))
        try:
            await two_factor.turn_off(request.user, code)
        except DomainError as error:
            return await _page(request, error.status_code, error=error.message)
        return await _page(request, notice="La double authentification est désactivée.")
