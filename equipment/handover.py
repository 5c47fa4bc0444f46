"""Hand-over (check-out), return (check-in) and loss: what physically happens to a loan's items.

Each state change is a conditional update (``… WHERE status = 'reserved'``, ``… WHERE returned_at
IS NULL``) inside one transaction, so two agents scanning the same loan at once cannot both
hand it over or both return the same item.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from piccolo.columns import Column

from equipment import schemas, signatures, slip_archive, tasks
from equipment.booking import book, free_until
from equipment.errors import refuse
from equipment.loans import OPEN_STATUSES, _loan_row, check_borrower_cap, check_dates, get_loan
from equipment.maintenance import refresh_status_today
from equipment.signatures import Moment, SignatureIn
from equipment.tables import (
    Booking,
    Item,
    ItemStatus,
    Loan,
    LoanItem,
    LoanStatus,
    MaintenanceRecord,
)
from passnum import audit, clock
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError

log = logging.getLogger(__name__)


async def _lines(loan_id: int) -> dict[str, dict]:
    rows = await LoanItem.select(
        *LoanItem.all_columns(), LoanItem.item.asset_tag, LoanItem.item.status
    ).where(LoanItem.loan == loan_id)
    return {r["item.asset_tag"]: r for r in rows}


def _unknown(tags: set[str], number: str) -> DomainError:
    listed = ", ".join(sorted(tags))
    return refuse("not_in_loan.many", _number=number, _listed=listed, items=sorted(tags))


async def _keep_slip(number: str, signature_id: int | None) -> None:
    """Store the slip just signed. After the commit: a failure here leaves the hand-over or the
    return done and signed, and the slip is stored at its next download instead."""
    if signature_id is None:
        return
    try:
        await slip_archive.archive(number, signature_id)
    except Exception:
        log.exception("Bon signé du prêt %s non conservé (signature %s)", number, signature_id)


async def check_out_loan(
    actor: Actor | None,
    number: str,
    lines: list[schemas.CheckoutLine],
    signature: SignatureIn | None = None,
) -> schemas.LoanView:
    """Hand a reserved loan over, with a checklist line per item (present, working, accessories).

    Early (before its start date) when the devices are free from today: the loan then starts
    today. Refused, with the conflicts named, if anything else holds a device meanwhile.
    ``signature``: the borrower's, taken on the tablet (kept with the hand-over, printed on the
    slip, the slip stored); without one the slip is signed on paper."""
    signature = signatures.checked(signature) if signature else None
    loan = await _loan_row(number)
    today = clock.today()
    if loan.status != LoanStatus.reserved:
        raise refuse("not_reserved.closed", _number=loan.number)
    if today > loan.due_date:
        raise refuse("expired", _number=loan.number)
    by_tag = await _lines(loan.id)
    if any(r["item.status"] == ItemStatus.maintenance for r in by_tag.values()):
        for row in by_tag.values():
            await refresh_status_today(row["item"])
        by_tag = await _lines(loan.id)
    given = {line.item.strip().upper(): line for line in lines}
    if set(given) - set(by_tag):
        raise _unknown(set(given) - set(by_tag), loan.number)
    if set(by_tag) - set(given):
        missing = ", ".join(sorted(set(by_tag) - set(given)))
        raise refuse("checklist_incomplete", _missing=missing)
    early = today < loan.start_date
    if early:
        await check_dates(today, loan.due_date, new_loan=False)

    async def hand_over() -> int | None:
        not_ready = sorted(t for t, r in by_tag.items() if r["item.status"] != ItemStatus.available)
        if not_ready:
            raise refuse("not_ready", _not_ready=", ".join(not_ready), items=not_ready)
        values = {Loan.status: LoanStatus.checked_out.value, Loan.checked_out_at: clock.stamp()}
        if early:  # handed over before its first day: the loan starts today
            values[Loan.start_date] = today
            await check_borrower_cap(loan.borrower, today, loan.start_date, len(by_tag), loan.id)
        updated = (
            await Loan.update(values)
            .where((Loan.id == loan.id) & (Loan.status == LoanStatus.reserved.value))
            .returning(Loan.id)
        )
        if not updated:
            raise refuse("not_reserved.raced", _number=loan.number)
        if early:
            await Booking.update({Booking.start_date: today}).where(
                Booking.loan_item.is_in([r["id"] for r in by_tag.values()])
                & Booking.active.eq(True)
            )
        for tag, line in given.items():
            checklist = {
                "present": line.present,
                "working": line.working,
                "accessories_ok": line.accessories_ok,
            }
            await LoanItem.update(
                {LoanItem.checkout_checklist: checklist, LoanItem.checkout_note: line.note.strip()}
            ).where(LoanItem.id == by_tag[tag]["id"])
        await Item.update({Item.status: ItemStatus.on_loan.value}).where(
            Item.id.is_in([r["item"] for r in by_tag.values()])
        )
        changes: dict[str, Any] = {"items": sorted(given)}
        if early:
            changes["start"] = today.isoformat()
        await audit.record(actor, "check_out", "loan", loan.number, changes)
        if signature is None:
            return None
        return await signatures.record(actor, loan.id, loan.number, Moment.handover, signature)

    # Every device free from the hand-over day (today, or the start) to the due date: nothing
    # else holds them, a device still out on an overdue loan included (named as the conflict).
    signed = await book(
        [r["item"] for r in by_tag.values()],
        min(today, loan.start_date),
        loan.due_date,
        hand_over,
        borrower_id=loan.borrower,
        exclude_loan_id=loan.id,
    )
    await _keep_slip(loan.number, signed)
    return await get_loan(loan.number)


async def _close_if_done(loan: Loan, actor: Actor | None) -> None:
    pending = await LoanItem.count().where(
        (LoanItem.loan == loan.id) & LoanItem.returned_at.is_null() & LoanItem.lost.eq(False)
    )
    status = LoanStatus.partially_returned if pending else LoanStatus.returned
    values: dict[Column | str, Any] = {Loan.status: status.value}
    if not pending:
        values[Loan.closed_at] = clock.stamp()
    await Loan.update(values).where(Loan.id == loan.id)
    await audit.record(actor, "set_status", "loan", loan.number, {"status": status.value})


async def _take_back(loan: Loan, tags: list[str]) -> dict[str, dict]:
    """The lines of ``tags``, which must be out on this loan (not yet returned nor lost)."""
    if loan.status not in OPEN_STATUSES:
        raise refuse("not_out", _number=loan.number)
    by_tag = await _lines(loan.id)
    wanted = {t.strip().upper() for t in tags}
    if not wanted:
        raise refuse("invalid.no_item", field="items")
    if wanted - set(by_tag):
        raise _unknown(wanted - set(by_tag), loan.number)
    done = sorted(t for t in wanted if by_tag[t]["returned_at"] or by_tag[t]["lost"])
    if done:
        raise refuse("already_returned.many", _done=", ".join(done))
    return {t: by_tag[t] for t in wanted}


async def _end_booking_on(line: dict, today: date) -> None:
    """The line's booking ends on the return day, which stays booked (checks, wiping): an early
    return frees the days after; a late one holds the device until today — as far as no booking
    made meanwhile already starts (that one then meets the device at its hand-over)."""
    booking = await Booking.objects().get(
        (Booking.loan_item == line["id"]) & Booking.active.eq(True)
    )
    if booking is None or booking.end_date == today:
        return
    end = today
    if booking.end_date < today:
        end = min(today, await free_until(line["item"], booking.end_date, booking.id))
    await Booking.update({Booking.end_date: end}).where(Booking.id == booking.id)


async def _open_repair(
    item_id: int, today: date, description: str, *, wipe_required: bool = False
) -> None:
    """A device back damaged or not wiped: an open maintenance from today, booked from tomorrow
    (today is the loan's return day) until closed, as far as no later booking already starts."""
    record = MaintenanceRecord(
        item=item_id, start_date=today, description=description, wipe_required=wipe_required
    )
    await record.save()
    first = today + timedelta(days=1)
    last = await free_until(item_id, today)
    if last >= first:
        await Booking.insert(
            Booking(item=item_id, start_date=first, end_date=last, maintenance=record.id)
        )


async def check_in_loan(
    actor: Actor | None,
    number: str,
    lines: list[schemas.ReturnLine],
    signature: SignatureIn | None = None,
) -> schemas.LoanView:
    """Take items back (all or some). Not wiped or damaged → maintenance, else available again.
    ``signature``: the borrower's on the tablet, for this return (see :func:`check_out_loan`)."""
    signature = signatures.checked(signature) if signature else None
    signed: int | None = None
    loan = await _loan_row(number)
    today = clock.today()
    async with write_transaction():
        taken = await _take_back(loan, [line.item for line in lines])
        for line in lines:
            row = taken[line.item.strip().upper()]
            updated = (
                await LoanItem.update(
                    {
                        LoanItem.returned_at: clock.stamp(),
                        LoanItem.return_note: line.note.strip(),
                        LoanItem.missing_accessories: [m for m in line.missing_accessories if m],
                        LoanItem.data_wiped: line.data_wiped,
                        LoanItem.damaged: line.damaged,
                    }
                )
                .where((LoanItem.id == row["id"]) & LoanItem.returned_at.is_null())
                .returning(LoanItem.id)
            )
            if not updated:
                raise refuse("already_returned", _item=line.item)
            await _end_booking_on(row, today)
            needs_care = line.damaged or not line.data_wiped
            status = ItemStatus.maintenance if needs_care else ItemStatus.available
            await Item.update({Item.status: status.value}).where(Item.id == row["item"])
            if needs_care:
                reasons = ["endommagé"] if line.damaged else []
                reasons += [] if line.data_wiped else ["données personnelles non effacées"]
                await _open_repair(
                    row["item"],
                    today,
                    f"Retour du prêt {loan.number} : {', '.join(reasons)}. "
                    f"{line.note.strip()}".strip(),
                    wipe_required=not line.data_wiped,
                )
            await audit.record(
                actor,
                "check_in",
                "item",
                row["item"],
                {"loan": loan.number, "wiped": line.data_wiped, "damaged": line.damaged},
            )
        await _close_if_done(loan, actor)
        if signature is not None:
            signed = await signatures.record(actor, loan.id, loan.number, Moment.return_, signature)
    await _keep_slip(loan.number, signed)
    await tasks.offer_waiting_later()  # devices back: the waiting list may move
    return await get_loan(loan.number)


async def declare_loss(
    actor: Actor | None, number: str, tags: list[str], note: str = ""
) -> schemas.LoanView:
    """Items that will not come back: marked lost, bookings released, the loan closed if done."""
    loan = await _loan_row(number)
    async with write_transaction():
        taken = await _take_back(loan, tags)
        ids = [row["id"] for row in taken.values()]
        await LoanItem.update({LoanItem.lost: True, LoanItem.return_note: note.strip()}).where(
            LoanItem.id.is_in(ids)
        )
        await Booking.update({Booking.active: False}).where(Booking.loan_item.is_in(ids))
        await Item.update({Item.status: ItemStatus.lost.value}).where(
            Item.id.is_in([row["item"] for row in taken.values()])
        )
        await audit.record(actor, "declare_loss", "loan", loan.number, {"items": sorted(taken)})
        await _close_if_done(loan, actor)
    return await get_loan(loan.number)
