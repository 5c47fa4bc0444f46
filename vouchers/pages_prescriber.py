"""Prescribers' pages: their organisation's stock, handing out a booklet, the hand-over receipt,
the booklets handed out and what became of them, cancelling a lost or stolen booklet."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from passnum.auth import Actor, Role, roles
from passnum.errors import DomainError
from passnum.pagination import paginate_fetch
from territory.services import refuse_code_and_postcode
from vouchers import pages_common, schemas
from vouchers import services as svc
from vouchers.pages_common import error_view, form_dict, page
from vouchers.tables import Booklet
from vouchers.validity import handout_warning

HANDOUT_FIELDS = ("booklet_number", "reference", "insee_code", "age_band", "social_status")


def _handout_form(values: dict[str, Any], replaces: str = "", **context: Any) -> Template:
    return page("handout.html", values=values, replaces=replaces, **context)


class PrescriberPages(Controller):
    path = "/carnets"
    opt = roles(Role.prescriber)
    include_in_schema = False

    @get("/")
    async def stock(self, request: Request) -> Template:
        return page("stock.html", lines=await svc.stock(request.user))

    @get("/remettre")
    async def handout_form(
        self, remplace: FromQuery[str] = "", numero: FromQuery[str] = ""
    ) -> Template:
        return _handout_form({"booklet_number": numero, "needs": []}, replaces=remplace)

    @post("/remettre")
    async def hand_out(self, request: Request) -> Template | Redirect:
        form = await request.form()
        values: dict[str, Any] = form_dict(form, *HANDOUT_FIELDS, "replaces")
        values["needs"] = [str(n) for n in form.getall("needs", [])]
        values["consent"] = form.get("consent") == "yes"
        beneficiary = schemas.BeneficiaryIn(
            consent=values["consent"],
            insee_code=values["insee_code"],
            age_band=values["age_band"] or "unknown",
            social_status=values["social_status"] or "unknown",
            needs=values["needs"],
            reference=values["reference"],
        )
        data = schemas.HandOutIn(
            booklet_number=values["booklet_number"],
            beneficiary=beneficiary,
            replaces=values["replaces"] or None,
        )
        try:
            await refuse_code_and_postcode(values["insee_code"], "insee_code")  # typed, not picked
            receipt = await svc.hand_out_booklet(request.user, data)
        except DomainError as error:
            return _handout_form(
                values,
                replaces=values["replaces"],
                error=error_view(error),
                status_code=error.status_code,
            )
        return Redirect(path=f"/carnets/{receipt.booklet_number}/recu?remis=1")

    @get("/{number:str}/recu", opt=roles(Role.staff, Role.prescriber))
    async def receipt(
        self, request: Request, number: FromPath[str], remis: FromQuery[str] = ""
    ) -> Template:
        receipt = await svc.handover_receipt(request.user, number)
        warning = ""
        if remis:  # a booklet handed out near its run's end: say so to the prescriber
            batch = await Booklet.select(Booklet.batch.valid_until).where(Booklet.number == number)
            warning = handout_warning(batch[0]["batch.valid_until"]) if batch else ""
        return page(
            "receipt.html", receipt=receipt, just_handed_out=bool(remis), validity_warning=warning
        )

    @get("/remis")
    async def handed_out(self, request: Request, page: FromQuery[str] = "") -> Template:
        actor: Actor = request.user
        pager = await paginate_fetch(
            lambda limit, offset: svc.prescriber_feedback(actor, limit=limit, offset=offset),
            await svc.prescriber_feedback_count(actor),
            page,
        )
        return pages_common.page("handed_out.html", booklets=pager.items, pager=pager)

    @get("/{number:str}/annuler", opt=roles(Role.staff, Role.prescriber))
    async def cancel_form(self, number: FromPath[str]) -> Template:
        return page("cancel.html", number=number, values={})

    @post("/{number:str}/annuler", opt=roles(Role.staff, Role.prescriber))
    async def cancel(self, request: Request, number: FromPath[str]) -> Template:
        actor: Actor = request.user
        values = form_dict(await request.form(), "reason", "note")
        try:
            done = await svc.cancel_booklet(actor, number, values["reason"], values["note"])
        except DomainError as error:
            return page(
                "cancel.html",
                number=number,
                values=values,
                error=error_view(error),
                status_code=error.status_code,
            )
        return page("cancelled.html", done=done, can_replace=actor.has_role(Role.prescriber))


PRESCRIBER_PAGE_HANDLERS = [PrescriberPages]
