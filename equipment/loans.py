"""Reservations and loans: create, extend and cancel, always through the booking guard.

A loan books each of its items from ``start_date`` to ``due_date`` inclusive (see
``equipment.booking`` for why that can never double-book). Cancelling frees every day; returning
an item frees the days after its return; an extension books the extra days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from equipment import schemas
from equipment.booking import ACTIVE_LOAN_STATUSES, book
from equipment.errors import refuse
from equipment.inventory import get_rules as fleet_rules
from equipment.inventory import item_by_tag, kit_item_ids
from equipment.labels import loan_status_label
from equipment.tables import Booking, Item, ItemStatus, Loan, LoanItem, LoanStatus
from organisations.editing import clean_phone
from organisations.services import EMAIL_RE
from organisations.tables import Organisation
from passnum import audit, clock, db
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.fr import format_date

OPEN_STATUSES = (LoanStatus.checked_out.value, LoanStatus.partially_returned.value)


async def get_loan(number: str) -> schemas.LoanView:
    """A loan with its items, by number ("PR-00012")."""
    loans = await list_loans(where=Loan.number == number.strip().upper(), with_items=True)
    if not loans:
        raise refuse("not_found.loan", _number=number)
    return loans[0]


async def count_loans(where: Any = None) -> int:
    query = Loan.count()
    return await (query.where(where) if where is not None else query)


async def list_loans(
    where: Any = None, with_items: bool = False, limit: int = 500, offset: int = 0
) -> list[schemas.LoanView]:
    """Loans (newest start first, then newest number) for any Piccolo ``where`` on :class:`Loan`."""
    query = (
        Loan.select(*Loan.all_columns(), Loan.borrower.name)
        .order_by(Loan.start_date, ascending=False)
        .order_by(Loan.id, ascending=False)
    )
    if where is not None:
        query = query.where(where)
    rows = await query.limit(limit).offset(offset)
    items: dict[int, list[schemas.LoanItemView]] = {}
    if with_items and rows:
        lines = await LoanItem.select(
            *LoanItem.all_columns(),
            LoanItem.item.asset_tag,
            LoanItem.item.item_type,
            LoanItem.item.brand,
            LoanItem.item.model,
            LoanItem.item.serial,
            LoanItem.item.status,
        ).where(LoanItem.loan.is_in([r["id"] for r in rows]))
        for line in sorted(lines, key=lambda r: r["item.asset_tag"]):
            items.setdefault(line["loan"], []).append(_line_view(line))
    today = clock.today()
    return [
        schemas.LoanView(
            id=r["id"],
            number=r["number"],
            borrower_id=r["borrower"],
            borrower_name=r["borrower.name"],
            contact_name=r["contact_name"],
            contact_phone=r["contact_phone"],
            contact_email=r["contact_email"],
            start_date=r["start_date"],
            due_date=r["due_date"],
            purpose=r["purpose"],
            status=r["status"],
            status_label=loan_status_label(r["status"]),
            overdue=r["status"] in OPEN_STATUSES and r["due_date"] < today,
            checked_out_at=r["checked_out_at"],
            closed_at=r["closed_at"],
            items=items.get(r["id"], []),
        )
        for r in rows
    ]


def _line_view(line: dict[str, Any]) -> schemas.LoanItemView:
    return schemas.LoanItemView(
        item=line["item.asset_tag"],
        item_id=line["item"],
        item_type=line["item.item_type"],
        brand=line["item.brand"],
        model=line["item.model"],
        serial=line["item.serial"],
        item_status=line["item.status"],
        checkout_checklist=db.as_json(line["checkout_checklist"], {}),
        checkout_note=line["checkout_note"],
        returned_at=line["returned_at"],
        return_note=line["return_note"],
        missing_accessories=db.as_json(line["missing_accessories"], []),
        data_wiped=line["data_wiped"],
        damaged=line["damaged"],
        lost=line["lost"],
    )


async def check_dates(start: date, due: date, *, new_loan: bool) -> None:
    rules = await fleet_rules()
    if due < start:
        raise refuse("invalid.dates_reversed", field="due_date")
    earliest = clock.today() + timedelta(days=rules.min_notice_days)
    if new_loan and start < earliest and not rules.min_notice_days:
        raise refuse("notice_too_short.past", _earliest=format_date(earliest))
    if new_loan and start < earliest:
        raise refuse(
            "notice_too_short",
            _min_notice_days=rules.min_notice_days,
            _earliest=format_date(earliest),
        )
    if (due - start).days + 1 > rules.max_duration_days:
        raise refuse("too_long", _max_duration_days=rules.max_duration_days)


async def check_borrower_cap(
    borrower_id: int, start: date, due: date, adding: int, loan_id: int | None = None
) -> None:
    """Items the borrower would hold at once over these dates: ``adding`` for loan ``loan_id``
    (new, extended or given more devices) and those of their other loans. Checked on every write
    that makes a borrower hold more (reservation, extension, added device)."""
    rules = await fleet_rules()
    overdue = LoanItem.loan._.status.is_in(list(OPEN_STATUSES)) & (
        LoanItem.loan.due_date < clock.today()
    )
    query = LoanItem.count().where(
        (LoanItem.loan.borrower == borrower_id)
        & LoanItem.loan._.status.is_in(list(ACTIVE_LOAN_STATUSES))
        & (LoanItem.loan.start_date <= due)
        # a device still out past its due date is held until it comes back
        & ((LoanItem.loan.due_date >= start) | overdue)
        & LoanItem.returned_at.is_null()
        & LoanItem.lost.eq(False)
    )
    held = await (query.where(LoanItem.loan != loan_id) if loan_id else query)
    if held + adding > rules.max_items_per_borrower:
        raise refuse(
            "too_many_items", _max_items_per_borrower=rules.max_items_per_borrower, _held=held
        )


async def _resolve_items(tags: list[str], kit_ids: list[int]) -> list[Item]:
    ids = [(await item_by_tag(tag)).id for tag in tags] + await kit_item_ids(kit_ids)
    items = await Item.objects().where(Item.id.is_in(sorted(set(ids)) or [0])).order_by(Item.id)
    if not items:
        raise refuse("invalid.nothing_chosen", field="items")
    gone = [i.asset_tag for i in items if i.status in (ItemStatus.retired, ItemStatus.lost)]
    if gone:
        raise refuse("not_lendable", _gone=", ".join(gone), items=gone)
    return items


def clean_contact_phone(raw: str) -> str:
    """The contact's phone through the project's one phone rule (organisations' clean_phone):
    E.164, "" when none was given, refused beside the field when nobody could call it back.
    Pages and documents show it with passnum.fr.format_phone."""
    return clean_phone(raw, field="contact_phone")


async def create_loan(actor: Actor | None, data: schemas.LoanCreate) -> schemas.LoanView:
    """Reserve items and kits for a borrower; refused with the conflicts if any day is taken."""
    contact = data.contact_name.strip()
    if not contact:
        raise refuse("invalid.contact_missing", field="contact_name")
    phone = clean_contact_phone(data.contact_phone)
    email = data.contact_email.strip().lower()
    if email and not EMAIL_RE.match(email):
        raise refuse("invalid.contact_email", field="contact_email")
    borrower = await Organisation.objects().get(Organisation.id == data.borrower_id)
    if borrower is None or not borrower.is_borrower:
        raise refuse("invalid.not_a_borrower", field="borrower_id")
    await check_dates(data.start_date, data.due_date, new_loan=True)
    items = await _resolve_items(data.items, data.kits)

    async def insert() -> Loan:
        await check_borrower_cap(borrower.id, data.start_date, data.due_date, len(items))
        loan = Loan(
            borrower=borrower.id,
            contact_name=contact,
            contact_phone=phone,
            contact_email=email,
            start_date=data.start_date,
            due_date=data.due_date,
            purpose=data.purpose.strip(),
        )
        await loan.save()
        loan.number = f"PR-{loan.id:05d}"
        await Loan.update({Loan.number: loan.number}).where(Loan.id == loan.id)
        for item in items:
            line = LoanItem(loan=loan.id, item=item.id)
            await line.save()
            await Booking.insert(
                Booking(
                    item=item.id,
                    start_date=data.start_date,
                    end_date=data.due_date,
                    loan_item=line.id,
                )
            )
        await audit.record(
            actor,
            "create",
            "loan",
            loan.number,
            {
                "borrower": borrower.id,
                "start": data.start_date.isoformat(),
                "due": data.due_date.isoformat(),
                "items": [i.asset_tag for i in items],
            },
        )
        return loan

    loan = await book(
        [i.id for i in items], data.start_date, data.due_date, insert, borrower_id=borrower.id
    )
    return await get_loan(loan.number)


async def _loan_row(number: str) -> Loan:
    loan = await Loan.objects().get(Loan.number == number.strip().upper())
    if loan is None:
        raise refuse("not_found.loan", _number=number)
    return loan


async def extend_loan(actor: Actor | None, number: str, due_date: date) -> schemas.LoanView:
    """Move the due date later for the items still out; the extra days must be free."""
    loan = await _loan_row(number)
    if loan.status not in ACTIVE_LOAN_STATUSES:
        raise refuse("loan_closed", _number=loan.number)
    if due_date <= loan.due_date:
        raise refuse("invalid.extension_not_later", field="due_date")
    await check_dates(loan.start_date, due_date, new_loan=False)
    lines = await LoanItem.select(LoanItem.id, LoanItem.item).where(
        (LoanItem.loan == loan.id) & LoanItem.returned_at.is_null() & LoanItem.lost.eq(False)
    )
    first_new_day = loan.due_date + timedelta(days=1)

    async def extend() -> None:
        await check_borrower_cap(loan.borrower, first_new_day, due_date, len(lines), loan.id)
        await Booking.update({Booking.end_date: due_date}).where(
            Booking.loan_item.is_in([line["id"] for line in lines] or [0]) & Booking.active.eq(True)
        )
        await Loan.update({Loan.due_date: due_date}).where(Loan.id == loan.id)
        await audit.record(
            actor,
            "extend",
            "loan",
            loan.number,
            {"from": loan.due_date.isoformat(), "to": due_date.isoformat()},
        )

    await book(
        [line["item"] for line in lines],
        first_new_day,
        due_date,
        extend,
        borrower_id=loan.borrower,
        exclude_loan_id=loan.id,
    )
    return await get_loan(loan.number)


async def cancel_loan(actor: Actor | None, number: str, reason: str = "") -> schemas.LoanView:
    """A reservation not yet handed over is cancelled; its days are free again at once."""
    loan = await _loan_row(number)
    async with write_transaction():
        updated = (
            await Loan.update({Loan.status: LoanStatus.cancelled.value})
            .where((Loan.id == loan.id) & (Loan.status == LoanStatus.reserved.value))
            .returning(Loan.id)
        )
        if not updated:
            raise refuse("not_cancellable", _number=loan.number)
        lines = await LoanItem.select(LoanItem.id).where(LoanItem.loan == loan.id)
        await Booking.update({Booking.active: False}).where(
            Booking.loan_item.is_in([line["id"] for line in lines] or [0])
        )
        await audit.record(actor, "cancel", "loan", loan.number, {"reason": reason})
    # Days freed: the waiting list may move. Imported here: the task module reads this one.
    from equipment.tasks import offer_waiting_later

    await offer_waiting_later()
    return await get_loan(loan.number)
