"""Test set-up: the test database is chosen before any app module is imported.

SQLite by default (var/test.sqlite); PostgreSQL when PASSNUM_TEST_DATABASE_URL is set. The schema
is built once per run from the Piccolo migrations, and every test that asks for ``db`` starts from
empty tables. Fixtures here are opt-in so that pure tests (printing) never touch a database.
"""

from __future__ import annotations

import os

os.environ["PICCOLO_CONF"] = "piccolo_conf_test"
os.environ.setdefault("PASSNUM_PUBLIC_URL", "https://passnum.test")
# The test client runs the app in another event loop: no connection pool (see passnum.db).
os.environ["PASSNUM_DB_POOL_SIZE"] = "0"
# Each test gets a fresh app, hence fresh rate-limit counters.
os.environ["PASSNUM_RATE_LIMIT_STORE"] = "memory"

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from piccolo.apps.user.tables import BaseUser

from tests.factories import World, reset_database, truncate_all

# The live-server fixtures (a real `passnum serve` process) for browser tests and API fuzzing,
# and a real local SMTP server (`smtp_server`) for e-mail.
pytest_plugins = ["tests.live_server", "tests.smtp_server"]

# Tests create many users: a cheap hash keeps them fast; production keeps Piccolo's 600,000.
BaseUser._pbkdf2_iteration_count = 1_000


def pytest_report_header() -> str:
    url = os.environ.get("PASSNUM_TEST_DATABASE_URL", "")
    return f"passnum test database: {'PostgreSQL' if url else 'SQLite (var/test.sqlite)'}"


@pytest.fixture(scope="session")
async def database() -> None:
    """Build the schema once from the migrations, on a database emptied first."""
    await reset_database()


@pytest.fixture
async def db(database: None) -> None:
    await truncate_all()


@pytest.fixture
async def client(db: None) -> AsyncIterator[AsyncTestClient]:
    from composition.app import create_app

    async with AsyncTestClient(
        app=create_app(), base_url="https://testserver.local"
    ) as test_client:
        yield test_client


@pytest.fixture
async def world(db: None) -> World:
    """A small territory: one operator, two prescribers, two sites, one funder, one borrower."""
    return await World.build()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only guarantees are deselected (and counted as such) on the SQLite run."""
    if os.environ.get("PASSNUM_TEST_DATABASE_URL"):
        return
    kept = [i for i in items if i.get_closest_marker("postgres_only") is None]
    deselected = [i for i in items if i.get_closest_marker("postgres_only") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
