"""Whether a site's redemption is already settled by a statement, for the vouchers app's reversal
(installed into vouchers.settlement by the composition root: vouchers may not import this app).

A redemption belongs to the statement of its site and of the month it was made in. Once that
statement (or the one the cheque is on) is submitted, it is frozen: the redemption can no longer
be reversed. While it is a draft, a reversal takes the cheque off it and its totals follow.
"""

from __future__ import annotations

from datetime import datetime

from passnum.db import is_postgres
from reimbursements.statements import BUILD_LOCK, TOTALS
from reimbursements.tables import Statement, StatementLine, StatementStatus
from vouchers.settlement import Settlement

# The month's statement of the site and the statement holding the cheque, if any, row-locked on
# PostgreSQL so that a submission waits for the reversal (or the reversal sees it submitted).
SETTLING_SQL = """
SELECT status FROM statement
WHERE (site = {} AND period_start = {})
   OR id IN (SELECT statement FROM statement_line WHERE cheque = {})
"""


async def lock_settlement(site_id: int, redeemed_at: datetime, cheque_id: int) -> bool:
    """Inside the caller's write transaction: True when the redemption is settled (frozen).

    On PostgreSQL it queues behind statement builds (their advisory lock) and locks the
    statements concerned; SQLite's write transaction already runs alone.
    """
    month = redeemed_at.date().replace(day=1)
    sql = SETTLING_SQL
    if is_postgres():
        await Statement.raw("SELECT pg_advisory_xact_lock({})", BUILD_LOCK)
        sql += " FOR UPDATE"
    rows = await Statement.raw(sql, site_id, month, cheque_id)
    return any(r["status"] != StatementStatus.draft for r in rows)


async def release_cheque(cheque_id: int) -> None:
    """Take a cheque off its draft statement (if it is on one) and recompute that draft."""
    lines = await StatementLine.select(StatementLine.statement).where(
        StatementLine.cheque == cheque_id
    )
    if not lines:
        return
    statement = lines[0]["statement"]
    await StatementLine.delete().where(StatementLine.cheque == cheque_id)
    await Statement.raw(
        "UPDATE statement SET " + TOTALS + " WHERE id = {} AND status = {}",  # noqa: S608 - constants
        statement,
        StatementStatus.draft.value,
    )


SETTLEMENT = Settlement(lock=lock_settlement, release=release_cheque)
