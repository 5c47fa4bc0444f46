"""Follow-up: loans due soon or overdue, histories, and reminder e-mails safe to run from cron.

Reminders are written from this app's French templates (``templates/equipment/mail/``) and sent
by the kernel's mail sender (:mod:`passnum.mail`). Each reminder is first claimed by inserting a
``ReminderSent`` row with a unique key (loan, kind, due date) and committed; a second run — or two
cron runs at once — cannot claim it again, so no one gets the same e-mail twice. If sending fails
the claim is removed and the next run retries. An extension changes the due date, hence the key:
a new due-soon reminder is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from equipment import schemas
from equipment.booking import ACTIVE_LOAN_STATUSES
from equipment.inventory import get_item, get_rules, item_by_tag
from equipment.loans import OPEN_STATUSES, count_loans, list_loans
from equipment.maintenance import list_maintenance
from equipment.tables import Loan, LoanItem, ReminderSent
from organisations.tables import Organisation
from passnum import clock, mail
from passnum.pagination import PAGE_SIZE
from passnum.settings import get_settings

MAIL = mail.MailTemplates(Path(__file__).parent / "templates")


async def due_soon_loans(days: int | None = None) -> list[schemas.LoanView]:
    """Loans out and due back within ``days`` (the fleet rule by default), soonest first."""
    days = (await get_rules()).due_soon_days if days is None else days
    today = clock.today()
    loans = await list_loans(
        Loan.status.is_in(OPEN_STATUSES)
        & (Loan.due_date >= today)
        & (Loan.due_date <= today + timedelta(days=days)),
        with_items=True,
    )
    return sorted(loans, key=lambda loan: loan.due_date)


async def overdue_loans() -> list[schemas.LoanView]:
    """Loans whose due date has passed with items still out, most late first."""
    loans = await list_loans(
        Loan.status.is_in(OPEN_STATUSES) & (Loan.due_date < clock.today()), with_items=True
    )
    return sorted(loans, key=lambda loan: loan.due_date)


def item_loans(item_id: int) -> Any:
    """The loans that include one item (a sub-select, not a list of ids)."""
    return Loan.id.is_in(LoanItem.select(LoanItem.loan).where(LoanItem.item == item_id))


async def item_history(tag: str, limit: int = PAGE_SIZE, offset: int = 0) -> schemas.ItemHistory:
    """One item, one slice of its loans (newest first; ``loans_total`` counts them all) and its
    maintenance records (a handful a year for one device)."""
    item = await item_by_tag(tag)
    where = item_loans(item.id)
    return schemas.ItemHistory(
        item=await get_item(item.asset_tag),
        loans=await list_loans(where, with_items=True, limit=limit, offset=offset),
        loans_total=await count_loans(where),
        maintenance=await list_maintenance(item.asset_tag),
    )


async def upcoming_loans(item_id: int) -> list[schemas.LoanView]:
    """The loans that still block one item (current and future bookings), soonest first.

    Bounded by nature: bookings of one item never overlap, so these fit the days ahead."""
    loans = await list_loans(
        item_loans(item_id)
        & Loan.status.is_in(list(ACTIVE_LOAN_STATUSES))
        & (Loan.due_date >= clock.today())
    )
    return sorted(loans, key=lambda loan: loan.start_date)


def borrower_loans(borrower_id: int) -> Any:
    return Loan.borrower == borrower_id


async def borrower_history(
    borrower_id: int, limit: int = PAGE_SIZE, offset: int = 0
) -> list[schemas.LoanView]:
    """One slice of a borrower's loans, newest first (``count_loans(borrower_loans(id))``
    counts them all)."""
    return await list_loans(
        borrower_loans(borrower_id), with_items=True, limit=limit, offset=offset
    )


@dataclass
class ReminderReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _message(loan: schemas.LoanView, kind: str, recipient: str) -> mail.Mail:
    settings = get_settings()
    return MAIL.render(
        f"equipment/mail/reminder_{kind}.txt",
        to=recipient,
        loan=loan,
        items=[i for i in loan.items if not (i.returned_at or i.lost)],
        operator_name=settings.operator_name,
        operator_phone=settings.operator_phone,
    )


async def _recipient(loan: schemas.LoanView) -> str:
    if loan.contact_email:
        return loan.contact_email
    row = (
        await Organisation.select(Organisation.email)
        .where(Organisation.id == loan.borrower_id)
        .first()
    )
    return row["email"] if row else ""


async def send_reminders() -> ReminderReport:
    """E-mail each due-soon and overdue loan once. Without SMTP settings, sends nothing."""
    report = ReminderReport()
    if not mail.is_configured():
        return report
    batches = [("due_soon", await due_soon_loans()), ("overdue", await overdue_loans())]
    for kind, loans in batches:
        for loan in loans:
            key = f"{loan.id}:{kind}:{loan.due_date.isoformat()}"
            recipient = await _recipient(loan)
            if not recipient:
                report.failed.append(f"{loan.number} (aucune adresse e-mail)")
                continue
            claimed = (
                await ReminderSent.insert(
                    ReminderSent(key=key, loan=loan.id, kind=kind, recipient=recipient)
                )
                .on_conflict(action="DO NOTHING")
                .returning(ReminderSent.id)
            )
            if not claimed:
                report.skipped.append(loan.number)
                continue
            try:
                await mail.send(_message(loan, kind, recipient))
            except (mail.MailFailed, mail.MailNotConfigured) as error:
                await ReminderSent.delete().where(ReminderSent.key == key)
                report.failed.append(f"{loan.number} ({error.message})")
                continue
            report.sent.append(f"{loan.number} ({kind} → {recipient})")
    return report
