"""Load benchmarks of the vouchers paths against `passnum serve --workers 2`.

Scenarios (each in one run, with `/health` of the same server as the baseline):
- ``redemption``: POST /api/v1/redemptions, each code once, tokens of several site agents;
- ``handout``: POST /api/v1/handouts, each booklet once, tokens of several prescribers;
- ``status``: GET /api/v1/cheques/{code} (``--page``: the HTML page /c/{code}).

The server's scan rate limit is raised (PASSNUM_RATE_SCAN_PER_MINUTE) because 32 virtual users
on a handful of accounts go far beyond what a person scans; the limit's store stays the default
(counters in PostgreSQL with a PostgreSQL database, files with SQLite), so its cost is measured.
Afterwards the database is checked (nothing redeemed or handed out twice, ledger and audit match
the answers). Each worker's share of the run is printed from its CPU time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Iterator
from pathlib import Path

from bench.loadgen import (
    PASSNUM,
    CpuSnapshot,
    Request,
    Result,
    Server,
    cpu_split,
    repeat,
    report,
    run_load,
    worker_shares,
)
from passnum import clock

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scenario", choices=["redemption", "handout", "status"], default="redemption")
    p.add_argument("--smoke", action="store_true", help="tiny run on SQLite (CI): seconds")
    p.add_argument("--database", choices=["postgres", "sqlite"], default=None)
    p.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL server (a bench_* database is made)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument(
        "--database-name",
        default="",
        help="the PostgreSQL database made and dropped (default bench_<scenario>; give your own "
        "on a server other people's benchmarks use)",
    )
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--baseline-seconds", type=float, default=5.0)
    p.add_argument("--booklets", type=int, default=20_000, help="booklets made (5 cheques each)")
    p.add_argument("--accounts", type=int, default=8, help="site agents or prescribers")
    p.add_argument(
        "--redemptions", type=int, default=0, help="run until this many succeeded (no time limit)"
    )
    p.add_argument("--page", action="store_true", help="status: the HTML page, not the API")
    p.add_argument("--pool", type=int, help="connections per worker (default: serve's, 10)")
    p.add_argument("--profile", type=Path, help="py-spy: write one worker's stacks to this file")
    args = p.parse_args(argv)
    if args.smoke:
        args.database = args.database or "sqlite"
        args.duration, args.baseline_seconds, args.concurrency = 3.0, 1.0, 8
        args.booklets, args.accounts = 80, 3
    if args.redemptions:
        args.booklets = max(args.booklets, -(-args.redemptions // 5))
        args.duration = 3600.0
    args.database = args.database or "postgres"
    return args


def environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSNUM_", "PICCOLO_"))}
    env.update(
        PASSNUM_DATA_DIR=str(data_dir),
        PASSNUM_PUBLIC_URL="http://127.0.0.1",
        PASSNUM_RATE_SCAN_PER_MINUTE="100000000",
    )
    if args.database == "postgres":
        env["PASSNUM_DATABASE_URL"] = f"{args.pg}/{_name(args)}"
    if args.pool:
        env["PASSNUM_DB_POOL_SIZE"] = str(args.pool)
    return env


def psql(args: argparse.Namespace, sql: str) -> None:
    subprocess.run(["psql", f"{args.pg}/postgres", "-qc", sql], check=True)


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    if args.database == "postgres":
        psql(args, f"DROP DATABASE IF EXISTS {_name(args)}")
        psql(args, f"CREATE DATABASE {_name(args)}")
    for command in ("migrate", "demo"):
        done = subprocess.run([PASSNUM, command], env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(
                f"passnum {command} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
    os.environ.update(env)  # this process's engine: chosen when piccolo_conf is imported


def requests(args: argparse.Namespace, data: dict) -> Iterator[Request]:
    """Each code or booklet once; accounts taken in turn."""
    tokens = {a.organisation_id: a.token for a in data["accounts"]}
    cycle = itertools.cycle(data["accounts"])
    if args.scenario == "redemption":
        body = {"activity": "individual", "place": "site", "themes": ["email"]}
        for code in data["batch"].codes[: args.redemptions or None]:
            yield Request(
                "POST",
                "/api/v1/redemptions",
                {
                    "Authorization": f"Bearer {next(cycle).token}",
                    "Content-Type": "application/json",
                },
                json.dumps({"code": code, **body}).encode(),
                expect=(201,),
                tag=code,
            )
    elif args.scenario == "handout":
        person = {"consent": True, "insee_code": "50502", "age_band": "70_plus", "needs": ["admin"]}
        for number, holder in data["batch"].numbers:
            yield Request(
                "POST",
                "/api/v1/handouts",
                {"Authorization": f"Bearer {tokens[holder]}", "Content-Type": "application/json"},
                json.dumps({"booklet_number": number, "beneficiary": person}).encode(),
                expect=(201,),
                tag=number,
            )
    else:
        prefix = "/c/" if args.page else "/api/v1/cheques/"
        for code in itertools.cycle(data["batch"].codes):
            yield Request("GET", prefix + code, tag=code)


async def set_up(args: argparse.Namespace) -> dict:
    from bench import vouchers_data as vd
    from passnum.auth import Role

    role = Role.prescriber if args.scenario == "handout" else Role.site_agent
    people = await vd.accounts(role, args.accounts)
    holders = people if role == Role.prescriber else await vd.accounts(Role.prescriber, 1)
    batch = await vd.make_batch(holders, args.booklets, issued=args.scenario != "handout")
    return {"accounts": people, "batch": batch, "before": await vd.counts()}


async def check(args: argparse.Namespace, data: dict, result: Result) -> list[str]:
    from bench import vouchers_data as vd

    if args.scenario == "redemption":
        return await vd.check_redemptions(data["batch"].batch_id, result.done, data["before"])
    if args.scenario == "handout":
        return await vd.check_handouts(data["batch"].batch_id, result.done, data["before"])
    return []


def profile(args: argparse.Namespace, server: Server) -> subprocess.Popen | None:
    """py-spy sampling one worker for the run: collapsed stacks (pip install -e '.[bench]')."""
    if args.profile is None:
        return None
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        raise SystemExit(f"--profile needs py-spy in {spy.parent}: pip install -e '.[bench]'")
    pid = server.worker_pids()[0]
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--duration",
            str(int(args.duration)),
            "--output",
            str(args.profile),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    # The same virtual CPU is not always as fast (other guests on the host): a fixed Python loop
    # timed now tells two runs' machines apart.
    loop_ns = min(timeit.repeat("sum(range(50))", number=200_000, repeat=5)) / 200_000 * 1e9
    return (
        f"{clock.today()}, nproc {os.cpu_count()}, CPU {cpu}, Python {platform.python_version()}"
        f", sum(range(50)) {loop_ns:.0f} ns"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix=f"bench-{args.scenario}-") as tmp:
        env = environment(args, Path(tmp))
        prepare(args, env)
        data = asyncio.run(set_up(args))
        name = f"{args.scenario}{' page' if args.page else ''}"
        print(
            f"# {name} on {args.database}, {args.workers} workers, concurrency "
            f"{args.concurrency}; {machine()}"
        )
        try:
            with Server(env, args.workers, Path(tmp) / "server.log") as server:
                health = Request("GET", "/health")
                baseline_cpu = server.worker_cpu_seconds(), CpuSnapshot.take()
                baseline = asyncio.run(
                    run_load(
                        "baseline /health",
                        server.port,
                        repeat(health),
                        args.concurrency,
                        args.baseline_seconds,
                    )
                )
                cpu_before = server.worker_cpu_seconds()
                machine_before = CpuSnapshot.take()
                baseline_split = cpu_split(
                    baseline_cpu[1],
                    machine_before,
                    sum(cpu_before) - sum(baseline_cpu[0]),
                    baseline.ok,
                )
                spy = profile(args, server)
                result = asyncio.run(
                    run_load(
                        name, server.port, requests(args, data), args.concurrency, args.duration
                    )
                )
                machine_after = CpuSnapshot.take()
                if spy is not None:
                    spy.wait()
                rss = server.worker_rss_mb()
                cpu = [b - a for a, b in zip(cpu_before, server.worker_cpu_seconds(), strict=True)]
            problems = asyncio.run(check(args, data, result))
        finally:
            if args.database == "postgres" and not args.keep:
                psql(args, f"DROP DATABASE IF EXISTS {_name(args)} WITH (FORCE)")
    print(report(baseline))
    print(f"  {baseline_split}")
    print(report(result, baseline))
    print("worker RSS after the run: " + ", ".join(f"{mb:.0f} MB" for mb in rss))
    print("worker CPU during the run (share of the requests): " + worker_shares(cpu))
    if result.ok:
        print(f"worker CPU per request: {sum(cpu) / result.ok * 1000:.2f} ms")
        print(f"  {cpu_split(machine_before, machine_after, sum(cpu), result.ok)}")
    print("database check: " + ("; ".join(problems) if problems else "consistent"))
    failed = problems or result.errors or not result.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())


def _name(args: argparse.Namespace) -> str:
    return args.database_name or f"bench_{args.scenario}"
