"""Pages a person reaches from a link sent to them: an invitation (choosing a password)."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from organisations import invitations
from passnum.auth import PUBLIC
from passnum.errors import DomainError

CHOOSE = "organisations/choose_password.html"


def _page(action: str, status: int = 200, error: str = "", refused: bool = False) -> Template:
    return Template(
        CHOOSE,
        context={"action": action, "error": error, "refused": refused},
        status_code=status,
    )


@get("/invitation/{token:str}", opt=PUBLIC, include_in_schema=False)
async def invitation_page(token: FromPath[str]) -> Template:
    action = f"/invitation/{token}"
    try:
        await invitations.invitation_user(token)
    except DomainError as error:
        return _page(action, error.status_code, error.message, refused=True)
    return _page(action)


@post("/invitation/{token:str}", opt=PUBLIC, include_in_schema=False)
async def accept_invitation(request: Request, token: FromPath[str]) -> Template | Redirect:
    form = await request.form()
    action = f"/invitation/{token}"
    try:
        await invitations.accept_invitation(
            token, str(form.get("password", "")), str(form.get("confirm", ""))
        )
    except DomainError as error:
        refused = error.code.startswith("link_")
        return _page(action, error.status_code, error.message, refused=refused)
    return Redirect("/login?compte=pret")
