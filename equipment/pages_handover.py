"""One loan's pages: what its slip's QR opens (``/loans/{number}``), hand-over and return screens.

Screens are built for a tablet at the counter: one fieldset per item, big checkboxes. The return
screen asks, for every item, an explicit choice — not returned today, returned with personal data
wiped, or returned NOT wiped — so the wipe is never confirmed by default (the service then sends
an unwiped or damaged item to maintenance).
"""

from __future__ import annotations

import re

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from equipment import handover, loan_changes, loans, schemas, signatures, slip_archive
from equipment.api_loans import slip
from equipment.errors import refuse
from equipment.page_queries import accessories_by_tag
from equipment.pages_forms import error_context, parse_day, render, text
from equipment.pages_loans import STAFF
from equipment.signatures import Moment
from passnum import audit, clock
from passnum.errors import DomainError

RETURN_CHOICES = {"wiped": True, "not_wiped": False}
ITEM_PAGE = re.compile(r"/i/[A-Z0-9-]{1,20}")  # the only page a move may send staff back to


def signing(form) -> dict[str, str]:
    """The signature fields as filled in, to give the form back after a refusal (the drawing
    too: the pad shows it again)."""
    return {k: text(form, k) for k in ("signer_name", "signature_png", "signature_typed")}


async def loan_page(
    number: str, status_code: int = 200, historique: str = "", **context: object
) -> Template:
    loan = await loans.get_loan(number)
    history = await audit.history_page("loan", loan.number, historique)
    return render(
        "loan.html",
        status_code,
        loan=loan,
        signatures=await signatures.views(loan),
        history=history.items,
        history_pager=history,
        **context,
    )


async def screen(
    template: str, number: str, error: DomainError | None = None, **context: object
) -> Template:
    """The hand-over or return screen, with the loan's items and their accessories."""
    loan = await loans.get_loan(number)
    accessories = await accessories_by_tag([i.item for i in loan.items])
    extra = error_context(error) if error else {}
    return render(
        template,
        error.status_code if error else 200,
        loan=loan,
        accessories=accessories,
        outstanding=[i for i in loan.items if not (i.returned_at or i.lost)],
        today=clock.today(),
        **extra,
        **context,
    )


def checkout_lines(form, tags: list[str]) -> list[schemas.CheckoutLine]:
    return [
        schemas.CheckoutLine(
            item=tag,
            present=form.get(f"present:{tag}") == "1",
            working=form.get(f"working:{tag}") == "1",
            accessories_ok=form.get(f"accessories_ok:{tag}") == "1",
            note=text(form, f"note:{tag}"),
        )
        for tag in tags
    ]


def return_lines(form, tags: list[str]) -> list[schemas.ReturnLine]:
    """Lines for the items marked returned; an item left "not returned" is skipped."""
    lines = []
    for tag in tags:
        choice = text(form, f"state:{tag}")
        if choice not in RETURN_CHOICES:
            continue
        lines.append(
            schemas.ReturnLine(
                item=tag,
                data_wiped=RETURN_CHOICES[choice],
                damaged=form.get(f"damaged:{tag}") == "1",
                missing_accessories=[str(m) for m in form.getall(f"missing:{tag}", [])],
                note=text(form, f"note:{tag}"),
            )
        )
    if not lines:
        raise refuse("invalid.return_choice", field="state")
    return lines


class LoanRecordPages(Controller):
    path = "/loans"
    opt = STAFF
    include_in_schema = False

    @get("/{number:str}")
    async def detail(
        self, number: FromPath[str], done: FromQuery[str] = "", historique: FromQuery[str] = ""
    ) -> Template:
        return await loan_page(number, historique=historique, done=done)

    @get("/{number:str}/remise")
    async def handover_form(self, number: FromPath[str]) -> Template:
        return await screen("loan_handover.html", number)

    @post("/{number:str}/remise")
    async def handover(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        tags = [str(t) for t in form.getall("items", [])]
        lines = checkout_lines(form, tags)
        try:
            signature = signatures.from_form(form)
            loan = await handover.check_out_loan(request.user, number, lines, signature)
        except DomainError as error:  # the form comes back as it was filled in
            typed = {line.item: line for line in lines}
            return await screen(
                "loan_handover.html", number, error, typed=typed, signing=signing(form)
            )
        return Redirect(f"/loans/{loan.number}?done=remise")

    @get("/{number:str}/retour")
    async def return_form(self, number: FromPath[str]) -> Template:
        return await screen("loan_return.html", number)

    @post("/{number:str}/retour")
    async def take_back(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        tags = [str(t) for t in form.getall("items", [])]
        try:
            lines = return_lines(form, tags)
            signature = signatures.from_form(form)
            loan = await handover.check_in_loan(request.user, number, lines, signature)
        except DomainError as error:
            return await screen("loan_return.html", number, error, signing=signing(form))
        return Redirect(f"/loans/{loan.number}?done=retour")

    @post("/{number:str}/appareils")
    async def add_item(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        """Add a device to a reservation, or put it in the place of one (``replaces``)."""
        form = await request.form()
        try:
            loan = await loan_changes.add_item(
                request.user, number, text(form, "item"), text(form, "replaces") or None
            )
        except DomainError as error:
            return await loan_page(number, error.status_code, **error_context(error))
        back = text(form, "next")
        if ITEM_PAGE.fullmatch(back):  # moved from a device's page (maintenance): back there
            return Redirect(f"{back}?done=deplace")
        return Redirect(f"/loans/{loan.number}?done=appareils")

    @post("/{number:str}/appareils/{tag:str}/retirer")
    async def remove_item(
        self, request: Request, number: FromPath[str], tag: FromPath[str]
    ) -> Template | Redirect:
        try:
            loan = await loan_changes.remove_item(request.user, number, tag)
        except DomainError as error:
            return await loan_page(number, error.status_code, **error_context(error))
        return Redirect(f"/loans/{loan.number}?done=appareils")

    @post("/{number:str}/perte")
    async def loss(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        tags = [str(t) for t in form.getall("lost", [])]
        try:
            loan = await handover.declare_loss(request.user, number, tags, text(form, "note"))
        except DomainError as error:
            return await screen("loan_return.html", number, error)
        return Redirect(f"/loans/{loan.number}?done=perte")

    @post("/{number:str}/annuler")
    async def cancel(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            loan = await loans.cancel_loan(request.user, number, text(form, "reason"))
        except DomainError as error:
            return await loan_page(number, error.status_code, **error_context(error))
        return Redirect(f"/loans/{loan.number}?done=annule")

    @post("/{number:str}/prolonger")
    async def extend(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            due = parse_day(text(form, "due_date"), "due_date")
            loan = await loans.extend_loan(request.user, number, due)
        except DomainError as error:
            return await loan_page(number, error.status_code, **error_context(error))
        return Redirect(f"/loans/{loan.number}?done=prolonge")

    @get("/{number:str}/bon-de-pret.pdf")
    async def slip(self, number: FromPath[str]) -> Response[bytes] | Stream:
        return await slip(number, Moment.handover)

    @get("/{number:str}/bon-de-retour.pdf")
    async def return_slip(self, number: FromPath[str]) -> Response[bytes] | Stream:
        return await slip(number, Moment.return_)

    @get("/{number:str}/bons/{signature_id:int}")
    async def signed_slip(self, number: FromPath[str], signature_id: FromPath[int]) -> Stream:
        """The signed slip kept for one signature, byte for byte."""
        return await slip_archive.kept_slip(number, signature_id)


class SlipCheckPages(Controller):
    """Check a copy of a signed slip: is it, byte for byte, the one kept?"""

    path = "/equipment/bons"
    opt = STAFF
    include_in_schema = False

    @get("/verifier")
    async def check_form(self) -> Template:
        return render("slip_check.html")

    @post("/verifier")
    async def check(self, request: Request) -> Template:
        form = await request.form()
        upload = form.get("copie")
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        if not content:
            error = refuse("invalid.slip_file")
            return render("slip_check.html", 422, **error_context(error))
        return render("slip_check.html", result=await slip_archive.check_copy(content))
