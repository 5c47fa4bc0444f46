"""What every `passnum` sub-command shares: running one service call from a command line."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from passnum.errors import DomainError

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one async service call, turning refusals into a clear message and exit code 1."""
    try:
        return asyncio.run(coro)
    except DomainError as error:
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)
