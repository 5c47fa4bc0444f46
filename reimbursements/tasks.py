"""The reimbursements' background tasks (run by the queue, :mod:`passnum.tasks`)."""

from __future__ import annotations

from passnum import clock
from passnum.tasks import Tasks
from reimbursements.periods import previous_month
from reimbursements.statements import build_statements

TASKS = Tasks("reimbursements")


@TASKS.periodic(cron="0 3 1 * *", label="Relevés du mois écoulé (brouillons)")
async def statements() -> None:
    """On the 1st of each month at 03:00 UTC (was the monthly cron line of ``passnum
    statements``): the previous month's draft statements, safe to run again."""
    await build_statements(previous_month(clock.today()))
