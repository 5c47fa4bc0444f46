"""One test database per pytest-xdist worker, chosen before any app module is imported.

Under ``pytest -n N`` each worker (``PYTEST_XDIST_WORKER``: gw0, gw1…) gets its own SQLite file
(``test-gw0.sqlite``), its own data folder and, on PostgreSQL, its own database named after
the one of ``PASSNUM_TEST_DATABASE_URL`` (``…/test`` gives ``…/test_gw0``), created when missing.
Without xdist: ``test.sqlite`` or the database of the URL.

The SQLite files live in memory (``/dev/shm/passnum-tests-…/``, one folder per checkout) when the
machine has it, else in ``var/``: a test commits about a hundred times, and each commit's
``fdatasync`` on disk took 1 to 1.5 ms on a loaded machine (0.1 to 0.15 s a test).
``PASSNUM_TEST_SQLITE_PATH`` chooses another file.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).parents[1]
SHM = Path("/dev/shm")  # noqa: S108 - a folder of our own per checkout, made there


def default_sqlite() -> Path:
    """The tests' SQLite file: in memory when the machine has /dev/shm, else in var/."""
    if SHM.is_dir() and os.access(SHM, os.W_OK):
        folder = SHM / f"passnum-tests-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]}"
        folder.mkdir(exist_ok=True)
        return folder / "test.sqlite"
    return ROOT / "var" / "test.sqlite"


def use_worker_databases() -> None:
    """Point this process at its worker's own databases (environment variables only)."""
    os.environ["PASSNUM_TEST_SQLITE_PATH"] = str(
        os.environ.get("PASSNUM_TEST_SQLITE_PATH") or default_sqlite()
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return
    sqlite = Path(os.environ["PASSNUM_TEST_SQLITE_PATH"])
    os.environ["PASSNUM_TEST_SQLITE_PATH"] = str(
        sqlite.with_name(f"{sqlite.stem}-{worker}{sqlite.suffix}")
    )
    os.environ.setdefault("PASSNUM_DATA_DIR", str(ROOT / "var" / f"test-data-{worker}"))
    url = os.environ.get("PASSNUM_TEST_DATABASE_URL", "")
    if url:
        worker_url = worker_database_url(url, worker)
        asyncio.run(_create_database(url, worker_url))
        os.environ["PASSNUM_TEST_DATABASE_URL"] = worker_url


def worker_database_url(url: str, worker: str) -> str:
    """``postgresql://postgres@host:5432/test`` → ``postgresql://postgres@host:5432/test_gw0``."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}_{worker}"))


async def _create_database(url: str, worker_url: str) -> None:
    import asyncpg

    name = urlsplit(worker_url).path.lstrip("/")
    connection = await asyncpg.connect(url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await connection.execute(f'CREATE DATABASE "{name}"')
            except asyncpg.DuplicateDatabaseError:
                pass  # another run created it at the same moment
    finally:
        await connection.close()
