"""Existing stored times into the operator's zone: what the 2026-11-29 migrations of each app run.

Before ``passnum.clock``, timestamps were written in the server's own zone (the naive local time,
UTC on most servers). They now hold the operator's wall-clock time (see ``passnum.clock``). This
shifts each given column of rows written before by the difference between the two zones at that
instant, in one ``UPDATE`` per column (a ``CASE`` per stretch of constant difference, so every row
is shifted once, from its old value). The server's zone is the zone of the process running the
migration: the machine that wrote the rows. Nothing changes when it already is the operator's.

Frozen behaviour: migrations that ran must mean the same thing on every database; do not change it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from passnum import db
from passnum.settings import get_settings

STEP = timedelta(hours=1)


def _difference(value: datetime, operator_zone: ZoneInfo) -> timedelta:
    """How far the operator's wall clock was from the server's at this server time."""
    return value.astimezone(operator_zone).replace(tzinfo=None) - value


def stretches(
    first: datetime, last: datetime, operator_zone: ZoneInfo
) -> list[tuple[datetime, timedelta]]:
    """(upper bound, difference) stretches covering ``first``..``last`` (server times)."""
    start = first.replace(minute=0, second=0, microsecond=0)
    current = _difference(start, operator_zone)
    found: list[tuple[datetime, timedelta]] = []
    moment = start
    while moment <= last:
        moment += STEP
        difference = _difference(moment, operator_zone)
        if difference != current:
            found.append((moment, current))
            current = difference
    found.append((datetime.max, current))
    return found


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _shifted(column: str, seconds: int, postgres: bool) -> str:
    if postgres:
        return f"{column} + interval '{seconds} seconds'"
    # Keep the stored text's shape: with a fraction of a second or without.
    return (
        f"CASE WHEN instr({column}, '.') > 0 "
        f"THEN strftime('%Y-%m-%d %H:%M:%f', {column}, '{seconds:+d} seconds') "
        f"ELSE datetime({column}, '{seconds:+d} seconds') END"
    )


async def _exists(table: str) -> bool:
    engine = db.engine()
    if db.is_postgres():
        rows = await engine.run_ddl(f"SELECT to_regclass('{table}') AS found")
        # Piccolo's Engine.run_ddl declares no return type (its abstract body is `pass`): rows.
        return rows[0]["found"] is not None  # pyright: ignore[reportOptionalSubscript]
    rows = await engine.run_ddl(
        f"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'"  # noqa: S608
    )
    return bool(rows)


async def to_operator_zone(columns: dict[str, list[str]]) -> None:
    """Shift ``{table: [timestamp columns]}`` from the server's zone to the operator's."""
    engine = db.engine()
    postgres = db.is_postgres()
    operator_zone = ZoneInfo(get_settings().timezone)
    for table, names in columns.items():
        if not await _exists(table):
            continue
        for column in names:
            rows = await engine.run_ddl(
                f'SELECT min("{column}") AS first, max("{column}") AS last FROM "{table}"'  # noqa: S608
            )
            if not rows or rows[0]["first"] is None:
                continue
            first, last = _as_datetime(rows[0]["first"]), _as_datetime(rows[0]["last"])
            found = stretches(first, last, operator_zone)
            if all(difference == timedelta(0) for _, difference in found):
                continue
            quoted = f'"{column}"'
            if len(found) == 1:
                shifted = _shifted(quoted, int(found[0][1].total_seconds()), postgres)
                await engine.run_ddl(
                    f'UPDATE "{table}" SET {quoted} = {shifted} WHERE {quoted} IS NOT NULL'  # noqa: S608
                )
                continue
            cases = " ".join(
                f"WHEN {quoted} < '{bound:%Y-%m-%d %H:%M:%S}' "
                f"THEN {_shifted(quoted, int(difference.total_seconds()), postgres)}"
                for bound, difference in found[:-1]
            )
            otherwise = _shifted(quoted, int(found[-1][1].total_seconds()), postgres)
            await engine.run_ddl(
                f'UPDATE "{table}" SET {quoted} = CASE {cases} ELSE {otherwise} END '  # noqa: S608
                f"WHERE {quoted} IS NOT NULL"
            )
