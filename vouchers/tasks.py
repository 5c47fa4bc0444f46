"""The vouchers' background tasks (run by the queue, :mod:`passnum.tasks`)."""

from __future__ import annotations

from procrastinate.exceptions import AlreadyEnqueued

from passnum.auth.actor import Actor
from passnum.tasks import Tasks
from vouchers import jobs

TASKS = Tasks("vouchers")


@TASKS.task(label="Impression d'un tirage (PDF pour l'imprimeur)", retry=3)
async def print_run(job_id: int) -> None:
    await jobs.render_job(job_id)


@TASKS.periodic(cron="0 2 * * 1", label="Anonymisation des fiches bénéficiaires (12 mois)")
async def anonymise() -> None:
    """Every Monday at 02:00 UTC (was the weekly cron line of ``passnum anonymise``)."""
    from vouchers.services import anonymise_beneficiaries

    await anonymise_beneficiaries(12)


@TASKS.periodic(cron="0 6 * * *", label="Alertes de fin de validité des tirages (J-30, J-15, J-7)")
async def notify() -> None:
    """Every day at 06:00 UTC, as ``passnum notify``: each alert raised and e-mailed once."""
    from vouchers.validity import notify as raise_and_send

    await raise_and_send()


async def start_print_job(actor: Actor, batch_id: int) -> int:
    """A print job for the batch (or the one already under way), queued once."""
    job_id = await jobs.start_job(actor, batch_id)
    job = await jobs.get_job(job_id)
    if job["status"] == "queued":
        await queue_print_job(job_id)
    return job_id


async def queue_print_job(job_id: int) -> None:
    """Queue the job's rendering unless a run of it is already waiting (queueing lock)."""
    try:
        await print_run.configure(
            lock=f"print-job-{job_id}", queueing_lock=f"print-job-{job_id}"
        ).defer_async(job_id=job_id)
    except AlreadyEnqueued:
        pass
