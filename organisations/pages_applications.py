"""Pages of applications: the public form (/lieux/devenir-lieu-qualifie) and staff's review
(/staff/candidatures). The rules are organisations.applications'."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from organisations import applications, charter
from organisations.api_applications import ANONYMOUS_FORM
from organisations.national_lists import SERVICES
from organisations.tables import SiteApplication
from passnum.auth import Role, roles
from passnum.errors import DomainError

FIELDS = (
    "name", "kind", "siret", "rna", "legal_representative", "address", "postcode", "commune",
    "insee_code", "phone", "email", "contact_first_name", "contact_last_name", "contact_email",
    "opening_hours", "iban", "bic", "account_holder",
)  # fmt: skip


async def _form_page(
    values: dict[str, Any] | None = None, error: DomainError | None = None
) -> Template:
    return Template(
        "organisations/apply.html",
        context={
            "values": values or {},
            "error": error,
            "services": SERVICES,
            "charter": await charter.current_charter(),
        },
        status_code=error.status_code if error else 200,
    )


@get("/lieux/devenir-lieu-qualifie", opt=ANONYMOUS_FORM, include_in_schema=False)
async def application_form() -> Template:
    return await _form_page()


@post("/lieux/devenir-lieu-qualifie", opt=ANONYMOUS_FORM, include_in_schema=False)
async def send_application(request: Request) -> Template:
    form = await request.form()
    values: dict[str, Any] = {f: str(form.get(f, "")) for f in FIELDS}
    values["services"] = list(form.getall("services", []))
    values["charter_accepted"] = form.get("charter_accepted") == "1"
    try:
        application = await applications.submit_application(values)
    except DomainError as error:
        return await _form_page(values, error)
    return Template("organisations/apply_sent.html", context={"application": application})


class StaffApplicationPages(Controller):
    path = "/staff/candidatures"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(self) -> Template:
        return await _review_page()

    @post("/{application_id:int}/decision")
    async def decide(self, request: Request, application_id: FromPath[int]) -> Template:
        form = await request.form()
        try:
            decision = await applications.decide(
                request.user,
                application_id,
                str(form.get("decision", "")),
                str(form.get("reason", "")),
            )
        except DomainError as error:
            return await _review_page(error=error.message, status=error.status_code)
        return await _review_page(notice=decision.invitation or "Candidature refusée.")


async def _review_page(error: str = "", notice: str = "", status: int = 200) -> Template:
    rows = await SiteApplication.objects().order_by(SiteApplication.id, ascending=False)
    return Template(
        "organisations/applications.html",
        context={"applications": rows, "error": error, "notice": notice},
        status_code=status,
    )


class StaffCharterPages(Controller):
    path = "/staff/charte"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def show(self, fait: FromQuery[str] = "") -> Template:
        return await _charter_page(notice="Charte enregistrée." if fait else "")

    @post("/")
    async def save(self, request: Request) -> Template | Redirect:
        form = await request.form()
        try:
            await charter.set_charter(request.user, str(form.get("text", "")))
        except DomainError as error:
            return await _charter_page(error=error, text=str(form.get("text", "")))
        return Redirect("/staff/charte?fait=1")


async def _charter_page(
    notice: str = "", error: DomainError | None = None, text: str | None = None
) -> Template:
    current = await charter.current_charter()
    return Template(
        "organisations/charter.html",
        context={
            "charter": current,
            "text": current.text if text is None else text,
            "versions": await charter.charter_versions(),
            "notice": notice,
            "error": error,
        },
        status_code=error.status_code if error else 200,
    )
