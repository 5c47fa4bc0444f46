"""The fleet's background tasks (run by the queue, :mod:`passnum.tasks`)."""

from __future__ import annotations

from equipment.followup import send_reminders
from passnum import mail
from passnum.errors import DomainError
from passnum.tasks import Tasks

TASKS = Tasks("equipment")


@TASKS.periodic(cron="0 7 * * *", label="Rappels des prêts par e-mail")
async def remind() -> None:
    """Every day at 07:00 UTC (was the daily cron line of ``passnum remind``). Each reminder is
    sent once; if some could not be sent, the task fails with their loans and its retry sends
    only those."""
    if not mail.is_configured():
        return
    report = await send_reminders()
    if report.failed:
        raise DomainError(
            "reminders_failed",
            f"Rappels non envoyés ({len(report.failed)}) : {', '.join(report.failed)}.",
        )
