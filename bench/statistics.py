# ruff: noqa: S608, S108 - a benchmark: SQL built from constants only, scratch file in /tmp
"""Statistics page queries on 1,000,000 cheques (200,000 booklets), SQLite and PostgreSQL.

    .venv/bin/python bench/statistics.py                      # SQLite file under /tmp
    PASSNUM_BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/statistics.py
    .venv/bin/python bench/statistics.py --smoke              # tiny, for CI

Data is generated in bulk SQL (``generate_series`` on PostgreSQL, a recursive CTE on SQLite), then
the default view of /statistiques (last twelve months, every funder) is timed and reported as a
ratio to ``SELECT count(*) FROM cheque`` measured in the same run. The database is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from passnum import clock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["PICCOLO_CONF"] = "piccolo_conf_test"
os.environ.setdefault("PASSNUM_TEST_SQLITE_PATH", "/tmp/passnum-bench-statistics.sqlite")
if url := os.environ.get("PASSNUM_BENCH_DATABASE_URL"):
    os.environ["PASSNUM_TEST_DATABASE_URL"] = url


def series(n: int, pg: bool) -> str:
    if pg:
        return f"generate_series(1, {n}) AS g(i)"
    return (
        f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
        "SELECT i FROM s) AS g"
    )


async def generate(booklets: int) -> None:
    from organisations.tables import Organisation
    from passnum.db import is_postgres
    from tests.factories import reset_database

    await reset_database()
    pg = is_postgres()
    run = Organisation.raw
    today = clock.today()
    for i in range(1, 61):
        await run(
            "INSERT INTO organisation (name, kind, address, commune, insee_code, postcode, "
            "phone, email, is_operator, is_funder, is_prescriber, is_site, is_borrower, "
            "site_status, services, created_at) VALUES ({}, 'mairie', '', {}, {}, '', '', '', "
            "false, {}, {}, {}, false, 'qualified', '', {})",
            f"Org {i}",
            f"Commune {i % 30}",
            f"50{i % 30:03d}",
            i <= 5,
            5 < i <= 25,
            i > 25,
            today,
        )
    for f in range(1, 6):
        await run(
            "INSERT INTO batch (funder, label, booklet_count, first_serial, face_value_cents, "
            "valid_from, valid_until, grace_days, allowed_site_ids, allowed_insee_codes, "
            "status, created_at) VALUES ({}, {}, 0, 0, 1000, {}, {}, 31, '[]', '[]', 'active', {})",
            f,
            f"Tirage {f}",
            today - timedelta(days=730),
            today + timedelta(days=365),
            today,
        )
    day = "make_interval(days => i % 700)" if pg else None
    issued = (
        f"(CAST({{}} AS timestamp) - {day})" if pg else "datetime({}, '-' || (i % 700) || ' days')"
    )
    await run(
        "INSERT INTO beneficiary (prescriber, reference, insee_code, age_band, social_status, "
        "needs, consent, created_at) SELECT 6 + i % 20, '', '50' || CAST(100 + i % 30 AS text), "
        "'25_39', 'retired', '[\"admin\"]', false, {} FROM " + series(booklets, pg),
        today,
    )
    await run(
        "INSERT INTO booklet (number, serial, batch, status, holder, issued_at, beneficiary, "
        "used_count, cancel_reason, cancel_note) SELECT CAST(10000000 + i AS text), i, 1 + i % 5, "
        f"'issued', 6 + i % 20, {issued}, i, i % 6, '', '' FROM " + series(booklets, pg),
        today,
    )
    redeemed = (
        "(b.issued_at + make_interval(days => p))"
        if pg
        else "datetime(b.issued_at, '+' || p || ' days')"
    )
    await run(
        "INSERT INTO cheque (booklet, position, code, status, redeemed_at, site, activity, "
        "place, themes) SELECT b.id, p, CAST(10000000 + b.id AS text) || CAST(p AS text), "
        "CASE WHEN p <= b.used_count THEN 'redeemed' ELSE 'valid' END, "
        f"CASE WHEN p <= b.used_count THEN {redeemed} END, "
        "CASE WHEN p <= b.used_count THEN 26 + b.id % 35 END, 'individual', 'site', '[]' "
        "FROM booklet b CROSS JOIN (SELECT 1 AS p UNION ALL SELECT 2 UNION ALL SELECT 3 "
        "UNION ALL SELECT 4 UNION ALL SELECT 5) AS positions"
    )
    if pg:  # what autovacuum does after a bulk load: statistics and the visibility map
        await run("VACUUM ANALYZE")


async def timed(label: str, call) -> float:
    start = time.perf_counter()
    await call()
    return time.perf_counter() - start


async def main(smoke: bool) -> None:
    from piccolo.engine import engine_finder

    from organisations.tables import Organisation
    from passnum.db import close_pool, is_postgres, open_pool
    from reporting import stats
    from reporting.scope import Filters

    booklets = 200 if smoke else 200_000
    started = time.perf_counter()
    await generate(booklets)
    await open_pool(engine_finder(), 10)  # as `passnum serve` does (PASSNUM_DB_POOL_SIZE)
    engine = "PostgreSQL" if is_postgres() else "SQLite"
    print(f"{engine}: {booklets * 5:,} cheques generated in {time.perf_counter() - started:.1f} s")
    baseline = min(
        [
            await timed("count", lambda: Organisation.raw("SELECT count(*) FROM cheque"))
            for _ in range(3)
        ]
    )
    f = Filters(clock.today() - timedelta(days=364), clock.today(), None)
    best = min([await timed("stats", lambda: stats.statistics(f)) for _ in range(5)])
    print(f"baseline SELECT count(*) FROM cheque: {baseline * 1000:.0f} ms")
    print(f"statistics default view: {best * 1000:.0f} ms ({best / baseline:.1f}× baseline)")
    one = Filters(f.start, f.end, (1,))
    funder = min([await timed("funder", lambda: stats.statistics(one)) for _ in range(5)])
    print(f"  one funder's view (a fifth of the booklets): {funder * 1000:.0f} ms")
    for name, part in [
        ("cohort (one GROUP BY, every dimension)", stats._cohort),
        ("redemptions in the period", stats._redemptions),
        ("median days to first use", stats.median_days_to_first_use),
    ]:
        alone = min([await timed(name, lambda p=part: p(f)) for _ in range(3)])
        print(f"  {name}, alone: {alone * 1000:.0f} ms")
    await close_pool(engine_finder())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    asyncio.run(main(parser.parse_args().smoke))
