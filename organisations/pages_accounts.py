"""Pages of one's own account: accepting an invitation, changing or resetting one's password."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from organisations import invitations, passwords
from organisations.services import ROLE_LABELS
from passnum.auth import PUBLIC, Role, roles
from passnum.auth.middleware import SESSION_COOKIE, remember_organisation
from passnum.errors import DomainError
from passnum.settings import get_settings

CHOOSE = "organisations/choose_password.html"
READY = "/login?compte=pret"
SAME_ANSWER = (
    "Si un compte existe avec cette adresse, un e-mail vient de lui être envoyé avec un lien "
    "valable 1 heure. Pensez à regarder dans les indésirables. Rien reçu ? Contactez le "
    "Département."
)


def _page(action: str, title: str, status: int = 200, error: str = "", refused: bool = False):
    return Template(
        CHOOSE,
        context={"action": action, "title": title, "error": error, "refused": refused},
        status_code=status,
    )


async def _link_page(action: str, title: str, check: Callable[[], Awaitable[int]]) -> Template:
    try:
        await check()
    except DomainError as error:
        return _page(action, title, error.status_code, error.message, refused=True)
    return _page(action, title)


async def _choose(
    request: Request, action: str, title: str, save: Callable[[str, str], Awaitable[int]]
) -> Template | Redirect:
    form = await request.form()
    try:
        await save(str(form.get("password", "")), str(form.get("confirm", "")))
    except DomainError as error:
        refused = error.code.startswith("link_")
        return _page(action, title, error.status_code, error.message, refused=refused)
    return Redirect(READY)


INVITATION_TITLE = "Choisissez votre mot de passe"
RESET_TITLE = "Choisissez un nouveau mot de passe"


@get("/invitation/{token:str}", opt=PUBLIC, include_in_schema=False)
async def invitation_page(token: FromPath[str]) -> Template:
    return await _link_page(
        f"/invitation/{token}", INVITATION_TITLE, lambda: invitations.invitation_user(token)
    )


@post("/invitation/{token:str}", opt=PUBLIC, include_in_schema=False)
async def accept_invitation(request: Request, token: FromPath[str]) -> Template | Redirect:
    return await _choose(
        request,
        f"/invitation/{token}",
        INVITATION_TITLE,
        lambda p, c: invitations.accept_invitation(token, p, c),
    )


class ForgottenPasswordPages(Controller):
    path = "/mot-de-passe-oublie"
    opt = PUBLIC
    include_in_schema = False

    @get("/")
    async def form(self) -> Template:
        return Template("organisations/forgot_password.html")

    @post("/", opt={"rate_limit": "reset"}, status_code=200)
    async def ask(self, request: Request) -> Template:
        form = await request.form()
        await passwords.request_reset(str(form.get("email", "")))
        return Template("organisations/forgot_password.html", context={"notice": SAME_ANSWER})

    @get("/{token:str}")
    async def reset_page(self, token: FromPath[str]) -> Template:
        return await _link_page(
            f"{self.path}/{token}", RESET_TITLE, lambda: passwords.reset_user(token)
        )

    @post("/{token:str}")
    async def reset(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        return await _choose(
            request,
            f"{self.path}/{token}",
            RESET_TITLE,
            lambda p, c: passwords.reset_password(token, p, c),
        )


class MyAccountPages(Controller):
    path = "/mon-compte"
    opt = roles(*Role)
    include_in_schema = False

    @get("/")
    async def account(self, request: Request) -> Template:
        return _account_page(request)

    @post("/mot-de-passe", status_code=200)
    async def change_password(self, request: Request) -> Template:
        form = await request.form()
        try:
            await passwords.change_password(
                request.user,
                str(form.get("current", "")),
                str(form.get("password", "")),
                str(form.get("confirm", "")),
                keep_session=request.cookies.get(SESSION_COOKIE),
            )
        except DomainError as error:
            return _account_page(request, error=error.message, status=error.status_code)
        return _account_page(
            request,
            notice="Votre mot de passe a été changé. Vos autres sessions ouvertes sont fermées.",
        )


def _account_page(request: Request, status: int = 200, **context: str) -> Template:
    return Template(
        "organisations/my_account.html",
        context={"actor": request.user, "role_labels": ROLE_LABELS, **context},
        status_code=status,
    )


@post("/organisation", opt=roles(*Role), include_in_schema=False)
async def choose_organisation(request: Request) -> Redirect:
    """Act in another of one's organisations for the rest of the session (from any page)."""
    form = await request.form()
    target = str(form.get("next", "/"))
    target = target if target.startswith("/") and not target.startswith("//") else "/"
    response = Redirect(target)
    chosen = str(form.get("organisation_id", ""))
    own = {organisation_id for organisation_id, _ in request.user.organisations}
    if chosen.isdigit() and int(chosen) in own:
        remember_organisation(response, int(chosen), get_settings().https)
    return response
