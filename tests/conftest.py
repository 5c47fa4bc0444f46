"""Test set-up: the test database is chosen before any app module is imported.

SQLite by default (test.sqlite, in /dev/shm or var/); PostgreSQL when PASSNUM_TEST_DATABASE_URL
is set; under pytest-xdist each worker has its own (tests/databases.py). The schema is built once
per run from the Piccolo migrations and kept as a template; every test that asks for ``db`` starts
from that template's empty tables (a copy of the file on SQLite, DELETEs on PostgreSQL). The app is
built once per run and shared by the tests' clients, with fresh rate-limit counters for each test.
Fixtures here are opt-in so that pure tests (printing) never touch a database.
"""

from __future__ import annotations

# ruff: noqa: E402 - the databases are chosen (environment) before any app module is imported
import os

from tests.databases import use_worker_databases

os.environ["PICCOLO_CONF"] = "piccolo_conf_test"
os.environ.setdefault("PASSNUM_PUBLIC_URL", "https://passnum.test")
# The test client runs the app in another event loop: no connection pool (see passnum.db).
os.environ["PASSNUM_DB_POOL_SIZE"] = "0"
# Rate-limit counters in memory, emptied before each test (see ``client``).
os.environ["PASSNUM_RATE_LIMIT_STORE"] = "memory"
# No geocoder unless a test starts the local addok (tests/addok_server.py): never the public one.
os.environ["PASSNUM_GEOCODER_URL"] = "off"
use_worker_databases()

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from piccolo.apps.user.tables import BaseUser
from piccolo.engine import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

from tests.factories import (
    World,
    kept_template,
    reset_database,
    restore_template,
    save_template,
    use_database_file,
)
from tests.live_server import DataTemplates

# The live-server fixtures (a real `passnum serve` process) for browser tests and API fuzzing,
# a real local SMTP server (`smtp_server`) for e-mail, and a real local geocoder (`addok_server`).
# Every error code the API answers must be listed in its OpenAPI document (tests.error_codes_check).
pytest_plugins = [
    "tests.live_server",
    "tests.smtp_server",
    "tests.addok_server",
    "tests.error_codes_check",
]

# Tests create many users: a cheap hash keeps them fast; production keeps Piccolo's 600,000.
BaseUser._pbkdf2_iteration_count = 1_000


def pytest_report_header() -> str:
    url = os.environ.get("PASSNUM_TEST_DATABASE_URL", "")
    if url:
        return f"passnum test database: PostgreSQL ({url.rsplit('/', 1)[-1]})"
    path = os.environ["PASSNUM_TEST_SQLITE_PATH"]
    return f"passnum test database: SQLite ({path})"


@pytest.fixture(scope="session")
async def database(data_templates: DataTemplates) -> None:
    """Build the schema once from the migrations, on a database emptied first, and keep it.

    On SQLite the run's migrated data folder (`passnum migrate` once per run, shared by the xdist
    workers and the live servers, tests/live_server.py) gives the file: each worker migrating
    again cost 8 s idle, 20 s on the loaded machine (35,000 communes).
    ``PASSNUM_TEST_KEEP_SCHEMA=1`` starts from the schema an earlier run left instead (mutation
    testing runs one short session per mutant: ``make mutation`` removes it before it starts)."""
    from composition.tasks import task_app

    task_app()  # services may queue tasks (passnum.tasks); tests run them with work_until_idle
    if os.environ.get("PASSNUM_TEST_KEEP_SCHEMA") == "1" and kept_template():
        return
    if isinstance(engine_finder(), SQLiteEngine):
        use_database_file(data_templates.migrated / "passnum.sqlite")
    else:
        await reset_database()
    await save_template()


@pytest.fixture
async def db(database: None) -> None:
    await restore_template()


_apps: dict[object, Litestar] = {}


def _shared_app() -> Litestar:
    """The app for the current settings, built once (building it costs more than most tests).

    A test that changes the settings (``get_settings.cache_clear()`` with other variables) gets
    an app of its own, as ``create_app()`` would have given it.
    """
    from composition.app import create_app
    from passnum.security import rate_limit_store
    from passnum.settings import get_settings

    settings = get_settings()
    app = _apps.get(settings)
    if app is None:
        _apps.clear()
        app = _apps[settings] = create_app()
    # Fresh counters, as a new app would have had.
    app.stores.register("rate_limit", rate_limit_store(settings), allow_override=True)
    return app


@pytest.fixture
async def client(db: None) -> AsyncIterator[AsyncTestClient]:
    app = _shared_app()
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as test_client:
        yield test_client


@pytest.fixture
async def world(db: None) -> World:
    """A small territory: one operator, two prescribers, two sites, one funder, one borrower."""
    return await World.build()


@pytest.fixture
def clock_at() -> Iterator[Callable[..., None]]:
    """Move passnum's clock: ``clock_at(datetime(…))`` (aware, or naive = Paris wall clock) stands
    it still there, ``frozen=False`` lets it run on; the real clock comes back after the test."""
    from passnum import clock

    yield clock.set_now
    clock.set_now(None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only guarantees are deselected (and counted as such) on the SQLite run."""
    if os.environ.get("PASSNUM_TEST_DATABASE_URL"):
        return
    kept = [i for i in items if i.get_closest_marker("postgres_only") is None]
    deselected = [i for i in items if i.get_closest_marker("postgres_only") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
