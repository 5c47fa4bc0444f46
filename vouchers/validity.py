"""The end-of-validity timeline of a print run: alerts 30, 15 and 7 days before ``valid_until``.

Who is alerted: the run's funder, and each prescriber holding booklets of the run not yet handed
out (``allocated``). An alert is a ``ValidityAlert`` row with a UNIQUE key (run, organisation,
step): raising them is an ``INSERT … ON CONFLICT DO NOTHING``, so running ``passnum notify`` (or
the daily task) again, or twice at once, never raises one twice. A run raises, for each
recipient, the latest step reached (a missed day does not send a backlog: at J-10 only the J-15
alert). The alert shows on the recipient's home page until the run's last day; it is e-mailed
once to the organisation's active accounts: the e-mail is claimed by setting ``emailed_at`` first
(a conditional UPDATE) and released if sending fails, so the next run retries.

At J-15 the funder confirms on its home page that the booklets not handed out will be blocked at
the end of validity (``confirm_blocking``, recorded on its alert and in the audit trail).
Prescribers are told to stop handing out the run's booklets on its last day; the hand-out page
warns them from J-7 on (:func:`handout_warning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from organisations.tables import Membership
from passnum import audit, clock, mail
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.fr import format_date
from passnum.settings import get_settings
from vouchers.choices import BatchStatus, BookletStatus
from vouchers.errors import refuse
from vouchers.tables import Batch, Booklet, ValidityAlert

STEPS = (30, 15, 7)
CONFIRM_STEP = 15
MAIL = mail.MailTemplates(Path(__file__).parent / "templates")


def step_for(days_left: int) -> int | None:
    """The latest step reached with ``days_left`` days to go (0 = the last day), or None."""
    if days_left < 0:
        return None
    reached = [s for s in STEPS if days_left <= s]
    return min(reached) if reached else None


@dataclass
class NotifyReport:
    raised: list[str] = field(default_factory=list)
    emailed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


async def _recipients(batch_id: int, funder_id: int) -> list[tuple[int, str]]:
    holders = await Booklet.select(Booklet.holder).where(
        (Booklet.batch == batch_id)
        & (Booklet.status == BookletStatus.allocated.value)
        & Booklet.holder.is_not_null()
    )
    prescribers = sorted({r["holder"] for r in holders} - {funder_id})
    return [(funder_id, "funder"), *((p, "prescriber") for p in prescribers)]


async def raise_alerts() -> list[str]:
    """Raise the alerts due today (each once); their keys."""
    today = clock.today()
    batches = await Batch.select(Batch.id, Batch.funder, Batch.valid_until).where(
        (Batch.status == BatchStatus.active.value)
        & (Batch.valid_until >= today)
        & (Batch.valid_until <= today + timedelta(days=max(STEPS)))
    )
    raised = []
    for batch in batches:
        step = step_for((batch["valid_until"] - today).days)
        if step is None:
            continue
        for organisation_id, role in await _recipients(batch["id"], batch["funder"]):
            key = f"{batch['id']}:{organisation_id}:{step}"
            async with write_transaction():
                rows = await ValidityAlert.raw(
                    "INSERT INTO validity_alert (key, batch, organisation, role, days_before, "
                    "created_at, confirmed_by) VALUES ({}, {}, {}, {}, {}, {}, '') "
                    "ON CONFLICT (key) DO NOTHING RETURNING id",
                    key,
                    batch["id"],
                    organisation_id,
                    role,
                    step,
                    clock.stamp(),
                )
            if rows:
                raised.append(key)
    return raised


async def _emails(organisation_id: int, role: str) -> list[str]:
    rows = await Membership.select(Membership.user.email).where(
        (Membership.organisation == organisation_id)
        & (Membership.role == role)
        & (Membership.user._.active.eq(True))
    )
    return sorted({r["user.email"] for r in rows if r["user.email"]})


async def _message_data(alert: dict) -> dict:
    settings = get_settings()
    today = clock.today()
    batch = await Batch.select(Batch.label, Batch.valid_until).where(Batch.id == alert["batch"])
    undistributed = await Booklet.count().where(
        (Booklet.batch == alert["batch"])
        & Booklet.status.is_in([BookletStatus.in_stock.value, BookletStatus.allocated.value])
    )
    held = await Booklet.count().where(
        (Booklet.batch == alert["batch"])
        & (Booklet.holder == alert["organisation"])
        & (Booklet.status == BookletStatus.allocated.value)
    )
    return {
        "batch_label": batch[0]["label"],
        "valid_until": batch[0]["valid_until"],
        "days_left": (batch[0]["valid_until"] - today).days,
        "days_before": alert["days_before"],
        "undistributed": undistributed,
        "held": held,
        "home_url": settings.public_url + "/",
        "operator_name": settings.operator_name,
        "operator_phone": settings.operator_phone,
    }


async def email_alerts() -> tuple[list[str], list[str]]:
    """E-mail each alert not e-mailed yet whose run is still valid (each once); sent, failed."""
    sent: list[str] = []
    failed: list[str] = []
    if not mail.is_configured():
        return sent, failed
    valid = Batch.select(Batch.id).where(Batch.valid_until >= clock.today())
    waiting = await ValidityAlert.select().where(
        ValidityAlert.emailed_at.is_null() & ValidityAlert.batch.is_in(valid)
    )
    for alert in waiting:
        claimed = (
            await ValidityAlert.update({ValidityAlert.emailed_at: clock.stamp()})
            .where((ValidityAlert.id == alert["id"]) & ValidityAlert.emailed_at.is_null())
            .returning(ValidityAlert.id)
        )
        if not claimed:
            continue  # another run took it
        data = await _message_data(alert)
        try:
            for address in await _emails(alert["organisation"], alert["role"]):
                await mail.send(
                    MAIL.render(f"vouchers/mail/validity_{alert['role']}.txt", to=address, **data)
                )
                sent.append(f"{alert['key']} → {address}")
        except DomainError as error:
            await ValidityAlert.update({ValidityAlert.emailed_at: None}).where(
                ValidityAlert.id == alert["id"]
            )
            failed.append(f"{alert['key']} : {error.message}")
    return sent, failed


async def notify() -> NotifyReport:
    """What ``passnum notify`` and the daily task do: raise today's alerts, then e-mail them."""
    report = NotifyReport(raised=await raise_alerts())
    report.emailed, report.failed = await email_alerts()
    return report


@dataclass(frozen=True)
class AlertView:
    id: int
    batch_id: int
    batch_label: str
    valid_until: date
    days_left: int
    days_before: int
    role: str
    confirmed_at: object
    confirmed_by: str

    @property
    def needs_confirmation(self) -> bool:
        return self.role == "funder" and self.days_before <= CONFIRM_STEP and not self.confirmed_at

    @property
    def message(self) -> str:
        until = format_date(self.valid_until)
        if self.role == "funder":
            return (
                f"Le tirage « {self.batch_label} » n'est plus valable après le {until} "
                f"(dans {self.days_left} jours)."
            )
        return (
            f"Les carnets du tirage « {self.batch_label} » sont valables jusqu'au {until} "
            f"(dans {self.days_left} jours) : remettez-les avant ; le dernier jour, ne les "
            "remettez plus."
        )


async def current_alerts(actor: Actor) -> list[AlertView]:
    """The actor's organisations' alerts of runs still valid: the latest step of each run."""
    organisations = [
        m.organisation_id for m in actor.memberships if m.role in (Role.funder, Role.prescriber)
    ]
    if not organisations:
        return []
    today = clock.today()
    rows = await ValidityAlert.select(
        *ValidityAlert.all_columns(),
        ValidityAlert.batch.label,
        ValidityAlert.batch.valid_until,
    ).where(
        ValidityAlert.organisation.is_in(organisations) & (ValidityAlert.batch.valid_until >= today)
    )
    latest: dict[tuple[int, int], dict] = {}
    for row in rows:
        key = (row["batch"], row["organisation"])
        if key not in latest or row["days_before"] < latest[key]["days_before"]:
            latest[key] = row
    confirmed = {(r["batch"], r["organisation"]): r for r in rows if r["confirmed_at"] is not None}
    views = []
    for key, row in sorted(latest.items(), key=lambda kv: kv[1]["batch.valid_until"]):
        done = confirmed.get(key, row)
        views.append(
            AlertView(
                id=row["id"],
                batch_id=row["batch"],
                batch_label=row["batch.label"],
                valid_until=row["batch.valid_until"],
                days_left=(row["batch.valid_until"] - today).days,
                days_before=row["days_before"],
                role=row["role"],
                confirmed_at=done["confirmed_at"],
                confirmed_by=done["confirmed_by"],
            )
        )
    return views


async def confirm_blocking(actor: Actor, alert_id: int) -> None:
    """The funder confirms that the run's booklets not handed out are blocked at its end."""
    funders = actor.organisation_ids(Role.funder)
    async with write_transaction():
        done = (
            await ValidityAlert.update(
                {
                    ValidityAlert.confirmed_at: clock.stamp(),
                    ValidityAlert.confirmed_by: actor.display_name or actor.email,
                }
            )
            .where(
                (ValidityAlert.id == alert_id)
                & ValidityAlert.organisation.is_in(list(funders) or [0])
                & (ValidityAlert.role == "funder")
                & (ValidityAlert.days_before <= CONFIRM_STEP)
                & ValidityAlert.confirmed_at.is_null()
            )
            .returning(ValidityAlert.batch)
        )
        if not done:
            raise refuse("not_found.alert")
        await audit.record(
            actor, "confirm_blocking", "batch", done[0]["batch"], {"alert": alert_id}
        )


def handout_warning(valid_until: date) -> str:
    """What the hand-out page says of a booklet near its run's end (from J-7), else ""."""
    days_left = (valid_until - clock.today()).days
    if days_left < 0 or days_left > min(STEPS):
        return ""
    if days_left == 0:
        return (
            "Dernier jour de validité de ce carnet : ne le remettez plus, la personne n'aurait "
            "pas le temps de l'utiliser."
        )
    return (
        f"Ce carnet n'est plus valable après le {format_date(valid_until)} (dans {days_left} "
        "jours) : prévenez la personne."
    )
