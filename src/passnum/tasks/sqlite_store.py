"""procrastinate's job store on SQLite: the queries its worker and job manager send, answered
with SQL on passnum's SQLite file.

procrastinate ships a PostgreSQL schema and connectors for it only. On SQLite (one machine by
definition) passnum runs the same procrastinate worker and the same task definitions inside the
web process; this connector keeps their state in three tables of the database (``task_job``,
``task_worker``, ``task_periodic``, created by the kernel's migration), so a restart finds the
jobs that were waiting and the ones a dead process left running (retried, see
:func:`passnum.tasks.retry_stalled`). Each claim (``fetch_job``) runs in one ``BEGIN IMMEDIATE``
transaction: the file's write lock makes it atomic between the processes of ``passnum serve
--workers N``, and a job whose ``lock`` is held by a running job waits, as on PostgreSQL.

The dispatch is procrastinate's own test connector's (each SQL text is mapped back to its query
name and sent to the method ``<name>_<run|one|all>``); every method here replaces its in-memory
twin with SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.querystring import QueryString
from procrastinate import exceptions, manager, types
from procrastinate.testing import InMemoryConnector

from passnum import clock
from passnum.db import engine, write_transaction

TABLES = """
CREATE TABLE IF NOT EXISTS task_job (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_name TEXT NOT NULL,
    task_name TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    lock TEXT,
    queueing_lock TEXT,
    args TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'todo',
    scheduled_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    abort_requested INTEGER NOT NULL DEFAULT 0,
    worker_id INTEGER,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS task_job_queueing_lock
    ON task_job (queueing_lock) WHERE status = 'todo';
CREATE UNIQUE INDEX IF NOT EXISTS task_job_lock ON task_job (lock) WHERE status = 'doing';
CREATE INDEX IF NOT EXISTS task_job_fetch ON task_job (status, priority, id);
CREATE TABLE IF NOT EXISTS task_worker (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    last_heartbeat TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS task_periodic (
    task_name TEXT NOT NULL,
    periodic_id TEXT NOT NULL,
    defer_timestamp INTEGER NOT NULL,
    job_id INTEGER,
    PRIMARY KEY (task_name, periodic_id, defer_timestamp)
)
"""

JOB_COLUMNS = (
    "id, status, task_name, priority, lock, queueing_lock, args, scheduled_at, queue_name, "
    "attempts, abort_requested, worker_id"
)
FINAL = ("succeeded", "failed", "cancelled", "aborted")


def utc_text(value: datetime | None) -> str | None:
    """A UTC instant as stored: fixed-width text, so that text order is time order."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def from_utc_text(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


def _now() -> str:
    return utc_text(clock.real_utc_now()) or ""


def _seconds_ago(seconds: float) -> str:
    return utc_text(clock.real_utc_now() - timedelta(seconds=float(seconds))) or ""


async def _sql(sql: str, *args: Any) -> list[dict[str, Any]]:
    # Piccolo's Engine.run_querystring declares no return type (its abstract body is `pass`).
    return await engine().run_querystring(QueryString(sql, *args))  # pyright: ignore[reportReturnType]


def _job(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "args": json.loads(row["args"]) if isinstance(row["args"], str) else row["args"],
        "scheduled_at": from_utc_text(row["scheduled_at"]),
        "abort_requested": bool(row["abort_requested"]),
    }


class SQLiteConnector(InMemoryConnector):
    """procrastinate's connector interface, on passnum's SQLite database (through Piccolo's
    engine, so transactions and the file's write lock are passnum's)."""

    async def open_async(self, pool: Any = None) -> None:
        await super().open_async(pool)

    async def generic_execute(self, query: str, suffix: str, **arguments: Any) -> Any:
        query_name = self.reverse_queries[query]
        return await getattr(self, f"{query_name}_{suffix}")(**arguments)

    # --- deferring ---------------------------------------------------------------------------

    async def defer_jobs_all(self, jobs: list[types.JobToDefer]) -> list[dict[str, Any]]:
        rows = []
        try:
            async with write_transaction():
                for job in jobs:
                    inserted = await _sql(
                        "INSERT INTO task_job (queue_name, task_name, priority, lock, "
                        "queueing_lock, args, scheduled_at, created_at) "
                        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
                        job.queue_name,
                        job.task_name,
                        job.priority,
                        job.lock,
                        job.queueing_lock,
                        json.dumps(job.args),
                        utc_text(job.scheduled_at),
                        _now(),
                    )
                    rows.append({"id": inserted[0]["id"], "queue_name": job.queue_name})
        except sqlite3.IntegrityError as error:
            raise exceptions.UniqueViolation(
                constraint_name=manager.QUEUEING_LOCK_CONSTRAINT,
                queueing_lock=next((j.queueing_lock for j in jobs if j.queueing_lock), None),
            ) from error
        for row in rows:
            await self._notify(row["queue_name"], {"type": "job_inserted", "job_id": row["id"]})
        return rows

    async def defer_periodic_job_one(
        self,
        queue: str,
        task_name: str,
        priority: int,
        args: types.JSONDict,
        defer_timestamp: int,
        lock: str | None,
        queueing_lock: str | None,
        periodic_id: str,
    ) -> dict[str, Any]:
        async with write_transaction():
            taken = await _sql(
                "INSERT INTO task_periodic (task_name, periodic_id, defer_timestamp) "
                "VALUES ({}, {}, {}) ON CONFLICT DO NOTHING RETURNING task_name",
                task_name,
                periodic_id,
                defer_timestamp,
            )
            if not taken:  # another process deferred it for this timestamp
                return {"id": None}
            await _sql(
                "DELETE FROM task_periodic WHERE task_name = {} AND periodic_id = {} "
                "AND defer_timestamp < {}",
                task_name,
                periodic_id,
                defer_timestamp,
            )
            job = types.JobToDefer(
                queue_name=queue,
                task_name=task_name,
                priority=priority,
                lock=lock,
                queueing_lock=queueing_lock,
                args=args,
                scheduled_at=None,
            )
            rows = await self.defer_jobs_all([job])
        return rows[0]

    # --- running -------------------------------------------------------------------------------

    async def fetch_job_one(self, queues: Iterable[str] | None, worker_id: int) -> dict:
        queue_list = list(queues) if queues is not None else None
        # Polled every second by each server process: look before taking the file's write lock.
        due = await _sql(
            "SELECT 1 AS due FROM task_job WHERE status = 'todo' "
            "AND (scheduled_at IS NULL OR scheduled_at <= {}) LIMIT 1",
            _now(),
        )
        if not due:
            return {"id": None}
        async with write_transaction():
            candidates = await _sql(
                f"SELECT {JOB_COLUMNS} FROM task_job j "  # noqa: S608 - constant columns
                "WHERE status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= {}) "
                "AND (lock IS NULL OR NOT EXISTS (SELECT 1 FROM task_job d "
                "WHERE d.status = 'doing' AND d.lock = j.lock)) "
                "ORDER BY priority DESC, id LIMIT 50",
                _now(),
            )
            for row in candidates:
                if queue_list is not None and row["queue_name"] not in queue_list:
                    continue
                await _sql(
                    "UPDATE task_job SET status = 'doing', worker_id = {}, started_at = {} "
                    "WHERE id = {}",
                    worker_id,
                    _now(),
                    row["id"],
                )
                return _job({**row, "status": "doing", "worker_id": worker_id})
        return {"id": None}

    async def finish_job_run(self, job_id: int, status: str, delete_job: bool) -> None:
        if delete_job:
            await _sql("DELETE FROM task_job WHERE id = {}", job_id)
            return
        await _sql(
            "UPDATE task_job SET status = {}, attempts = attempts + 1, abort_requested = 0, "
            "finished_at = {} WHERE id = {} AND status = 'doing'",
            status,
            _now(),
            job_id,
        )

    async def retry_job_run(
        self,
        job_id: int,
        retry_at: datetime,
        new_priority: int | None = None,
        new_queue_name: str | None = None,
        new_lock: str | None = None,
    ) -> None:
        changed = await _sql(
            "UPDATE task_job SET status = 'todo', attempts = attempts + 1, scheduled_at = {}, "
            "priority = coalesce({}, priority), queue_name = coalesce({}, queue_name), "
            "lock = coalesce({}, lock), worker_id = NULL, finished_at = NULL "
            "WHERE id = {} AND status IN ('doing', 'failed') RETURNING id",
            utc_text(retry_at),
            new_priority,
            new_queue_name,
            new_lock,
            job_id,
        )
        if not changed:
            raise exceptions.ConnectorException(f"Job {job_id} is not doing nor failed")

    async def cancel_job_one(self, job_id: int, abort: bool, delete_job: bool) -> dict:
        if delete_job:
            done = await _sql(
                "DELETE FROM task_job WHERE id = {} AND status = 'todo' RETURNING id", job_id
            )
        else:
            done = await _sql(
                "UPDATE task_job SET status = 'cancelled', finished_at = {} "
                "WHERE id = {} AND status = 'todo' RETURNING id",
                _now(),
                job_id,
            )
        if done:
            return {"id": job_id}
        if abort:
            asked = await _sql(
                "UPDATE task_job SET abort_requested = 1 WHERE id = {} AND status = 'doing' "
                "RETURNING id",
                job_id,
            )
            return {"id": job_id if asked else None}
        return {"id": None}

    async def get_job_status_one(self, job_id: int) -> dict[str, Any]:
        rows = await _sql("SELECT status FROM task_job WHERE id = {}", job_id)
        return {"status": rows[0]["status"] if rows else None}

    async def set_job_status_run(self, id: int, status: str) -> None:
        await _sql("UPDATE task_job SET status = {} WHERE id = {}", status, int(id))

    async def list_jobs_to_abort_all(self, queue_name: str | None) -> list[dict[str, Any]]:
        rows = await _sql(
            "SELECT id, queue_name FROM task_job WHERE status = 'doing' AND abort_requested = 1"
        )
        return [r for r in rows if queue_name is None or r["queue_name"] == queue_name]

    async def select_stalled_jobs_by_heartbeat_all(
        self, queue: str | None, task_name: str | None, seconds_since_heartbeat: float
    ) -> list[dict[str, Any]]:
        rows = await _sql(
            f"SELECT {JOB_COLUMNS} FROM task_job j WHERE status = 'doing' "  # noqa: S608
            "AND (worker_id IS NULL OR NOT EXISTS (SELECT 1 FROM task_worker w "
            "WHERE w.id = j.worker_id AND w.last_heartbeat >= {}))",
            _seconds_ago(seconds_since_heartbeat),
        )
        return [
            _job(r)
            for r in rows
            if queue in (None, r["queue_name"]) and task_name in (None, r["task_name"])
        ]

    async def delete_old_jobs_run(
        self, nb_hours: int, queue: str | None, statuses: Iterable[str]
    ) -> None:
        for status in statuses:
            await _sql(
                "DELETE FROM task_job WHERE status = {} AND finished_at < {} "
                "AND ({} IS NULL OR queue_name = {})",
                status,
                _seconds_ago(nb_hours * 3600),
                queue,
                queue,
            )

    # --- workers -------------------------------------------------------------------------------

    async def check_connection_one(self) -> dict[str, Any]:
        rows = await _sql("SELECT name FROM sqlite_master WHERE name = 'task_job'")
        return {"check": rows[0]["name"] if rows else None}

    async def register_worker_one(self) -> dict[str, Any]:
        rows = await _sql(
            "INSERT INTO task_worker (last_heartbeat) VALUES ({}) RETURNING id", _now()
        )
        return {"worker_id": rows[0]["id"]}

    async def unregister_worker_run(self, worker_id: int) -> None:
        async with write_transaction():
            await _sql("DELETE FROM task_worker WHERE id = {}", worker_id)
            await _sql("UPDATE task_job SET worker_id = NULL WHERE worker_id = {}", worker_id)

    async def update_heartbeat_run(self, worker_id: int) -> None:
        await _sql("UPDATE task_worker SET last_heartbeat = {} WHERE id = {}", _now(), worker_id)

    async def prune_stalled_workers_all(self, seconds_since_heartbeat: float) -> list[dict]:
        async with write_transaction():
            rows = await _sql(
                "DELETE FROM task_worker WHERE last_heartbeat < {} RETURNING id",
                _seconds_ago(seconds_since_heartbeat),
            )
            for row in rows:
                await _sql("UPDATE task_job SET worker_id = NULL WHERE worker_id = {}", row["id"])
        return [{"worker_id": row["id"]} for row in rows]

    async def list_jobs_all(self, **filters: Any) -> list[dict[str, Any]]:
        rows = await _sql(f"SELECT {JOB_COLUMNS} FROM task_job ORDER BY id")  # noqa: S608
        return [
            _job(r)
            for r in rows
            if all(v is None or str(r.get(k)) == str(v) for k, v in filters.items())
        ]
