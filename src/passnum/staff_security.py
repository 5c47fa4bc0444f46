"""Staff page: locked accounts and recent failed logins, with an unlock button."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from passnum import audit
from passnum.auth import roles
from passnum.auth.passwords import unlock
from passnum.pagination import paginate
from passnum.tables import LoginThrottle, Role


class StaffSecurityPages(Controller):
    path = "/staff/security"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(self, page: FromQuery[str] = "") -> Template:
        # Paged here: passnum.auth's locked_accounts() reads every row, and someone trying
        # made-up e-mails adds one row per address.
        pager = await paginate(
            LoginThrottle.select()
            .order_by(LoginThrottle.last_failure_at, ascending=False)
            .order_by(LoginThrottle.id),
            LoginThrottle.count(),
            page,
        )
        return Template("passnum/security.html", context={"throttles": pager.items, "pager": pager})

    @post("/unlock")
    async def unlock_account(self, request: Request) -> Redirect:
        email = str((await request.form()).get("email", ""))
        await unlock(email)
        await audit.record(request.user, "unlock", "login", email)
        return Redirect("/staff/security")
