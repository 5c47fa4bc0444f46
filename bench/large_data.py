"""National-scale data on PostgreSQL, then the staff search timed and list sizes checked.

1,000,000 cheques (200,000 booklets, real codes), 5,000 qualified sites, 10,000 returned equipment
loans (1,000 items, ten consecutive loans each, bookings kept inactive as a return leaves them),
all by bulk SQL and COPY in a fresh `bench_large` database. Then the staff search service
(`vouchers.services.search`) by booklet number and by cheque code is timed (target < 50 ms) and
the list services are checked to return bounded rows.

    .venv/bin/python -m bench.large_data                 # full size, a few minutes
    .venv/bin/python -m bench.large_data --smoke         # 5,000 cheques, seconds (CI)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta

from bench.loadgen import PASSNUM
from bench.vouchers_load import PG_ADMIN, machine
from passnum import clock


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pg", default=PG_ADMIN)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep bench_large afterwards")
    args = p.parse_args(argv)
    scale = 200 if args.smoke else 1
    args.booklets, args.sites, args.loans = 200_000 // scale, 5_000 // scale, 10_000 // scale
    return args


async def generate(args: argparse.Namespace) -> None:
    import asyncpg

    from vouchers.codes import booklet_number, new_code

    db = await asyncpg.connect(f"{args.pg}/bench_large")
    now = clock.stamp()
    funder = await db.fetchval("SELECT id FROM organisation WHERE is_funder LIMIT 1")
    holder = await db.fetchval("SELECT id FROM organisation WHERE is_prescriber LIMIT 1")
    await db.execute(
        """INSERT INTO organisation (name, kind, insee_code, commune, is_site, site_status,
           created_at) SELECT 'Lieu national ' || n, 'association', lpad((n % 99999)::text, 5, '0'),
           'Commune ' || n, true, 'qualified', now() FROM generate_series(1, $1) n""",
        args.sites,
    )
    batch = await db.fetchval(
        """INSERT INTO batch (funder, label, booklet_count, first_serial, face_value_cents,
           valid_from, valid_until, grace_days, allowed_site_ids, allowed_insee_codes, status,
           paid_at, created_at) VALUES ($1, 'National', $2, 2000001, 1000, $3, $4, 31, '[]', '[]',
           'active', $5, $5) RETURNING id""",
        funder,
        args.booklets,
        clock.today() - timedelta(days=30),
        clock.today() + timedelta(days=365),
        now,
    )
    await db.copy_records_to_table(
        "booklet",
        columns=["number", "serial", "batch", "status", "holder", "allocated_at", "used_count"],
        records=[
            (booklet_number(s), s, batch, "allocated", holder, now, 0)
            for s in range(2_000_001, 2_000_001 + args.booklets)
        ],
    )
    ids = [r["id"] for r in await db.fetch("SELECT id FROM booklet WHERE batch = $1", batch)]
    await db.copy_records_to_table(
        "cheque",
        columns=["booklet", "position", "code", "status", "activity", "place", "themes"],
        records=[(b, p, new_code(), "valid", "", "", "[]") for b in ids for p in range(1, 6)],
    )
    await _loans(db, args.loans, now)
    await db.execute("ANALYZE")
    await db.close()


async def _loans(db, count: int, now: datetime) -> None:
    """Returned loans, ten per item, one after the other (the no-overlap constraint holds)."""
    borrower = await db.fetchval("SELECT id FROM organisation WHERE is_borrower LIMIT 1")
    items = count // 10
    await db.execute(
        """INSERT INTO item (item_type, serial, asset_tag, status, created_at)
           SELECT 'laptop', 'BENCH-' || n, 'BN-' || n, 'available', now()
           FROM generate_series(1, $1) n""",
        items,
    )
    start = clock.today() - timedelta(days=20 * 10 + 10)
    await db.execute(
        """WITH l AS (
             INSERT INTO loan (number, borrower, contact_name, start_date, due_date, status,
                               checked_out_at, closed_at, created_at)
             SELECT 'BN-' || lpad(n::text, 6, '0'), $1, 'Contact ' || n,
                    $2::date + ((n - 1) / $3) * 20, $2::date + ((n - 1) / $3) * 20 + 14,
                    'returned', $4, $4, $4
             FROM generate_series(1, $5) n RETURNING id, number),
           li AS (
             INSERT INTO loan_item (loan, item, checkout_checklist, missing_accessories,
                                    returned_at)
             SELECT l.id, i.id, '{}', '[]', $4 FROM l
             JOIN item i ON i.serial = 'BENCH-' || (1 + (substr(l.number, 4)::int - 1) % $3)
             RETURNING id, item, loan)
           INSERT INTO booking (item, start_date, end_date, active, loan_item)
           SELECT li.item, lo.start_date, lo.due_date, false, li.id
           FROM li JOIN loan lo ON lo.id = li.loan""",
        borrower,
        start,
        items,
        now,
        count,
    )


async def measure() -> list[str]:
    from piccolo.apps.user.tables import BaseUser
    from piccolo.engine import engine_finder

    from organisations.actors import load_actor
    from passnum.db import close_pool, open_pool
    from vouchers import services as svc
    from vouchers.tables import Booklet, Cheque

    await open_pool(engine_finder(), 4)  # as the server does: no connection per query
    staff = await BaseUser.select(BaseUser.id).where(BaseUser.email == "agent@demo.passnum.fr")
    actor = await load_actor(staff[0]["id"])
    numbers = await Booklet.select(Booklet.number).order_by(Booklet.id, ascending=False).limit(20)
    codes = await Cheque.select(Cheque.code).order_by(Cheque.id, ascending=False).limit(20)
    lines = []
    for label, texts in (("booklet number", numbers), ("cheque code", codes)):
        timings = []
        for row in texts:
            started = time.perf_counter()
            await svc.search(actor, next(iter(row.values())))
            timings.append((time.perf_counter() - started) * 1000)
        lines.append(
            f"staff search by {label}: median {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms over {len(timings)} (target < 50 ms)"
        )
    started = time.perf_counter()
    status = await svc.cheque_status(codes[0]["code"])
    elapsed = (time.perf_counter() - started) * 1000
    lines.append(
        f"cheque status data: {len(status.accepted_sites)} accepted sites listed "
        f"(everywhere: {status.accepted_everywhere}) in {elapsed:.0f} ms"
    )
    await close_pool(engine_finder())
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    url = f"{args.pg}/bench_large"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSNUM_", "PICCOLO_"))}
    env.update(PASSNUM_DATABASE_URL=url)
    # Before anything reads the settings (the clock does, in generate): they are read once.
    os.environ.update(env)
    psql = ["psql", f"{args.pg}/postgres", "-qc"]
    subprocess.run([*psql, "DROP DATABASE IF EXISTS bench_large WITH (FORCE)"], check=True)
    subprocess.run([*psql, "CREATE DATABASE bench_large"], check=True)
    try:
        for command in ("migrate", "demo"):
            subprocess.run([PASSNUM, command], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        asyncio.run(generate(args))
        print(f"# large data; {machine()}")
        print(
            f"generated {args.booklets * 5:,} cheques, {args.booklets:,} booklets, "
            f"{args.sites:,} sites, {args.loans:,} loans in {time.perf_counter() - started:.0f} s"
        )
        for line in asyncio.run(measure()):
            print(line)
    finally:
        if not args.keep:
            subprocess.run([*psql, "DROP DATABASE IF EXISTS bench_large WITH (FORCE)"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
