"""The fleet's background tasks (run by the queue, :mod:`passnum.tasks`)."""

from __future__ import annotations

from procrastinate.exceptions import AlreadyEnqueued

from equipment import loan_requests
from equipment.errors import refuse
from equipment.followup import send_reminders
from equipment.tables import LoanRequest, RequestStatus
from passnum import mail
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
        raise refuse(
            "reminders_failed", _failed=len(report.failed), _failed2=", ".join(report.failed)
        )


@TASKS.task(label="Liste d'attente : proposer le matériel libéré", queueing_lock="offer_waiting")
async def offer_waiting() -> None:
    """Deferred when devices come back: waiting requests that can now be met are offered."""
    await loan_requests.offer_waiting()


async def offer_waiting_later() -> None:
    """Queue one look at the waiting list (one waiting job is enough: it reads the ledger then).
    Called wherever devices free up: a return, a cancelled reservation, a device taken out of
    one, a repair ended, a device back in service or new, a kit's devices changed, an offered
    request declined or withdrawn. Nobody waiting: nothing is queued."""
    waiting = LoanRequest.status == RequestStatus.waiting.value
    if not await LoanRequest.exists().where(waiting):
        return
    try:
        await offer_waiting.defer_async()
    except AlreadyEnqueued:
        pass
