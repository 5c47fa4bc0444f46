"""Demo statements: last month's drafts, built from the demo's redemptions (safe to rerun)."""

from __future__ import annotations

from passnum import clock
from reimbursements.periods import previous_month
from reimbursements.statements import build_statements


async def load_demo() -> None:
    """Build last month's statements, so every demo site with redemptions then has one."""
    await build_statements(previous_month(clock.today()))
