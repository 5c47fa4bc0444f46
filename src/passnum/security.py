"""Production safety checks run before serving."""

from __future__ import annotations

import sys

import click

from passnum.settings import DEFAULT_SECRET_KEY, get_settings


def refuse_unsafe_production() -> None:
    """In production mode, refuse to start with the default secret key."""
    settings = get_settings()
    if settings.production and settings.secret_key == DEFAULT_SECRET_KEY:
        click.echo(
            "Refus de démarrer : PASSNUM_SECRET_KEY doit être défini en production.", err=True
        )
        sys.exit(2)
