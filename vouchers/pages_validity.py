"""The funder confirms, from its home page, the blocking of a run's undistributed booklets."""

from __future__ import annotations

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect

from passnum.auth import Role, roles
from vouchers.validity import confirm_blocking


@post(
    "/financeur/alertes/{alert_id:int}/confirmer", opt=roles(Role.funder), include_in_schema=False
)
async def confirm(request: Request, alert_id: FromPath[int]) -> Redirect:
    await confirm_blocking(request.user, alert_id)
    return Redirect("/")


VALIDITY_HANDLERS = [confirm]
