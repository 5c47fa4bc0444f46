"""Changing the devices of a reservation: remove one, add one, or replace one by another.

A booking that cannot be handed over as it is (a device still out on an overdue loan, or sent to
maintenance at its return) is changed instead of cancelled whole. Adding or replacing goes through
the same booking guard as a new reservation (``equipment.booking.book``: locks, the one reading
of holds, the exclusion constraint) and the borrower's maximum number of devices; removing frees
the device's days at once. Only a reservation not yet handed over can be changed.
"""

from __future__ import annotations

from equipment import schemas
from equipment.booking import book, locked_loan_status
from equipment.errors import refuse
from equipment.loans import _loan_row, _resolve_items, check_borrower_cap, get_loan
from equipment.tables import Booking, Loan, LoanItem, LoanStatus
from passnum import audit
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError


def _must_be_reserved(loan: Loan) -> None:
    if loan.status != LoanStatus.reserved:
        raise refuse("not_reserved", _number=loan.number)


async def _still_reserved(loan: Loan) -> None:
    """Under the transaction, with the loan row locked: still a reservation."""
    if await locked_loan_status(loan.id) != LoanStatus.reserved:
        _must_be_reserved(await _loan_row(loan.number))


async def _lines(loan: Loan) -> dict[str, dict]:
    rows = await LoanItem.select(LoanItem.id, LoanItem.item, LoanItem.item.asset_tag).where(
        LoanItem.loan == loan.id
    )
    return {r["item.asset_tag"]: r for r in rows}


def _not_in_loan(tag: str, number: str) -> DomainError:
    return refuse("not_in_loan", _tag=tag, _number=number, items=[tag])


async def _drop(line: dict) -> None:
    await Booking.delete().where(Booking.loan_item == line["id"])
    await LoanItem.delete().where(LoanItem.id == line["id"])


async def add_item(
    actor: Actor | None, number: str, tag: str, replaces: str | None = None
) -> schemas.LoanView:
    """Add device ``tag`` to a reservation over its dates, in place of ``replaces`` if given."""
    loan = await _loan_row(number)
    _must_be_reserved(loan)
    item = (await _resolve_items([tag], []))[0]
    old_tag = replaces.strip().upper() if replaces else None
    lines = await _lines(loan)
    if item.asset_tag in lines:
        raise refuse("already_in_loan", _asset_tag=item.asset_tag, _number=loan.number)
    if old_tag and old_tag not in lines:
        raise _not_in_loan(old_tag, loan.number)

    async def change() -> None:
        await _still_reserved(loan)
        current = await _lines(loan)  # re-read under the lock
        if old_tag and old_tag not in current:
            raise _not_in_loan(old_tag, loan.number)
        keeps = len(current) - (1 if old_tag else 0)
        await check_borrower_cap(loan.borrower, loan.start_date, loan.due_date, keeps + 1, loan.id)
        if old_tag:
            await _drop(current[old_tag])
        line = LoanItem(loan=loan.id, item=item.id)
        await line.save()
        await Booking.insert(
            Booking(
                item=item.id,
                start_date=loan.start_date,
                end_date=loan.due_date,
                loan_item=line.id,
            )
        )
        changes = (
            {"item": item.asset_tag, "replaces": old_tag} if old_tag else {"item": item.asset_tag}
        )
        await audit.record(
            actor, "replace_item" if old_tag else "add_item", "loan", loan.number, changes
        )

    await book([item.id], loan.start_date, loan.due_date, change, borrower_id=loan.borrower)
    return await get_loan(loan.number)


async def remove_item(actor: Actor | None, number: str, tag: str) -> schemas.LoanView:
    """Take device ``tag`` out of a reservation: its days are free again at once."""
    loan = await _loan_row(number)
    _must_be_reserved(loan)
    tag = tag.strip().upper()
    async with write_transaction():
        await _still_reserved(loan)
        lines = await _lines(loan)
        if tag not in lines:
            raise _not_in_loan(tag, loan.number)
        if len(lines) == 1:
            raise refuse("last_item", _tag=tag, _number=loan.number)
        await _drop(lines[tag])
        await audit.record(actor, "remove_item", "loan", loan.number, {"item": tag})
    from equipment.tasks import offer_waiting_later  # the task module reads this one

    await offer_waiting_later()  # days freed: the waiting list may move
    return await get_loan(loan.number)
