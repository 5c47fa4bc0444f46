"""Background work: tasks run by a queue, on every machine of the service at most once.

The engine is procrastinate (PostgreSQL's ``SELECT … FOR UPDATE SKIP LOCKED``, LISTEN/NOTIFY,
retries, locks, periodic tasks). On PostgreSQL, ``passnum worker`` processes (one or several,
on any machine) run the jobs; on SQLite the same tasks run inside ``passnum serve``, their state
kept in the database (:mod:`passnum.tasks.sqlite_store`), so a restart resumes them.

Declaring a task, in the app that owns the work (``equipment/tasks.py``)::

    from passnum.tasks import Tasks

    TASKS = Tasks("equipment")

    @TASKS.task(label="Relance d'un prêt")          # deferred by the app: await x.defer_async(…)
    async def remind_one(loan_id: int) -> None: ...

    @TASKS.periodic(cron="0 7 * * *", label="Relances des prêts")   # every day at 07:00 UTC
    async def remind() -> None: ...

and one line in ``composition/tasks.py`` (``TASKS = [..., equipment.tasks.TASKS]``). A task
raising :class:`passnum.errors.DomainError` fails with its French message; any other exception
with a French sentence naming it. Staff see every job on ``/staff/taches``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any

import procrastinate
from procrastinate import exceptions as procrastinate_errors
from procrastinate.job_context import JobContext
from procrastinate.utils import utcnow

from passnum.clock import stamp
from passnum.errors import DomainError
from passnum.settings import get_settings
from passnum.tasks.connector import PassnumConnector
from passnum.tasks.tables import TaskFailure

logger = logging.getLogger("passnum.tasks")

# Retried three times (30 s, then 60 s, then 120 s) unless a task says otherwise.
DEFAULT_RETRY = procrastinate.RetryStrategy(max_attempts=3, wait=30, exponential_wait=2)

MISSED_TICK_SECONDS = 12 * 3600
_LABELS: dict[str, str] = {}  # task name → what staff read on the tasks page
_APP: procrastinate.App | None = None


class Tasks(procrastinate.Blueprint):
    """One app's tasks, registered by the composition root under the app's name."""

    def __init__(self, namespace: str) -> None:
        super().__init__()
        self.namespace = namespace

    def task(
        self,
        _func: Callable[..., Any] | None = None,
        *,
        label: str = "",
        retry: Any = DEFAULT_RETRY,
        **options: Any,
    ) -> Any:
        """``@TASKS.task(label="…")``: a task named ``{app}:{function}``; options are
        procrastinate's (``lock``, ``queueing_lock``, ``retry``, ``queue``, ``priority``)."""

        def wrap(func: Callable[..., Any]) -> Any:
            name = options.pop("name", func.__name__)
            task = super(Tasks, self).task(name=name, retry=retry, **options)(func)
            task.passnum_label = label or name
            return task

        return wrap(_func) if _func is not None else wrap

    def periodic(
        self, *, cron: str, label: str = "", retry: Any = 2, **options: Any
    ) -> Callable[[Callable[..., Any]], Any]:
        """``@TASKS.periodic(cron="0 3 1 * *", label="…")``: a task deferred by the workers at
        each tick of ``cron`` (UTC), once across every machine. The function takes no argument
        (or ``timestamp``, the tick's Unix time)."""

        def wrap(func: Callable[..., Any]) -> Any:
            wants_timestamp = "timestamp" in inspect.signature(func).parameters

            @functools.wraps(func)
            async def run(timestamp: int) -> Any:
                result = func(timestamp=timestamp) if wants_timestamp else func()
                return await result if inspect.isawaitable(result) else result

            task = self.task(run, label=label, retry=retry, name=func.__name__, **options)
            return super(Tasks, self).periodic(cron=cron)(task)

        return wrap


# --- Failures, in French ------------------------------------------------------------------------


def french_reason(error: BaseException) -> str:
    """What staff read about a failed attempt."""
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, procrastinate_errors.TaskNotFound):
        return "Tâche inconnue de cette version de passnum (mettez à jour le service)."
    detail = str(error).strip()
    kind = type(error).__name__
    return f"Erreur inattendue ({kind}){' : ' + detail if detail else ''}."[:1000]


async def record_failure(job_id: int, attempt: int, reason: str) -> None:
    await TaskFailure.insert(
        TaskFailure(job_id=job_id, attempt=attempt, reason=reason, created_at=stamp())
    )


async def _keep_failures(call_next: Any, context: JobContext, worker: Any) -> Any:
    """procrastinate worker middleware: every failed attempt leaves its French reason."""
    try:
        return await call_next()
    except Exception as error:
        job = context.job
        try:
            await record_failure(job.id or 0, job.attempts + 1, french_reason(error))
        except Exception:  # the reason is a courtesy; the retry must still happen
            logger.exception("could not record the failure of job %s", job.id)
        raise


# --- The application (built once per process by the composition root) ---------------------------


def build(blueprints: Iterable[Tasks]) -> procrastinate.App:
    """The one procrastinate app of this process, with every app's tasks (composition root)."""
    global _APP
    if _APP is not None:
        return _APP
    app = procrastinate.App(
        connector=PassnumConnector(),
        worker_defaults={"worker_middleware": [_keep_failures]},
        # A tick missed while no worker ran (a restart, a night's outage) is still queued when a
        # worker starts up to 12 hours later (procrastinate's default: 10 minutes, after which
        # the month's statements would wait a month). Periodic tasks are safe to run again.
        periodic_defaults={"max_delay": MISSED_TICK_SECONDS},
    )
    _APP = app
    for blueprint in [KERNEL_TASKS, *blueprints]:
        register(blueprint)
    return app


def register(blueprint: Tasks) -> None:
    """Add one app's tasks to the queue (its names become ``{namespace}:{function}``)."""
    app().add_tasks_from(blueprint, namespace=blueprint.namespace)
    for name, task in app().tasks.items():
        _LABELS[name] = getattr(task, "passnum_label", name)


def app() -> procrastinate.App:
    if _APP is None:
        raise RuntimeError("passnum.tasks.build() has not been called (composition root)")
    return _APP


def label(task_name: str) -> str:
    return _LABELS.get(task_name, task_name)


def stalled_seconds() -> int:
    return get_settings().task_stalled_seconds


async def retry_stalled() -> int:
    """Give back to the queue the jobs of workers that stopped beating (killed, machine lost):
    another worker runs them again. Several workers may try at once: each job is retried once."""
    manager = app().job_manager
    count = 0
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds()):
        try:
            await manager.retry_job(job)
        except Exception:  # noqa: S112 - another worker retried it first
            continue
        count += 1
        await record_failure(
            job.id or 0,
            job.attempts + 1,
            "Le processus qui exécutait la tâche s'est arrêté ; elle est reprise par un autre.",
        )
    return count


async def _rescue_loop() -> None:
    while True:
        await asyncio.sleep(max(1.0, stalled_seconds() / 3))
        try:
            await retry_stalled()
        except Exception:
            logger.exception("stalled jobs check failed")


async def run_worker(
    *,
    wait: bool = True,
    signals: bool = True,
    concurrency: int = 1,
    graceful_seconds: float = 25,
    periodic: bool = True,
) -> None:
    """Run jobs until stopped (SIGTERM/SIGINT when ``signals``), or, with ``wait=False``, until
    none is left. Beats every few seconds; a worker silent for ``PASSNUM_TASK_STALLED_SECONDS``
    is taken for dead and its running job retried by the others. ``periodic=False``: this
    worker queues no periodic task (the ones already queued still run)."""
    beat = max(1.0, stalled_seconds() / 3)
    worker = app()._worker(
        wait=wait,
        install_signal_handlers=signals,
        concurrency=concurrency,
        update_heartbeat_interval=beat,
        stalled_worker_timeout=stalled_seconds(),
        fetch_job_polling_interval=1.0,
        abort_job_polling_interval=5.0,
        listen_notify=wait,
        # Stopped (SIGTERM, cancelled), running jobs get this long to finish; then they are
        # interrupted and queued again.
        shutdown_graceful_timeout=graceful_seconds,
    )
    if not periodic:
        worker._periodic_deferrer = _no_periodic_deferrer
    if not wait:
        await retry_stalled()
        await worker.run()
        return
    rescue = asyncio.create_task(_rescue_loop())
    try:
        await worker.run()
    finally:
        rescue.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await rescue


async def _no_periodic_deferrer() -> None:
    return None


async def work_until_idle(*, periodic: bool = False) -> None:
    """Run every job that is due, here and now, then return (tests, one-off commands). By
    default it queues no periodic task: a test runs what it queued, and only that."""
    await run_worker(wait=False, signals=False, periodic=periodic)


async def retry(job_id: int) -> None:
    """Run a failed job again, now (the staff's « Relancer »)."""
    await app().job_manager.retry_job_by_id_async(job_id=job_id, retry_at=utcnow())


_IN_PROCESS: set[asyncio.Task] = set()


async def start_in_process() -> None:
    """Run a worker inside this web process (SQLite: ``passnum serve`` is the worker)."""
    task = asyncio.get_running_loop().create_task(run_worker(wait=True, signals=False))
    _IN_PROCESS.add(task)


async def stop_in_process() -> None:
    """Stop this process's worker: running jobs get their graceful delay, then are requeued."""
    while _IN_PROCESS:
        task = _IN_PROCESS.pop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def close() -> None:
    """Close the queue's PostgreSQL connections (end of the process)."""
    if _APP is not None:
        connector = _APP.connector
        assert isinstance(connector, PassnumConnector)  # the one task_app() gives it
        await connector.dispose()


# --- The kernel's own tasks ----------------------------------------------------------------------

KERNEL_TASKS = Tasks("passnum")


@KERNEL_TASKS.periodic(cron="17 4 * * *", label="Ménage de la file des tâches")
async def delete_old_jobs() -> None:
    """Finished jobs are forgotten after 30 days (failed ones after 90)."""
    manager = app().job_manager
    await manager.delete_old_jobs(nb_hours=30 * 24)
    await manager.delete_old_jobs(nb_hours=90 * 24, include_failed=True, include_cancelled=True)


__all__ = [
    "DEFAULT_RETRY",
    "Tasks",
    "app",
    "build",
    "close",
    "french_reason",
    "label",
    "register",
    "retry",
    "retry_stalled",
    "run_worker",
    "start_in_process",
    "stop_in_process",
    "work_until_idle",
]
