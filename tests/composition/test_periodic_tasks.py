"""The README's cron lines are periodic tasks of the queue: each app declares its own, the
composition root registers them, and a worker runs them."""

from __future__ import annotations

from composition.tasks import task_app
from passnum import tasks


def _schedules() -> dict[str, str]:
    registry = task_app().periodic_registry
    return {p.task.name: p.cron for p in registry.periodic_tasks.values()}


def test_the_cron_lines_are_periodic_tasks() -> None:
    schedules = _schedules()
    assert schedules["reimbursements:statements"] == "0 3 1 * *"  # 1st of the month
    assert schedules["equipment:remind"] == "0 7 * * *"  # daily
    assert schedules["vouchers:anonymise"] == "0 2 * * 1"  # weekly
    assert schedules["vouchers:notify"] == "0 6 * * *"  # daily: end-of-validity alerts
    assert schedules["passnum:delete_old_jobs"] == "17 4 * * *"
    assert tasks.label("equipment:remind") == "Rappels des prêts par e-mail"


async def test_a_worker_runs_each_periodic_task(db) -> None:
    app = task_app()
    job_ids = [
        await app.tasks[name].defer_async(timestamp=1_800_000_000)
        for name in (
            "reimbursements:statements",
            "equipment:remind",
            "vouchers:anonymise",
            "vouchers:notify",
        )
    ]
    await tasks.work_until_idle()
    for job_id in job_ids:
        (job,) = await app.job_manager.list_jobs_async(id=job_id)
        assert job.status == "succeeded", job
