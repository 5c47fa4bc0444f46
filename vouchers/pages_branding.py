"""A funder's booklet covers (logo and message): the API, the funder's page and staff's page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Template

from passnum.auth import Role, roles
from passnum.errors import DomainError
from passnum.openapi_bodies import BINARY, TEXT, form, raw_body
from vouchers import branding, schemas
from vouchers.errors import refuse
from vouchers.pages_common import error_view, page


async def _form_update(actor: Any, funder_id: int, form: Any) -> schemas.Branding:
    upload = form.get("logo")
    logo = await upload.read() if isinstance(upload, UploadFile) else None
    message = form.get("message")
    return await branding.set_branding(
        actor,
        funder_id,
        message=None if message is None else str(message),
        logo=logo or None,
        remove_logo=form.get("remove_logo") == "oui",
    )


class BrandingApi(Controller):
    path = "/api/v1/funders/{funder_id:int}/branding"
    tags = ["pass numériques"]
    opt = roles(Role.staff, Role.funder)

    @get("/", summary="Logo et message d'un financeur sur la couverture de ses carnets")
    async def detail(self, request: Request, funder_id: FromPath[int]) -> schemas.Branding:
        return await branding.get_branding(request.user, funder_id)

    @put(
        "/",
        summary="Changer le logo (PNG ou JPEG, 512 Ko, 2000 px) et le message (60 caractères) "
        "imprimés sur les carnets du financeur (formulaire multipart : logo, message, remove_logo)",
        operation_class=raw_body(
            "multipart/form-data",
            "Les champs à changer : logo (fichier), message, remove_logo (« oui » : sans logo)",
            form(logo=BINARY, message=TEXT, remove_logo=TEXT),
        ),
    )
    async def update(self, request: Request, funder_id: FromPath[int]) -> schemas.Branding:
        return await _form_update(request.user, funder_id, await request.form())


def _own_funder(actor: Any) -> int:
    funders = sorted(actor.organisation_ids(Role.funder))
    if not funders:
        raise refuse("forbidden")
    return funders[0]


async def _branding_page(actor: Any, funder_id: int, action: str, **context: Any) -> Template:
    current = await branding.get_branding(actor, funder_id)
    return page("branding.html", b=current, action=action, limit=branding.MESSAGE_MAX, **context)


async def _post(request: Request, funder_id: int, action: str) -> Template:
    try:
        await _form_update(request.user, funder_id, await request.form())
    except DomainError as error:
        return await _branding_page(
            request.user, funder_id, action, error=error_view(error), status_code=error.status_code
        )
    return await _branding_page(
        request.user, funder_id, action, done="Couverture des carnets enregistrée."
    )


class FunderBrandingPages(Controller):
    path = "/financeur/carnets"
    opt = roles(Role.funder)
    include_in_schema = False

    @get("/")
    async def show(self, request: Request) -> Template:
        return await _branding_page(request.user, _own_funder(request.user), self.path)

    @post("/")
    async def update(self, request: Request) -> Template:
        return await _post(request, _own_funder(request.user), self.path)


class StaffBrandingPages(Controller):
    path = "/staff/financeurs/{funder_id:int}/carnets"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, funder_id: FromPath[int]) -> Template:
        return await _branding_page(
            request.user, funder_id, f"/staff/financeurs/{funder_id}/carnets"
        )

    @post("/")
    async def update(self, request: Request, funder_id: FromPath[int]) -> Template:
        return await _post(request, funder_id, f"/staff/financeurs/{funder_id}/carnets")


BRANDING_HANDLERS = [BrandingApi, FunderBrandingPages, StaffBrandingPages]
