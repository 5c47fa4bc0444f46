"""Staff page: locked accounts and recent failed logins, with an unlock button."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from passnum import audit
from passnum.auth import Role, roles
from passnum.auth.passwords import failed_logins, unlock
from passnum.pagination import paginate
from passnum.tables import LoginThrottle


class StaffSecurityPages(Controller):
    path = "/staff/security"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(self, page: FromQuery[str] = "") -> Template:
        pager = await paginate(failed_logins(), LoginThrottle.count(), page)
        return Template("passnum/security.html", context={"throttles": pager.items, "pager": pager})

    @post("/unlock")
    async def unlock_account(self, request: Request) -> Redirect:
        email = str((await request.form()).get("email", ""))
        await unlock(email)
        await audit.record(request.user, "unlock", "login", email)
        return Redirect("/staff/security")
