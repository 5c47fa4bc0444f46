"""Staff pages that manage organisations and their accounts (/staff/organisations)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from organisations import accounts, imports, schemas, suspension
from organisations import services as orgs
from organisations.errors import refuse
from organisations.invitations import invite_user
from passnum import csvin
from passnum.auth import Actor, Role, roles
from passnum.errors import DomainError
from passnum.fr import format_phone

ORG_FIELDS = (
    "name",
    "kind",
    "siret",
    "rna",
    "legal_representative",
    "address",
    "commune",
    "insee_code",
    "postcode",
    "phone",
    "email",
)


async def _organisations_page(
    actor: Actor, role: str | None = None, q: str = "", page: str = "", **context: Any
) -> Template:
    status_code = context.pop("status_code", 200)
    organisations, pager = await accounts.organisations_page(actor, role, q, page)
    return Template(
        "organisations/organisations.html",
        context={
            "organisations": organisations,
            "pager": pager,
            "role": role,
            "q": q,
            **context,
        },
        status_code=status_code,
    )


class StaffOrganisationPages(Controller):
    path = "/staff/organisations"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request,
        role: FromQuery[str | None] = None,
        q: FromQuery[str] = "",
        page: FromQuery[str] = "",
    ) -> Template:
        return await _organisations_page(request.user, role, q, page)

    @post("/")
    async def create(self, request: Request) -> Template | Redirect:
        form = await request.form()
        values = {f: str(form.get(f, "")) for f in ORG_FIELDS}
        data = orgs.OrganisationInput(**values, roles=list(form.getall("roles", [])))
        try:
            org = await orgs.create_organisation(data, actor=request.user)
        except DomainError as error:
            return await _organisations_page(
                request.user,
                error=error.message,
                error_field=error.field,
                form=values,
                status_code=error.status_code,
            )
        return Redirect(f"/staff/organisations/{org.id}")

    @get("/import")
    async def import_form(self) -> Template:
        return _import_page()

    @post("/import")
    async def import_preview(self, request: Request) -> Template:
        form = await request.form()
        upload = form.get("file")
        data = await upload.read() if isinstance(upload, UploadFile) else b""
        try:
            if not data.strip():
                raise refuse("invalid_csv")
            report = await imports.preview_import(data)
        except DomainError as error:
            return _import_page(error=error.message, status=error.status_code)
        return _import_page(report=report, csv_text=csvin.decode(data))

    @post("/import/confirm")
    async def import_confirm(self, request: Request) -> Template:
        form = await request.form()
        data = str(form.get("csv_text", "")).encode()
        try:
            report = await imports.import_organisations(request.user, data)
        except DomainError as error:
            rejected = [schemas.ImportRejection(**r) for r in error.extra.get("rejected", [])]
            return _import_page(
                error=error.message,
                status=error.status_code,
                report=schemas.OrganisationImportReport(valid=[], rejected=rejected),
            )
        return _import_page(imported=report.imported)

    @get("/{organisation_id:int}")
    async def detail(
        self, organisation_id: FromPath[int], historique: FromQuery[str] = ""
    ) -> Template:
        return await _detail_page(organisation_id, historique=historique)

    @post("/{organisation_id:int}/users")
    async def add_user(
        self, request: Request, organisation_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        try:
            invitation = await invite_user(
                email=str(form.get("email", "")),
                organisation_id=organisation_id,
                role=str(form.get("role", "")),
                first_name=str(form.get("first_name", "")),
                last_name=str(form.get("last_name", "")),
                actor=request.user,
            )
        except DomainError as error:
            return await _detail_page(
                organisation_id, error=error.message, status=error.status_code
            )
        return await _detail_page(organisation_id, notice=invitation.message)

    @post("/{organisation_id:int}/suspension")
    async def suspend(
        self, request: Request, organisation_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        try:
            start = date.fromisoformat(str(form.get("from") or "")) if form.get("from") else None
            await suspension.suspend_site(
                request.user, organisation_id, str(form.get("reason", "")), start
            )
        except ValueError:
            return await _detail_page(organisation_id, error="Date invalide.", status=422)
        except DomainError as error:
            return await _detail_page(
                organisation_id, error=error.message, status=error.status_code
            )
        return Redirect(f"/staff/organisations/{organisation_id}")

    @post("/{organisation_id:int}/requalification")
    async def requalify(
        self, request: Request, organisation_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await suspension.requalify_site(request.user, organisation_id)
        except DomainError as error:
            return await _detail_page(
                organisation_id, error=error.message, status=error.status_code
            )
        return Redirect(f"/staff/organisations/{organisation_id}")

    @post("/{organisation_id:int}/users/{user_id:int}/active")
    async def toggle_user(
        self, request: Request, organisation_id: FromPath[int], user_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        await orgs.set_user_active(user_id, form.get("active") == "1", actor=request.user)
        return Redirect(f"/staff/organisations/{organisation_id}")


def _import_page(status: int = 200, **context: Any) -> Template:
    return Template(
        "organisations/import.html",
        context={"columns": imports.COLUMNS, **context},
        status_code=status,
    )


async def _detail_page(
    organisation_id: int,
    error: str = "",
    status: int = 200,
    historique: str = "",
    notice: str = "",
) -> Template:
    detail = await accounts.organisation_detail(organisation_id, historique)
    return Template(
        "organisations/organisation_detail.html",
        context={
            "org": detail.organisation,
            "phone": format_phone(detail.organisation.phone),
            "users": detail.users,
            "error": error,
            "notice": notice,
            "roles": list(Role),
            "history": detail.history.items,
            "history_pager": detail.history,
        },
        status_code=status,
    )
