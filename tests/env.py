"""Change passnum's settings for one test: set PASSNUM_* variables, re-read, restore."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from passnum.settings import get_settings


@contextmanager
def passnum_env(**values: str) -> Iterator[None]:
    """``with passnum_env(DATA_DIR="/tmp/x"):`` — get_settings() sees the values in the block."""
    saved = {name: os.environ.get(f"PASSNUM_{name}") for name in values}
    os.environ.update({f"PASSNUM_{name}": value for name, value in values.items()})
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(f"PASSNUM_{name}", None)
            else:
                os.environ[f"PASSNUM_{name}"] = value
        get_settings.cache_clear()
