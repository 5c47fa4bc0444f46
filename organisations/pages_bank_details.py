"""Pages of a site's bank details (/lieux/{id}/coordonnees-bancaires: staff and the site's own
agents) and staff's list of changes to approve (/staff/coordonnees-bancaires). The rules are
organisations.bank_details'; the IBAN is masked for everyone but staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from organisations import bank_details
from organisations.errors import refuse
from passnum.auth import Actor, Role, roles
from passnum.errors import DomainError

NOTICES = {
    "envoye": "Vos nouvelles coordonnées bancaires sont en attente de validation par le "
    "Département. Les remboursements restent versés sur le compte en vigueur d'ici là.",
    "enregistre": "Les coordonnées bancaires sont enregistrées.",
    "valide": "Le changement est validé : il s'applique à partir de sa date.",
    "refuse": "Le changement est refusé ; le lieu voit le motif.",
}
FIELDS = ("iban", "bic", "holder", "valid_from")


def _path(organisation_id: int) -> str:
    return f"/lieux/{organisation_id}/coordonnees-bancaires"


class BankDetailsPages(Controller):
    path = "/lieux/{organisation_id:int}/coordonnees-bancaires"
    opt = roles(Role.staff, Role.site_agent)
    include_in_schema = False

    @get("/")
    async def show(
        self, request: Request, organisation_id: FromPath[int], fait: FromQuery[str] = ""
    ) -> Template:
        return await _page(request.user, organisation_id, notice=NOTICES.get(fait, ""))

    @post("/")
    async def propose(
        self, request: Request, organisation_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        values = {f: str(form.get(f, "")).strip() for f in FIELDS}
        values["regie"] = form.get("regie") == "1"
        try:
            try:
                start = date.fromisoformat(values["valid_from"]) if values["valid_from"] else None
            except ValueError as exc:
                raise refuse("invalid.date", field="valid_from") from exc
            details = await bank_details.propose_bank_details(
                request.user,
                organisation_id,
                values["iban"],
                values["bic"],
                values["holder"],
                start,
                values["regie"],
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            return await _page(request.user, organisation_id, error=error, values=values)
        done = "enregistre" if details.approved else "envoye"
        return Redirect(f"{_path(organisation_id)}?fait={done}")

    @post("/{details_id:int}/decision", opt=roles(Role.staff))
    async def decide(
        self, request: Request, organisation_id: FromPath[int], details_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        decision = str(form.get("decision", ""))
        try:
            await bank_details.decide_bank_details(
                request.user, organisation_id, details_id, decision, str(form.get("reason", ""))
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            return await _page(request.user, organisation_id, error=error)
        return Redirect(
            f"{_path(organisation_id)}?fait={'valide' if decision == 'approve' else 'refuse'}"
        )


async def _page(
    actor: Actor,
    organisation_id: int,
    error: DomainError | None = None,
    values: dict[str, Any] | None = None,
    notice: str = "",
) -> Template:
    organisation = await bank_details.visible_site(actor, organisation_id)
    history = await bank_details.bank_details_history(organisation_id)
    return Template(
        "organisations/bank_details.html",
        context={
            "org": organisation,
            "in_force": await bank_details.bank_details_in_force(organisation_id),
            "pending": [d for d in history if d.status == "pending"],
            "history": history,
            "is_staff": actor.is_staff,
            "error": error,
            "values": values or {},
            "notice": notice,
        },
        status_code=error.status_code if error else 200,
    )


@get("/staff/coordonnees-bancaires", opt=roles(Role.staff), include_in_schema=False)
async def pending_bank_details_page() -> Template:
    return Template(
        "organisations/bank_details_pending.html",
        context={"pending": await bank_details.pending_bank_details()},
    )
