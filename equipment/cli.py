"""Fleet commands, registered on ``passnum`` by the lead: ``remind`` (cron) and ``import-items``."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from passnum.errors import DomainError

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one service call; a refusal becomes its French message and exit code 1.

    (Not composition.cli.run: composition.cli imports this module to register the commands.)
    """
    try:
        return asyncio.run(coro)
    except DomainError as error:
        click.echo(f"Erreur : {error.message}", err=True)
        for rejected in error.extra.get("rejected", []):
            click.echo(f"  ligne {rejected['line']} : {rejected['reason']}", err=True)
        sys.exit(1)


@click.command("remind")
def remind() -> None:
    """E-mail borrowers on the reminder schedule, staff after two weeks (each once; cron-safe)."""
    from equipment.followup import send_reminders
    from passnum import mail

    if not mail.is_configured():
        click.echo("PASSNUM_SMTP_HOST n'est pas configuré : aucun rappel envoyé.")
        return
    report = run(send_reminders())
    for line in report.sent:
        click.echo(f"Envoyé : {line}")
    click.echo(f"{len(report.sent)} rappel(s) envoyé(s), {len(report.skipped)} déjà envoyé(s).")
    for line in report.failed:
        click.echo(f"Échec : {line}", err=True)
    if report.failed:
        sys.exit(1)


@click.command("import-items")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier sans rien importer.")
def import_items(file: Path, dry_run: bool) -> None:
    """Import an inventory CSV (all rows, or none if one is rejected)."""
    from equipment.csvio import import_items as do_import
    from equipment.csvio import preview_import

    data = file.read_bytes()
    report = run(preview_import(data) if dry_run else do_import(None, data))
    for rejection in report.rejected:
        click.echo(f"Ligne {rejection.line} refusée : {rejection.reason}", err=True)
    if report.rejected:
        click.echo("Rien n'a été importé.", err=True)
        sys.exit(1)
    verb = "à importer" if dry_run else "importé(s)"
    click.echo(f"{len(report.valid)} appareil(s) {verb}.")


COMMANDS: list[click.Command] = [remind, import_items]
