"""A bounded load generator for 127.0.0.1 only, and the server it drives.

Raw asyncio HTTP/1.1 with keep-alive, one connection per virtual user: on a 2-core machine the
load generator shares the CPU with the server, so it must cost far less per request than the
server does (httpx costs about as much as a Litestar handler). Requests come from a finite
source, so each cheque code or booklet is sent once; the run stops when the time is up or the
source is empty.

Spreading the load over uvicorn's workers: they share one listening socket and whichever is
waiting accepts, so 32 connections opened at once could all land on one worker (the other idle,
the rate one core's worth). Virtual users therefore connect in small groups with a short pause
between groups, and each reconnects every ``reconnect_every`` requests, so a worker that got
too many connections loses them as the idle one accepts the new ones. :func:`worker_shares`
turns the workers' CPU time into the share of the run each one served.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # never anything else: this tool must not load someone else's server
PASSNUM = Path(sys.executable).with_name("passnum")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    expect: tuple[int, ...] = (200,)
    tag: object = None  # what the caller needs to check the answer (a code, a booklet number)


@dataclass
class Result:
    name: str
    duration: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # unexpected answers, by status and code
    done: list[object] = field(default_factory=list)  # tags of successful requests

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def summary(self) -> dict[str, float | int]:
        return {
            "ok": self.ok,
            "per_s": round(self.rate, 1),
            "p50_ms": round(self.percentile(50) * 1000, 2),
            "p95_ms": round(self.percentile(95) * 1000, 2),
            "p99_ms": round(self.percentile(99) * 1000, 2),
            "errors": sum(self.errors.values()),
            "seconds": round(self.duration, 2),
        }


class Connection:
    """One keep-alive HTTP/1.1 connection to the local server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        head = [f"{request.method} {request.path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        head += [f"{k}: {v}" for k, v in request.headers.items()]
        if request.body or request.method == "POST":
            head.append(f"Content-Length: {len(request.body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + request.body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])
        }
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await self.reader.readline()).strip(), 16):
                body += await self.reader.readexactly(size + 2)
            await self.reader.readline()
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def error_code(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", "?"))
    except (ValueError, AttributeError):
        return "?"


async def run_load(
    name: str,
    port: int,
    source: Iterator[Request],
    concurrency: int = 32,
    duration: float = 20.0,
    reconnect_every: int = 50,
    group: int = 4,
    pause: float = 0.02,
) -> Result:
    """Send requests from ``source`` with ``concurrency`` virtual users for ``duration`` s.

    Users connect ``group`` at a time, ``pause`` s apart, and reconnect every
    ``reconnect_every`` requests (see the module docstring: spreading over the workers).
    """
    result = Result(name)
    start = time.perf_counter()
    deadline = start + duration

    async def user(index: int) -> None:
        await asyncio.sleep(index // group * pause)
        connection = Connection(port)
        sent_here = 0
        try:
            while time.perf_counter() < deadline:
                request = next(source, None)
                if request is None:
                    return
                if sent_here == reconnect_every:
                    connection.close()
                    sent_here = 0
                sent_here += 1
                sent = time.perf_counter()
                try:
                    status, body = await connection.send(request)
                except (OSError, asyncio.IncompleteReadError) as error:
                    result.errors[f"connection: {type(error).__name__}"] += 1
                    connection.close()
                    continue
                result.statuses[status] += 1
                if status in request.expect:
                    result.latencies.append(time.perf_counter() - sent)
                    result.done.append(request.tag)
                else:
                    result.errors[f"{status} {error_code(body)}"] += 1
        finally:
            connection.close()

    await asyncio.gather(*(user(i) for i in range(concurrency)))
    result.duration = time.perf_counter() - start
    return result


def repeat(request: Request) -> Iterator[Request]:
    while True:
        yield request


# The server under test: `passnum serve --workers N` on a free local port.
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.env, self.workers, self.log = env, workers, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        command = [PASSNUM, "serve", "--host", HOST, "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--workers", str(self.workers)],
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_until_up(f"http://{HOST}:{self.port}/health", self.process, self.log)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> list[int]:
        """The processes serving requests (children of uvicorn's supervisor)."""
        assert self.process is not None
        return [self.process.pid] if self.workers == 1 else children(self.process.pid)

    def worker_rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in self.worker_pids()]

    def worker_cpu_seconds(self) -> list[float]:
        """User + system CPU time of each worker so far (is the load spread over both?)."""
        return [cpu_seconds(pid) for pid in self.worker_pids()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 if it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSnapshot:
    """Where the machine's CPU time went so far: who shares the two cores with the workers."""

    at: float
    machine_busy: float  # seconds of CPU used by anything, all cores (/proc/stat)
    postgres: float  # every local process named postgres (server, backends)
    load_generator: float  # this process

    @classmethod
    def take(cls) -> CpuSnapshot:
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        idle = int(cpu[3]) + int(cpu[4])
        busy = (sum(int(v) for v in cpu[:8]) - idle) / ticks
        postgres = sum(
            cpu_seconds(int(entry))
            for entry in os.listdir("/proc")
            if entry.isdigit() and _comm(entry) == "postgres"
        )
        usage = os.times()
        return cls(time.monotonic(), busy, postgres, usage.user + usage.system)


def _comm(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cpu_split(before: CpuSnapshot, after: CpuSnapshot, workers: float, requests: int) -> str:
    """One line: CPU per request of the workers, PostgreSQL and the load generator, and idle."""
    cores = os.cpu_count() or 1
    wall = after.at - before.at
    parts = {
        "workers": workers,
        "PostgreSQL": after.postgres - before.postgres,
        "load generator": after.load_generator - before.load_generator,
    }
    other = after.machine_busy - before.machine_busy - sum(parts.values())
    idle = max(cores * wall - (after.machine_busy - before.machine_busy), 0.0)
    per = max(requests, 1)
    shown = ", ".join(f"{k} {v / per * 1000:.2f} ms" for k, v in parts.items())
    return (
        f"CPU per request: {shown}, other {max(other, 0) / per * 1000:.2f} ms; "
        f"idle {idle / (cores * wall):.0%} of {cores} cores"
    )


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"resource_tracker" not in cmdline:
            found.append(int(entry))
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("passnum serve exited early:\n" + log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - 127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def worker_shares(cpu_seconds: list[float]) -> str:
    """Each worker's share of the run's worker CPU time: ~50 % each when the load is spread."""
    total = sum(cpu_seconds) or 1.0
    shares = ", ".join(f"{s:.1f} s ({s / total:.0%})" for s in cpu_seconds)
    lopsided = len(cpu_seconds) > 1 and min(cpu_seconds) / total < 0.5 / len(cpu_seconds)
    return shares + ("  ← UNBALANCED: not comparable with a spread run" if lopsided else "")


def report(result: Result, baseline: Result | None = None) -> str:
    s = result.summary()
    line = (
        f"{result.name}: {s['ok']} ok in {s['seconds']} s = {s['per_s']}/s, "
        f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms, "
        f"errors {s['errors']}"
    )
    if baseline is not None and baseline.rate:
        line += (
            f"; × baseline: throughput {result.rate / baseline.rate:.2f}, "
            f"p99 {result.percentile(99) / baseline.percentile(99):.1f}"
        )
    if result.errors:
        line += "\n  unexpected: " + ", ".join(f"{k} ×{n}" for k, n in result.errors.items())
    return line
