"""The task queue (passnum.tasks, procrastinate): retries with French reasons, locks, a job left
by a dead worker run again, periodic ticks queued once — on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

import procrastinate
import pytest
from procrastinate.periodic import PeriodicDeferrer

from composition.tasks import task_app
from passnum import tasks
from passnum.db import engine as db_engine
from passnum.errors import DomainError
from passnum.tasks.tables import TaskFailure
from tests.env import passnum_env
from tests.factories import login, post_form
from tests.vouchers.pages_helpers import seen

RAN: list[str] = []
FAILURES_LEFT = {"count": 0}

TEST_TASKS = tasks.Tasks("essai")


# Tried three times: once, then two retries.
@TEST_TASKS.task(label="Envoi d'essai", retry=procrastinate.RetryStrategy(max_attempts=2))
async def send(message: str) -> None:
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise DomainError("smtp_refused", "Le relais SMTP a refusé le message.")
    RAN.append(message)


@TEST_TASKS.periodic(cron="*/5 * * * *", label="Tâche périodique d'essai")
async def tick() -> None:
    RAN.append("tick")


task_app()
tasks.register(TEST_TASKS)


def _reset() -> None:
    RAN.clear()
    FAILURES_LEFT["count"] = 0


async def _job(job_id: int) -> procrastinate.jobs.Job:
    (job,) = await tasks.app().job_manager.list_jobs_async(id=job_id)
    return job


async def test_a_failing_task_is_retried_and_each_failure_keeps_its_french_reason(db):
    _reset()
    FAILURES_LEFT["count"] = 2
    job_id = await send.defer_async(message="bonjour")
    await tasks.work_until_idle()
    job = await _job(job_id)
    assert job.status == "succeeded" and job.attempts == 3 and RAN == ["bonjour"]
    failures = await TaskFailure.select().where(TaskFailure.job_id == job_id)
    assert [f["attempt"] for f in failures] == [1, 2]
    assert {f["reason"] for f in failures} == {"Le relais SMTP a refusé le message."}
    assert tasks.label("essai:send") == "Envoi d'essai"


async def test_a_task_failing_every_time_ends_failed_and_can_be_retried(db):
    _reset()
    FAILURES_LEFT["count"] = 3
    job_id = await send.defer_async(message="jamais")
    await tasks.work_until_idle()
    assert (await _job(job_id)).status == "failed" and RAN == []
    await tasks.retry(job_id)  # what the staff's button does
    await tasks.work_until_idle()
    job = await _job(job_id)
    assert job.status == "succeeded" and RAN == ["jamais"]


async def test_a_job_left_running_by_a_dead_worker_is_run_again_by_another(db):
    _reset()
    manager = tasks.app().job_manager
    job_id = await send.defer_async(message="repris")
    dead_worker = await manager.register_worker()
    taken = await manager.fetch_job(queues=None, worker_id=dead_worker)
    assert taken is not None and taken.id == job_id  # then the process is killed
    await tasks.work_until_idle()
    assert (await _job(job_id)).status == "doing"  # its worker may still be alive: left alone
    with passnum_env(TASK_STALLED_SECONDS="1"):
        await asyncio.sleep(1.2)  # no heartbeat since
        await tasks.work_until_idle()
    job = await _job(job_id)
    assert job.status == "succeeded" and RAN == ["repris"]
    (failure,) = await TaskFailure.select().where(TaskFailure.job_id == job_id)
    assert "s'est arrêté" in failure["reason"]


async def test_two_jobs_with_one_lock_never_run_at_the_same_time(db):
    _reset()
    manager = tasks.app().job_manager
    first = await send.configure(lock="lot-1").defer_async(message="un")
    await send.configure(lock="lot-1").defer_async(message="deux")
    other = await send.configure(lock="lot-2").defer_async(message="trois")
    worker_a = await manager.register_worker()
    worker_b = await manager.register_worker()
    assert (await manager.fetch_job(queues=None, worker_id=worker_a)).id == first
    # The second job of lot-1 waits while the first runs; another lock's job goes ahead.
    assert (await manager.fetch_job(queues=None, worker_id=worker_b)).id == other
    assert await manager.fetch_job(queues=None, worker_id=worker_b) is None


async def test_a_periodic_tick_is_queued_once_whatever_the_number_of_workers(db):
    _reset()
    registry = tasks.app().periodic_registry
    (periodic,) = [p for p in registry.periodic_tasks.values() if p.task.name == "essai:tick"]
    tick_at = 1_800_000_000  # the same tick seen by two workers on two machines
    for _ in range(2):
        await PeriodicDeferrer(registry).defer_jobs([(periodic, tick_at)])
    jobs = await tasks.app().job_manager.list_jobs_async(task="essai:tick")
    assert len(list(jobs)) == 1
    await tasks.work_until_idle()
    assert RAN == ["tick"]


async def test_staff_see_the_tasks_with_the_french_reason_and_retry_a_failed_one(client, world):
    _reset()
    FAILURES_LEFT["count"] = 3
    failed = await send.defer_async(message="échec")
    await tasks.work_until_idle()
    waiting = await send.defer_async(message="plus tard")
    await login(client, world.staff)
    page = await client.get("/staff/taches")
    assert page.status_code == 200
    text = seen(page)
    assert "Envoi d'essai" in text and "message = échec" in text
    assert "Échouée" in text and "Le relais SMTP a refusé le message." in text
    assert "En attente" in text and "Demandée le" in text
    only_failed = seen(await client.get("/staff/taches", params={"etat": "echec"}))
    assert "Échouée" in only_failed and "plus tard" not in only_failed

    response = await post_form(client, f"/staff/taches/{failed}/relancer", {})
    assert response.status_code == 200
    assert (await _job(failed)).status == "todo"
    again = await post_form(client, f"/staff/taches/{waiting}/relancer", {})
    assert again.status_code == 409 and "Seule une tâche échouée" in seen(again)
    await tasks.work_until_idle()
    assert (await _job(failed)).status == "succeeded"
    assert "Terminée" in seen(await client.get("/staff/taches"))

    await login(client, world.prescriber)
    assert (await client.get("/staff/taches")).status_code == 403


def test_a_tick_missed_while_no_worker_ran_is_queued_when_one_starts_within_12_hours():
    registry = tasks.app().periodic_registry
    (periodic,) = [p for p in registry.periodic_tasks.values() if p.task.name == "essai:tick"]
    deferrer = PeriodicDeferrer(registry, **tasks.app().periodic_defaults)
    tick = 1_800_000_000  # a multiple of 5 minutes: a tick of "*/5 * * * *"
    late = deferrer.get_timestamps(periodic, since=None, until=tick + 4 * 60)
    assert list(late) == [tick]  # a worker started 4 minutes later: queued (as by default)
    # The monthly statements' tick (1st, 03:00 UTC) with the workers down until 14:00.
    registry_entry = next(
        p for p in registry.periodic_tasks.values() if p.task.name == "reimbursements:statements"
    )
    first_of_month = 1_801_450_800  # 2027-02-01 03:00 UTC
    later = deferrer.get_timestamps(registry_entry, since=None, until=first_of_month + 11 * 3600)
    assert list(later) == [first_of_month]


async def test_staff_read_a_task_s_arguments_in_french_not_as_code_names(client, world):
    """/staff/taches said « organisation_id = 55 » and « reply_to = None »."""
    from organisations.tasks import geocode_site
    from passnum.mail import deliver

    await geocode_site.defer_async(organisation_id=world.site_id)
    await deliver.defer_async(
        to="contact@mairie.fr", subject="Votre candidature", body="texte", reply_to=None
    )
    await login(client, world.staff)
    text = seen(await client.get("/staff/taches", params={"etat": "attente"}))
    assert f"structure n° {world.site_id}" in text
    assert "à contact@mairie.fr, objet : Votre candidature" in text
    for code in ("organisation_id", "reply_to", "subject", "None", " to = "):
        assert code not in text, code


@pytest.mark.postgres_only
async def test_the_queue_keeps_working_after_its_tables_were_rebuilt(db):
    """A worker that ran before a migration changed the queue's tables still runs jobs after it
    (a statement psycopg had prepared would fail: « cached plan must not change result type »)."""
    _reset()
    for round_ in range(6):  # psycopg prepares a statement from its fifth run
        await send.defer_async(message=f"avant {round_}")
        await tasks.work_until_idle()
    engine = db_engine()
    column = "ALTER TABLE procrastinate_jobs ALTER COLUMN task_name TYPE {}"
    await engine._run_in_new_connection(column.format("text"))  # a column of another type
    try:
        await send.defer_async(message="après")
        await tasks.work_until_idle()
    finally:
        await engine._run_in_new_connection(column.format("character varying(128)"))
    assert RAN[-1] == "après"
