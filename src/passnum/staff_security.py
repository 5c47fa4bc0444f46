"""Staff page: locked accounts and recent failed logins, with an unlock button."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from passnum import audit
from passnum.auth import roles
from passnum.auth.passwords import locked_accounts, unlock
from passnum.tables import Role


class StaffSecurityPages(Controller):
    path = "/staff/security"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(self) -> Template:
        return Template("passnum/security.html", context={"throttles": await locked_accounts()})

    @post("/unlock")
    async def unlock_account(self, request: Request) -> Redirect:
        email = str((await request.form()).get("email", ""))
        await unlock(email)
        await audit.record(request.user, "unlock", "login", email)
        return Redirect("/staff/security")
