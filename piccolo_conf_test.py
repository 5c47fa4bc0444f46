"""Piccolo configuration for tests: PostgreSQL if PASSNUM_TEST_DATABASE_URL is set, else SQLite."""

import os
from pathlib import Path

from passnum.db import make_engine
from piccolo_conf import APP_REGISTRY  # noqa: F401 - the same apps as in production

_url = os.environ.get("PASSNUM_TEST_DATABASE_URL", "")
_sqlite = os.environ.get(
    "PASSNUM_TEST_SQLITE_PATH", str(Path(__file__).parent / "var" / "test.sqlite")
)
DB = make_engine(_url, Path(_sqlite))
