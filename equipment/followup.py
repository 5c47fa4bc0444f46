"""Follow-up: loans due soon or overdue, histories, and reminder e-mails safe to run from cron.

Reminders follow a schedule counted from the due date D of a loan still out (:func:`steps_due`):
``due_soon`` from D-2, ``overdue`` from D+1 (the names the single reminders had, so
reminders sent before the schedule are not sent again), ``weekly_N`` from D+1+7N, and from D+14 one
``escalation`` to each active staff account. A run sends, for each loan, the latest borrower step
reached (a missed cron does not send a backlog) and the escalation once reached.

Reminders are written from this app's French templates (``templates/equipment/mail/``) and sent
by the kernel's mail sender (:mod:`passnum.mail`). Each reminder is first claimed by inserting a
``ReminderSent`` row with a unique key (loan, step, due date[, staff account]) and committed; a
second run — or two cron runs at once — cannot claim it again, so no one gets the same e-mail
twice. If sending fails the claim is removed and the next run retries. An extension changes the
due date, hence the key: the schedule starts again from the new date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from equipment import schemas
from equipment.booking import ACTIVE_LOAN_STATUSES
from equipment.inventory import get_item, get_rules, item_by_tag
from equipment.labels import loan_url
from equipment.loans import OPEN_STATUSES, count_loans, list_loans
from equipment.maintenance import list_maintenance
from equipment.tables import Loan, LoanItem, ReminderSent
from organisations.tables import Membership, Organisation
from passnum import clock, mail
from passnum.auth import Role
from passnum.pagination import PAGE_SIZE
from passnum.settings import get_settings

MAIL = mail.MailTemplates(Path(__file__).parent / "templates")


async def due_soon_loans(days: int | None = None) -> list[schemas.LoanView]:
    """Loans out and due back within ``days`` (the fleet rule by default), soonest first."""
    days = (await get_rules()).due_soon_days if days is None else days
    today = clock.today()
    loans = await list_loans(
        Loan.status.is_in(list(OPEN_STATUSES))
        & (Loan.due_date >= today)
        & (Loan.due_date <= today + timedelta(days=days)),
        with_items=True,
    )
    return sorted(loans, key=lambda loan: loan.due_date)


async def overdue_loans() -> list[schemas.LoanView]:
    """Loans whose due date has passed with items still out, most late first."""
    loans = await list_loans(
        Loan.status.is_in(list(OPEN_STATUSES)) & (Loan.due_date < clock.today()), with_items=True
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


BEFORE_DAYS = 2
ESCALATION_DAYS = 14


def borrower_step(due: date, today: date) -> str | None:
    """The latest borrower reminder reached on ``today`` for a loan due on ``due``, if any."""
    late = (today - due).days
    if late < -BEFORE_DAYS:
        return None
    if late <= 0:
        return "due_soon"
    if late < 8:
        return "overdue"
    return f"weekly_{(late - 1) // 7}"


TEMPLATES = {"due_soon": "due_soon", "overdue": "overdue", "escalation": "escalation"}


def _message(loan: schemas.LoanView, step: str, recipient: str, **extra: Any) -> mail.Mail:
    settings = get_settings()
    return MAIL.render(
        f"equipment/mail/reminder_{TEMPLATES.get(step, 'weekly')}.txt",
        to=recipient,
        loan=loan,
        items=[i for i in loan.items if not (i.returned_at or i.lost)],
        operator_name=settings.operator_name,
        operator_phone=settings.operator_phone,
        late_days=(clock.today() - loan.due_date).days,
        url=loan_url(loan.number),
        **extra,
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


async def _staff_emails() -> list[tuple[int, str]]:
    """Active staff accounts (id, e-mail), who are told of loans still out two weeks late."""
    rows = await Membership.select(Membership.user.id, Membership.user.email).where(
        (Membership.role == Role.staff.value) & (Membership.user._.active.eq(True))
    )
    return sorted({(r["user.id"], r["user.email"]) for r in rows if r["user.email"]})


async def fleet_staff_addresses() -> list[str]:
    """Who is told of a new loan request: the addresses of ``PASSNUM_FLEET_EMAIL`` (the fleet
    service's mailbox, commas between several), else every active staff account."""
    configured = get_settings().fleet_email
    if configured:
        return sorted({a.strip().lower() for a in configured.split(",") if a.strip()})
    return sorted({email.lower() for _, email in await _staff_emails()})


async def _borrower_name(loan: schemas.LoanView) -> str:
    row = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == loan.borrower_id)
        .first()
    )
    return row["name"] if row else ""


async def _send_once(
    report: ReminderReport, loan: schemas.LoanView, key: str, step: str, message: mail.Mail
) -> None:
    claimed = (
        await ReminderSent.insert(
            ReminderSent(key=key, loan=loan.id, kind=step, recipient=message.to)
        )
        .on_conflict(action="DO NOTHING")
        .returning(ReminderSent.id)
    )
    if not claimed:
        report.skipped.append(loan.number)
        return
    try:
        await mail.send(message)
    except (mail.MailFailed, mail.MailNotConfigured) as error:
        await ReminderSent.delete().where(ReminderSent.key == key)
        report.failed.append(f"{loan.number} ({error.message})")
        return
    report.sent.append(f"{loan.number} ({step} → {message.to})")


async def send_reminders() -> ReminderReport:
    """Send each loan still out the reminders its schedule has reached, each once.
    Without SMTP settings, sends nothing."""
    report = ReminderReport()
    if not mail.is_configured():
        return report
    today = clock.today()
    loans = await list_loans(
        Loan.status.is_in(list(OPEN_STATUSES))
        & (Loan.due_date <= today + timedelta(days=BEFORE_DAYS)),
        with_items=True,
    )
    staff: list[tuple[int, str]] | None = None
    for loan in sorted(loans, key=lambda loan: loan.due_date):
        step = borrower_step(loan.due_date, today)
        due = loan.due_date.isoformat()
        if step is not None:
            recipient = await _recipient(loan)
            if not recipient:
                report.failed.append(f"{loan.number} (aucune adresse e-mail)")
            else:
                message = _message(loan, step, recipient)
                await _send_once(report, loan, f"{loan.id}:{step}:{due}", step, message)
        if (today - loan.due_date).days >= ESCALATION_DAYS:
            if staff is None:
                staff = await _staff_emails()
            borrower = await _borrower_name(loan)
            for user_id, email in staff:
                message = _message(loan, "escalation", email, borrower=borrower)
                key = f"{loan.id}:escalation:{due}:{user_id}"
                await _send_once(report, loan, key, "escalation", message)
    return report
