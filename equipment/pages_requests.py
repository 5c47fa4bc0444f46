"""Borrowers' pages (/emprunter: what is free, a request, its follow-up and the slips) and the
staff page where requests are decided (/equipment/demandes). The rules are the services'
(``equipment.loan_requests``); a refusal is shown in French on the same form."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from equipment import loan_requests
from equipment.api_loans import slip
from equipment.errors import refuse
from equipment.inventory import list_kits
from equipment.loan_requests import DecisionIn, LoanRequestIn
from equipment.loans import check_dates
from equipment.pages_forms import error_context, parse_day, render, split_list, text
from equipment.signatures import Moment
from equipment.tables import ItemType
from passnum.auth import Role, roles
from passnum.errors import DomainError

REQUEST_FIELDS = (
    "start_date",
    "due_date",
    "contact_name",
    "contact_phone",
    "contact_email",
    "purpose",
)


async def request_page(
    request: Request,
    values: dict[str, str],
    quantities: dict[str, str] | None = None,
    chosen_kits: list[str] | None = None,
    error: DomainError | None = None,
) -> Template:
    context: dict[str, Any] = {
        "values": values,
        "quantities": quantities or {},
        "chosen_kits": set(chosen_kits or []),
        "catalogue": None,
        "types": [t.value for t in ItemType],
    }
    try:
        if values.get("start_date") or values.get("due_date"):
            start = parse_day(values.get("start_date", ""), "start_date")
            due = parse_day(values.get("due_date", ""), "due_date")
            await check_dates(start, due, new_loan=True)  # told now, not once the form is filled
            context["catalogue"] = await loan_requests.catalogue(start, due)
    except DomainError as refused:
        error = error or refused
    status = 200
    if error is not None:
        context.update(error_context(error))
        context["conflicts"] = []  # another borrower's loans are never shown
        status = error.status_code
    return render("borrow.html", status, **context)


class BorrowerPages(Controller):
    path = "/emprunter"
    opt = roles(Role.borrower)
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request,
        start_date: FromQuery[str] = "",
        due_date: FromQuery[str] = "",
    ) -> Template:
        actor = request.user
        values = {"start_date": start_date, "due_date": due_date}
        values["contact_name"] = actor.display_name
        values["contact_email"] = actor.email
        return await request_page(request, values)

    @post("/")
    async def create(self, request: Request) -> Template | Redirect:
        form = await request.form()
        values = {k: text(form, k) for k in REQUEST_FIELDS}
        quantities = {t.value: text(form, f"type_{t.value}") for t in ItemType}
        kits = [str(k) for k in form.getall("kits", [])]
        try:
            types = {}
            for code, value in quantities.items():
                if value and not value.isdigit():
                    raise refuse("invalid.item_count", field="types")
                if value and int(value):
                    types[code] = int(value)
            created = await loan_requests.create_request(
                request.user,
                LoanRequestIn(
                    start_date=parse_day(values["start_date"], "start_date"),
                    due_date=parse_day(values["due_date"], "due_date"),
                    contact_name=values["contact_name"],
                    contact_phone=values["contact_phone"],
                    contact_email=values["contact_email"],
                    purpose=values["purpose"],
                    types=types,
                    kits=[int(k) for k in kits if k.isdigit()],
                ),
            )
        except DomainError as error:
            return await request_page(request, values, quantities, kits, error)
        return Redirect(f"/emprunter/demandes?envoyee={created.id}")

    @get("/demandes")
    async def mine(
        self, request: Request, envoyee: FromQuery[str] = "", prolonge: FromQuery[str] = ""
    ) -> Template:
        return await mine_page(request, sent=envoyee, extended=prolonge)

    @post("/demandes/{request_id:int}/retirer")
    async def withdraw(self, request: Request, request_id: FromPath[int]) -> Template | Redirect:
        try:
            await loan_requests.cancel_request(request.user, request_id)
        except DomainError as error:
            return await mine_page(request, error=error, status=error.status_code)
        return Redirect("/emprunter/demandes")

    @post("/prets/{number:str}/prolonger")
    async def extend(self, request: Request, number: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            due = parse_day(text(form, "due_date"), "due_date")
            loan = await loan_requests.ask_extension(request.user, number, due)
        except DomainError as error:
            return await mine_page(request, error=error, status=error.status_code)
        return Redirect(f"/emprunter/demandes?prolonge={loan.number}")

    @get("/prets/{number:str}/bon-de-pret.pdf")
    async def slip(self, request: Request, number: FromPath[str]) -> Response[bytes] | Stream:
        return await slip(
            await loan_requests.own_loan_number(request.user, number), Moment.handover
        )


async def mine_page(
    request: Request,
    sent: str = "",
    extended: str = "",
    error: DomainError | None = None,
    status: int = 200,
) -> Template:
    return render(
        "borrow_requests.html",
        status,
        requests=await loan_requests.list_requests(request.user),
        loans=await loan_requests.own_loans(request.user),
        sent=sent,
        extended=extended,
        **({**error_context(error), "conflicts": []} if error else {}),
    )


class RequestStaffPages(Controller):
    path = "/equipment/demandes"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(self, fait: FromQuery[str] = "") -> Template:
        return await staff_page(fait)

    @post("/{request_id:int}/decision")
    async def decide(self, request: Request, request_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        decision = text(form, "decision")
        try:
            await loan_requests.decide(
                request.user,
                request_id,
                DecisionIn(
                    decision=decision,
                    reason=text(form, "reason"),
                    items=split_list(text(form, "items")),
                    kits=[int(k) for k in form.getall("kits", []) if str(k).isdigit()],
                    start_date=parse_day(text(form, "start_date"), "start_date", required=False),
                    due_date=parse_day(text(form, "due_date"), "due_date", required=False),
                ),
            )
        except DomainError as error:
            return await staff_page("", error, request_id)
        return Redirect(f"/equipment/demandes?fait={request_id}")


async def staff_page(
    done: str, error: DomainError | None = None, failed_id: int | None = None
) -> Template:
    context: dict[str, Any] = {
        "pending": await loan_requests.list_requests(None, "pending")
        + await loan_requests.list_requests(None, "waiting"),
        "recent": [
            r
            for r in await loan_requests.list_requests(None)
            if r.status not in ("pending", "waiting")
        ][:30],
        "kits": await list_kits(),
        "done": done,
        "failed_id": failed_id,
    }
    status = 200
    if error is not None:
        context.update(error_context(error))
        status = error.status_code
    return render("requests.html", status, **context)
