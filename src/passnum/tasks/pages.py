"""Staff page of the task queue: every job, newest first — waiting, running, done, failed with
its French reason, tried again — with « Relancer » for a failed one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from passnum import audit, clock, db, tasks, vocabulary
from passnum.auth import Role, roles
from passnum.fr import format_moment
from passnum.pagination import paginate_fetch
from passnum.refusals import refuse
from passnum.tasks.sqlite_store import from_utc_text
from passnum.tasks.tables import TaskFailure

task_status_label = vocabulary.define(
    "task_status",
    {
        "todo": "En attente",
        "retry": "Nouvel essai prévu",
        "doing": "En cours",
        "succeeded": "Terminée",
        "failed": "Échouée",
        "cancelled": "Annulée",
        "aborted": "Interrompue",
    },
)

# Not shown on the page: a periodic task's tick, an e-mail's text, an invitation's details.
HIDDEN_ARGUMENTS = ("timestamp", "body", "role", "inviter", "invited_by")
# What staff read before an argument's value (« structure n° 55 »), not its name in the code.
task_argument_label = vocabulary.define(
    "task_argument",
    {
        "organisation_id": "structure n°",
        "job_id": "impression n°",
        "loan_id": "prêt n°",
        "to": "à",
        "subject": "objet :",
        "reply_to": "réponse à",
        "email": "adresse",
        "user_id": "compte n°",
    },
)

# ?etat= on the page → the stored statuses it shows
FILTERS = {
    "": ("Toutes", ()),
    "attente": ("En attente", ("todo",)),
    "en-cours": ("En cours", ("doing",)),
    "echec": ("Échouées", ("failed",)),
    "terminees": ("Terminées", ("succeeded",)),
}

_POSTGRES_ROWS = """
SELECT j.id, j.task_name, j.status::text AS status, j.attempts, j.scheduled_at, j.args,
  (SELECT min(e.at) FROM procrastinate_events e
    WHERE e.job_id = j.id AND e.type::text = 'deferred') AS created_at,
  (SELECT max(e.at) FROM procrastinate_events e
    WHERE e.job_id = j.id AND e.type::text = 'started') AS started_at,
  (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id
    AND e.type::text IN ('succeeded', 'failed', 'cancelled', 'aborted')) AS finished_at
FROM procrastinate_jobs j
"""
_SQLITE_ROWS = """
SELECT id, task_name, status, attempts, scheduled_at, args, created_at, started_at, finished_at
FROM task_job j
"""


@dataclass(frozen=True)
class JobLine:
    id: int
    label: str
    status: str  # code: todo, retry, doing, succeeded, failed…
    status_label: str
    attempts: int
    created: str
    started: str
    finished: str
    next_try: str
    reason: str
    arguments: str

    @property
    def can_retry(self) -> bool:
        return self.status == "failed"


def _moment(value: Any) -> str:
    if isinstance(value, str):
        value = from_utc_text(value)
    if not isinstance(value, datetime):
        return ""
    return format_moment(clock.aware(value))


def _where(statuses: tuple[str, ...]) -> str:
    if not statuses:
        return ""
    cast = "::text" if db.is_postgres() else ""
    return f" WHERE j.status{cast} IN ({', '.join(repr(s) for s in statuses)})"


async def _count(statuses: tuple[str, ...]) -> int:
    table = "procrastinate_jobs" if db.is_postgres() else "task_job"
    rows = await TaskFailure.raw(f"SELECT count(*) AS n FROM {table} j{_where(statuses)}")  # noqa: S608 - constants
    return int(rows[0]["n"])


async def _reasons(job_ids: list[int]) -> dict[int, str]:
    if not job_ids:
        return {}
    rows = (
        await TaskFailure.select(TaskFailure.job_id, TaskFailure.reason)
        .where(TaskFailure.job_id.is_in(job_ids))
        .order_by(TaskFailure.id)
    )
    return {row["job_id"]: row["reason"] for row in rows}  # the last attempt's reason


def _arguments(args: Any) -> str:
    values = db.as_json(args, {}) if isinstance(args, str) else (args or {})
    shown = []
    for key, value in values.items():
        if key in HIDDEN_ARGUMENTS or value is None or value == "":
            continue
        label = task_argument_label(key)
        shown.append(f"{key} = {value}" if label == key else f"{label} {value}")
    return ", ".join(shown)


async def job_lines(statuses: tuple[str, ...], limit: int, offset: int) -> list[JobLine]:
    base = _POSTGRES_ROWS if db.is_postgres() else _SQLITE_ROWS
    rows = await TaskFailure.raw(
        f"{base}{_where(statuses)} ORDER BY j.id DESC LIMIT {{}} OFFSET {{}}",
        limit,
        offset,
    )
    reasons = await _reasons([row["id"] for row in rows])
    lines = []
    for row in rows:
        status = row["status"]
        if status == "todo" and row["attempts"]:
            status = "retry"
        lines.append(
            JobLine(
                id=row["id"],
                label=tasks.label(row["task_name"]),
                status=status,
                status_label=task_status_label(status),
                attempts=row["attempts"] + (1 if status == "doing" else 0),
                created=_moment(row["created_at"]),
                started=_moment(row["started_at"]),
                finished=_moment(row["finished_at"]) if status not in ("todo", "retry") else "",
                next_try=_moment(row["scheduled_at"]) if status == "retry" else "",
                reason=reasons.get(row["id"], "") if status in ("failed", "retry") else "",
                arguments=_arguments(row["args"]),
            )
        )
    return lines


class TaskPages(Controller):
    path = "/staff/taches"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(self, etat: FromQuery[str] = "", page: FromQuery[str] = "") -> Template:
        name, statuses = FILTERS.get(etat, FILTERS[""])

        async def fetch(limit: int, offset: int) -> list[JobLine]:
            return await job_lines(statuses, limit, offset)

        pager = await paginate_fetch(fetch, await _count(statuses), page, {"etat": etat})
        return Template(
            "passnum/tasks.html",
            context={
                "jobs": pager.items,
                "pager": pager,
                "filters": [(key, label) for key, (label, _) in FILTERS.items()],
                "current": etat if etat in FILTERS else "",
                "filter_name": name,
            },
        )

    @post("/{job_id:int}/relancer")
    async def retry(self, request: Request, job_id: FromPath[int]) -> Redirect:
        table = "procrastinate_jobs" if db.is_postgres() else "task_job"
        rows = await TaskFailure.raw(
            f"SELECT status{'::text' if db.is_postgres() else ''} AS status "  # noqa: S608
            f"FROM {table} WHERE id = {{}}",
            job_id,
        )
        if not rows:
            raise refuse("not_found.task")
        if rows[0]["status"] != "failed":
            raise refuse("task_not_failed")
        await tasks.retry(job_id)
        await audit.record(request.user, "retry_task", "task", job_id)
        return Redirect("/staff/taches?etat=attente")
