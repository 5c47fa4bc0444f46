# ruff: noqa: S108 - a benchmark: scratch file in /tmp
"""The offline scanner's figures: the kit's size and build time for 100,000 live cheques, and
the synchronisation rate of a 1,000-scan queue (sent as the Scanner sends it, by 100).

    .venv/bin/python bench/offline_kit.py                     # SQLite file under /tmp
    PASSNUM_BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/offline_kit.py
    .venv/bin/python bench/offline_kit.py --smoke             # tiny, for CI

The database is emptied first. 20,000 handed-out booklets (100,000 cheques) of one active print
run without perimeter, so every cheque is in the kit of the site agent measured. Timed at the
service (``vouchers.services.offline``), which the API and the page call as they are; as
``passnum serve`` opens the database (a connection pool on PostgreSQL, WAL on SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["PICCOLO_CONF"] = "piccolo_conf_test"
os.environ.setdefault("PASSNUM_TEST_SQLITE_PATH", "/tmp/passnum-bench-offline.sqlite")
if url := os.environ.get("PASSNUM_BENCH_DATABASE_URL"):
    os.environ["PASSNUM_TEST_DATABASE_URL"] = url


async def run(booklets: int, scans: int) -> list[str]:
    import msgspec

    from bench.vouchers_data import Account, make_batch
    from composition.tasks import task_app
    from organisations.actors import load_actor
    from passnum import clock
    from passnum.db import is_postgres
    from tests.factories import World, reset_database
    from vouchers import schemas
    from vouchers.services.offline import offline_kit, sync_offline_scans

    task_app()  # organisations defer geocoding when a site is created
    await reset_database()
    world = await World.build()
    prescriber = Account(
        world.prescriber.email, world.prescriber.user_id, world.prescriber_org_id, ""
    )
    made = await make_batch([prescriber], booklets, issued=True)
    # As `passnum serve` runs: a connection pool of 10 on PostgreSQL, WAL on SQLite.
    from passnum.db import open_pool
    from vouchers.tables import Cheque

    await open_pool(Cheque._meta.db, 10)
    agent = await load_actor(world.site_agent.user_id)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        kit = await offline_kit(agent)
        times.append(time.perf_counter() - started)
    body = msgspec.json.encode(kit)
    lines = [
        f"engine: {'PostgreSQL' if is_postgres() else 'SQLite'}",
        f"kit: {kit.cheque_count:,} cheques in {len(kit.booklets):,} booklets",
        f"kit size: {len(body):,} bytes ({len(body) / 1_048_576:.2f} MiB), "
        f"gzip {len(gzip.compress(body)):,} bytes, {len(body) / kit.cheque_count:.1f} B/cheque",
        f"kit build: best {min(times):.2f} s of 3 ({', '.join(f'{t:.2f}' for t in times)})",
    ]
    queue = [
        schemas.OfflineScanIn(
            client_id=str(uuid.uuid4()),
            code=code,
            scanned_at=clock.now(),
            activity="individual",
            place="home",
            kit=kit.token,
        )
        for code in made.codes[:scans]
    ]
    started = time.perf_counter()
    results = []
    for i in range(0, len(queue), 100):
        answer = await sync_offline_scans(agent, schemas.OfflineBatchIn(scans=queue[i : i + 100]))
        results.extend(answer.results)
    first = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(queue), 100):  # the same queue again: every scan already answered
        await sync_offline_scans(agent, schemas.OfflineBatchIn(scans=queue[i : i + 100]))
    again = time.perf_counter() - started
    redeemed = sum(r.result == "redeemed" for r in results)
    lines += [
        f"sync: {len(queue):,} scans in {first:.2f} s ({len(queue) / first:.0f} scans/s), "
        f"{redeemed:,} redeemed",
        f"sync again (idempotent replay): {again:.2f} s ({len(queue) / again:.0f} scans/s)",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="200 booklets, 50 scans")
    args = parser.parse_args(argv)
    booklets, scans = (200, 50) if args.smoke else (20_000, 1_000)
    for line in asyncio.run(run(booklets, scans)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
