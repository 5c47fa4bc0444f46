"""Why a job's attempt failed, in French, for the staff's tasks page (procrastinate keeps the
job's status and events, not the reason: its worker only logs the exception)."""

from __future__ import annotations

from piccolo.columns import BigInt, Integer, Serial, Text, Timestamp
from piccolo.table import Table

from passnum.clock import StampNow


class TaskFailure(Table):
    """One failed attempt of a job (``job_id`` of procrastinate's jobs, or SQLite's task_job)."""

    id: Serial
    job_id = BigInt(index=True)
    attempt = Integer(default=1)
    reason = Text(default="")
    created_at = Timestamp(default=StampNow())
