"""Staff pages to reserve equipment: the loan list and the form with live availability.

The form works without JavaScript in two steps on one page: a GET form (borrower, contact, dates)
re-renders the page with the items and kits the availability service finds free on every day;
a POST form then books the ticked ones through ``create_loan``, which re-checks under its lock and
lists the conflicts in French if someone booked them in between.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from equipment import schemas
from equipment.availability import find_available
from equipment.errors import refuse
from equipment.loans import clean_contact_phone, count_loans, create_loan, list_loans
from equipment.page_queries import borrowers, free_kits
from equipment.pages_forms import error_context, parse_day, render, text
from equipment.tables import Loan, LoanStatus
from passnum.auth import Role, roles
from passnum.errors import DomainError
from passnum.pagination import paginate_fetch

STAFF = roles(Role.staff)
LOAN_FIELDS = ("borrower_id", "contact_name", "contact_phone", "contact_email", "purpose")


async def loan_form_page(
    values: dict[str, str],
    chosen_items: list[str] | None = None,
    chosen_kits: list[str] | None = None,
    error: DomainError | None = None,
) -> Template:
    """The reservation page: step 1 values, and when the dates read well, what is free."""
    context: dict[str, Any] = {
        "values": values,
        "borrowers": await borrowers(),
        "chosen_items": set(chosen_items or []),
        "chosen_kits": set(chosen_kits or []),
        "availability": None,
        "kits": [],
    }
    status = 200
    try:
        if values.get("start_date") or values.get("due_date"):
            start = parse_day(values.get("start_date", ""), "start_date")
            due = parse_day(values.get("due_date", ""), "due_date")
            found = await find_available(start, due, values.get("item_type") or None)
            context["availability"] = found
            context["kits"] = await free_kits({i.asset_tag for i in found.items})
        clean_contact_phone(values.get("contact_phone", ""))  # told at step 1, not once booked
    except DomainError as refused:
        error = error or refused
    if error is not None:
        context.update(error_context(error))
        status = error.status_code
    return render("loan_new.html", status, **context)


class LoanPages(Controller):
    path = "/equipment/loans"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def index(self, status: FromQuery[str] = "", page: FromQuery[str] = "") -> Template:
        where = Loan.status == status if status in LoanStatus.__members__ else None
        pager = await paginate_fetch(
            lambda limit, offset: list_loans(where, with_items=True, limit=limit, offset=offset),
            await count_loans(where),
            page,
            {"status": status},
        )
        return render("loans.html", loans=pager.items, pager=pager, status=status)

    @get("/new")
    async def new(
        self,
        borrower_id: FromQuery[str] = "",
        contact_name: FromQuery[str] = "",
        contact_phone: FromQuery[str] = "",
        contact_email: FromQuery[str] = "",
        purpose: FromQuery[str] = "",
        start_date: FromQuery[str] = "",
        due_date: FromQuery[str] = "",
        item_type: FromQuery[str] = "",
    ) -> Template:
        values = {k: v for k, v in locals().items() if isinstance(v, str)}
        return await loan_form_page(values)

    @post("/new")
    async def create(self, request: Request) -> Template | Redirect:
        form = await request.form()
        values = {k: text(form, k) for k in (*LOAN_FIELDS, "start_date", "due_date", "item_type")}
        items = [str(t) for t in form.getall("items", [])]
        kits = [str(k) for k in form.getall("kits", [])]
        try:
            if not values["borrower_id"].isdigit():
                raise refuse("invalid.borrower_choice", field="borrower_id")
            loan = await _create(request, values, items, kits)
        except DomainError as error:
            return await loan_form_page(values, items, kits, error)
        return Redirect(f"/loans/{loan.number}?done=reserve")


async def _create(
    request: Request, values: dict[str, str], items: list[str], kits: list[str]
) -> schemas.LoanView:
    return await create_loan(
        request.user,
        schemas.LoanCreate(
            borrower_id=int(values["borrower_id"]),
            contact_name=values["contact_name"],
            contact_phone=values["contact_phone"],
            contact_email=values["contact_email"],
            purpose=values["purpose"],
            start_date=parse_day(values["start_date"], "start_date"),
            due_date=parse_day(values["due_date"], "due_date"),
            items=items,
            kits=[int(k) for k in kits if k.isdigit()],
        ),
    )
