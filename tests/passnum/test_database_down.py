"""A real `passnum serve` whose database is down at start: it starts anyway, says so in French on
standard error, answers /health and the API 503 ``unavailable``, and is back once the database is.

Before, the server printed tracebacks and exited, so nothing answered /health. PostgreSQL is made
unreachable by a TCP relay in front of it that is not listening yet; SQLite by a database path that
cannot be opened (a folder stands where the file should be).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from tests.factories import World
from tests.live_server import PASSNUM, _free_port


@dataclass
class Relay:
    """A TCP relay to PostgreSQL on a port of its own, refusing connections until opened."""

    target: tuple[str, int]
    port: int = field(default_factory=_free_port)
    server: asyncio.Server | None = None
    pipes: set[asyncio.Task[None]] = field(default_factory=set)

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for pipe in self.pipes:
            pipe.cancel()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            task = asyncio.create_task(_pipe(source, sink))
            self.pipes.add(task)
            task.add_done_callback(self.pipes.discard)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with suppress(Exception):
            sink.close()


@dataclass
class Outage:
    """The test database, unreachable until ``end()``; ``url`` is what the server is given."""

    url: str
    end_outage: Callable[[], Awaitable[None]]
    relay: Relay | None = None

    async def end(self) -> None:
        await self.end_outage()


@pytest.fixture
async def outage(world: World, tmp_path: Path) -> AsyncIterator[Outage]:
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        dsn = urlsplit(engine.config["dsn"])
        relay = Relay((dsn.hostname or "127.0.0.1", dsn.port or 5432))
        netloc = dsn.netloc.rsplit("@", 1)[0] + "@" if "@" in dsn.netloc else ""
        url = dsn._replace(netloc=f"{netloc}127.0.0.1:{relay.port}").geturl()
        yield Outage(url, relay.open, relay)
        await relay.close()
        return
    path = tmp_path / "base" / "passnum.sqlite"
    path.mkdir(parents=True)  # a folder where the file should be: SQLite cannot open it

    async def put_the_file_back() -> None:
        path.rmdir()
        shutil.copyfile(engine.path, path)

    yield Outage(f"sqlite:///{path}", put_the_file_back)


@pytest.fixture
async def start_server(tmp_path: Path) -> AsyncIterator[Callable[[str], tuple[str, Path]]]:
    """Starts `passnum serve` on a database URL; stops it without blocking the event loop, where
    the relay to PostgreSQL runs (the server's pool says goodbye through it)."""
    processes: list[subprocess.Popen] = []

    def start(database_url: str) -> tuple[str, Path]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
        port = _free_port()
        env.update(
            PASSNUM_DATABASE_URL=database_url,
            PASSNUM_DATA_DIR=str(tmp_path / "data"),
            PASSNUM_PUBLIC_URL="http://127.0.0.1",
            PASSNUM_DB_POOL_SIZE="2",
        )
        stderr = tmp_path / "stderr.log"
        processes.append(
            subprocess.Popen(
                [PASSNUM, "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr.open("w"),
            )
        )
        return f"http://127.0.0.1:{port}", stderr

    yield start
    for process in processes:
        process.terminate()
        await asyncio.to_thread(process.wait, 30)


async def _wait_for(client: httpx.AsyncClient, path: str, status: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        with suppress(httpx.TransportError):
            last = (await client.get(path)).status_code
            if last == status:
                return
        await asyncio.sleep(0.3)
    raise AssertionError(f"{path} never answered {status} (last: {last})")


async def test_the_server_starts_without_its_database_answers_503_and_recovers(
    world: World, outage: Outage, start_server: Callable[[str], tuple[str, Path]]
) -> None:
    token = await world.staff.token()
    url, stderr = start_server(outage.url)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        await _wait_for(client, "/health", 503)
        health = await client.get("/health")
        assert health.json()["status"] == "unavailable"

        api = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 503
        assert api.json()["error"] == "unavailable"
        assert "indisponible" in api.json()["message"]
        page = await client.get("/login")  # a page that needs no database still answers
        assert page.status_code == 200

        errors = stderr.read_text()
        assert "Base de données injoignable" in errors
        assert "Traceback" not in errors

        await outage.end()
        await _wait_for(client, "/health", 200)
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["email"] == world.staff.email
    deadline = time.monotonic() + 30  # the server looks again every two seconds
    while "de nouveau joignable" not in stderr.read_text():
        assert time.monotonic() < deadline, stderr.read_text()
        await asyncio.sleep(0.3)
