"""A database written by the code before passnum.clock (times in the server's zone, UTC here)
comes out of `passnum migrate` with its times in Paris time, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from passnum.tables import AuditEntry, LoginThrottle
from vouchers.tables import ScanAttempt

# The last migration of each app before the times moved to the operator's zone.
BEFORE = {
    "passnum": "2026-11-26T06:06:18:535585",
    "vouchers": "2026-11-26T06:43:16:458960",
    "equipment": "2026-11-26T06:03:30:000000",
    "reimbursements": "2026-11-26T06:10:26:000000",
}
WINTER_EVENING_UTC = datetime(2027, 1, 31, 23, 30)  # 00:30 on 1 February in Paris
SUMMER_MORNING_UTC = datetime(2026, 7, 14, 10, 0, 0, 250000)  # 12:00 in Paris
DST_NIGHT_UTC = datetime(2027, 3, 28, 1, 30)  # clocks went forward at 01:00 UTC: 03:30 in Paris


@pytest.fixture
def server_in_utc() -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


async def _database_of_the_previous_code() -> None:
    """An empty database, migrated as the code before this change left it."""
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        await engine._run_in_new_connection("DROP SCHEMA public CASCADE")
        await engine._run_in_new_connection("CREATE SCHEMA public")
    else:
        engine.remove_db_file()
    for app in BaseMigrationManager().get_sorted_app_names():
        result = await run_forwards(app, BEFORE.get(app, "all"))
        assert result.success, result.message


async def _rows_written_by_the_previous_code() -> None:
    """Rows as the code before passnum.clock wrote them: the server's (UTC) wall clock."""
    for at in (WINTER_EVENING_UTC, SUMMER_MORNING_UTC, DST_NIGHT_UTC):
        await ScanAttempt.raw(
            "INSERT INTO scan_attempt (at, result, text_hash) VALUES ({}, 'x', '')", at
        )
    await AuditEntry.raw(
        "INSERT INTO audit_entry (at, user_email, action, entity, entity_id, changes) "
        "VALUES ({}, '', 'test', 'test', '1', '{{}}')",
        WINTER_EVENING_UTC,
    )
    await LoginThrottle.raw(
        "INSERT INTO login_throttle (email, failures, last_failure_at, locked_until) "
        "VALUES ('a@b.fr', 5, {}, NULL)",
        SUMMER_MORNING_UTC,
    )


async def test_times_written_in_utc_become_paris_times(server_in_utc: None, database: None) -> None:
    try:
        await _database_of_the_previous_code()
        await _rows_written_by_the_previous_code()
    finally:  # whatever happens, the next tests find the full schema
        result = await run_forwards("all")
    assert result.success, result.message

    scans = sorted(r["at"].replace(microsecond=0) for r in await ScanAttempt.select(ScanAttempt.at))
    assert scans == [
        datetime(2026, 7, 14, 12, 0),
        datetime(2027, 2, 1, 0, 30),
        datetime(2027, 3, 28, 3, 30),
    ]
    fractions = [r["at"].microsecond for r in await ScanAttempt.select(ScanAttempt.at)]
    assert sorted(fractions)[-1] >= 250000  # the fraction of a second survives
    audit = await AuditEntry.select(AuditEntry.at).first()
    assert audit["at"] == datetime(2027, 2, 1, 0, 30)
    throttle = await LoginThrottle.select().first()
    assert throttle["last_failure_at"].replace(microsecond=0) == datetime(2026, 7, 14, 12, 0)
    assert throttle["locked_until"] is None

    # The scan ledger is append-only again.
    with pytest.raises(Exception, match="append-only"):
        await ScanAttempt.update({ScanAttempt.result: "changed"}, force=True)
