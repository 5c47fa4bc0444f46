"""The `passnum` command: serve, migrate, demo, users and tokens."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from passnum import db
from passnum.commands import run
from passnum.errors import DomainError
from passnum.settings import SERVED_URL_VARIABLE, get_settings, served_url
from passnum.vocabulary import label


@click.group()
def main() -> None:
    """passnum: pass numériques et parc de matériel mutualisé."""
    from composition.tasks import task_app

    task_app()  # commands that change data may queue tasks (geocoding, e-mails…)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--access-log", is_flag=True, help="Log every request (costs CPU under load).")
@click.option(
    "--graceful-timeout",
    default=30,
    show_default=True,
    type=int,
    help="On SIGTERM, seconds left to the requests in flight to finish before they are cut.",
)
def serve(host: str, port: int, workers: int, access_log: bool, graceful_timeout: int) -> None:
    """Serve the web application and the API.

    On SIGTERM (``docker stop``, systemd) it stops accepting connections and lets the requests
    in flight finish, for at most ``--graceful-timeout`` seconds. With ``PASSNUM_LOG_FORMAT=json``
    every line it writes is JSON, one per request (``passnum.logs``) instead of the access log.
    """
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from passnum.logs import uvicorn_log_config
    from passnum.security import refuse_unsafe_production

    refuse_unsafe_production()
    if not get_settings().public_url_set:
        # Development: links and QR codes point at the address served (workers inherit it).
        os.environ[SERVED_URL_VARIABLE] = served_url(host, port)
        get_settings.cache_clear()
        click.echo(f"Adresse publique : {served_url(host, port)} (PASSNUM_PUBLIC_URL non défini)")
    settings = get_settings()
    json_logs = settings.log_format == "json"
    if not db.is_postgres():
        from passnum.backup import hold_for_serving

        # Held until this process exits; `passnum restore` refuses to run meanwhile.
        hold_for_serving(settings.sqlite_path)
    uvicorn.run(
        "composition.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        access_log=access_log and not json_logs,
        timeout_graceful_shutdown=graceful_timeout,
        log_config=uvicorn_log_config() if json_logs else LOGGING_CONFIG,
    )


@main.command()
@click.option("--concurrency", default=1, show_default=True, type=int, help="Jobs run at once.")
def worker(concurrency: int) -> None:
    """Run the background tasks (print runs, e-mails, statements, reminders…) until stopped.

    Start one or more on any machine that reaches the database (PostgreSQL): each job runs once,
    a job whose worker died is taken over by another, and the periodic tasks (the former cron
    lines) are queued once per tick whatever the number of workers. On SIGTERM or Ctrl-C the
    running jobs get 25 seconds to finish, then go back to the queue. With SQLite, ``passnum
    serve`` already runs them; this command runs them without a server.
    """
    from composition.tasks import task_app
    from passnum import tasks
    from passnum.logs import worker_logging

    worker_logging(get_settings().log_format)

    async def work() -> None:
        task_app()
        await db.open_database(db.engine(), min(get_settings().db_pool_size, 4))
        click.echo(f"passnum worker : {len(tasks.app().tasks)} tâches connues, en attente.")
        try:
            await tasks.run_worker(wait=True, signals=True, concurrency=concurrency)
        finally:
            await tasks.close()
            await db.close_database(db.engine())

    asyncio.run(work())


@main.command()
def migrate() -> None:
    """Create or update the database schema (Piccolo migrations, both engines)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    try:
        result = asyncio.run(run_forwards("all"))
    except RuntimeError as refused:  # a migration's own refusal (each runs in a transaction)
        click.echo(f"Erreur de migration : {refused}", err=True)
        sys.exit(1)
    if not result.success:
        click.echo(f"Erreur de migration : {result.message}", err=True)
        sys.exit(1)
    click.echo("Base de données à jour.")


@main.command()
def demo() -> None:
    """Load the demo territory (safe to run again) and print the demo logins."""
    from composition.demo import load_demo

    accounts = run(load_demo())
    click.echo("Données de démonstration chargées. Comptes :")
    for role, email, password in accounts:
        click.echo(f"  {label('role', role):<26} {email:<36} mot de passe : {password}")


@main.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
def backup(out: Path) -> None:
    """Copy the SQLite database to OUT while the service runs (PostgreSQL: use pg_dump)."""
    from passnum.backup import backup_sqlite

    settings = get_settings()
    if db.is_postgres():
        click.echo(POSTGRES_BACKUP_HINT, err=True)
        sys.exit(1)
    run_sync(lambda: backup_sqlite(settings.sqlite_path, out))
    click.echo(f"Sauvegarde écrite : {out}")


@main.command()
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
def restore(backup_file: Path) -> None:
    """Replace the SQLite database with BACKUP_FILE (stop the service first)."""
    from passnum.backup import restore_sqlite

    settings = get_settings()
    if db.is_postgres():
        click.echo(POSTGRES_BACKUP_HINT, err=True)
        sys.exit(1)
    run_sync(lambda: restore_sqlite(backup_file, settings.sqlite_path))
    click.echo(f"Base restaurée depuis {backup_file}.")


POSTGRES_BACKUP_HINT = (
    "Avec PostgreSQL, sauvegardez avec pg_dump -Fc et restaurez avec pg_restore "
    "(voir le README, section Sauvegardes)."
)


def run_sync(action: Callable[[], None]) -> None:
    try:
        action()
    except DomainError as error:
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)


@main.group()
def token() -> None:
    """API tokens for machine clients."""


@token.command("create")
@click.argument("email")
@click.option("--label", default="", help="What the token is for.")
def token_create(email: str, label: str) -> None:
    """Print a new API token for EMAIL (shown once; only its hash is stored)."""
    from passnum.auth.tokens import create_token

    click.echo(run(create_token(email, label)))


@token.command("revoke")
@click.argument("token_or_email")
def token_revoke(token_or_email: str) -> None:
    """Revoke one token, or every token of a user when given an e-mail."""
    from passnum.auth.tokens import revoke_all_tokens, revoke_token

    if "@" in token_or_email:
        count = run(revoke_all_tokens(token_or_email))
        click.echo(f"{count} jeton(s) révoqué(s).")
    elif run(revoke_token(token_or_email)):
        click.echo("Jeton révoqué.")
    else:
        click.echo("Erreur : jeton inconnu ou déjà révoqué.", err=True)
        sys.exit(1)


def _register_app_commands() -> None:
    """Each domain app brings its own commands (print, anonymise, remind, statements…)."""
    import equipment.cli
    import organisations.cli
    import reimbursements.cli
    import territory.cli
    import vouchers.cli

    for app_cli in (
        territory.cli,
        organisations.cli,
        vouchers.cli,
        equipment.cli,
        reimbursements.cli,
    ):
        for command in app_cli.COMMANDS:
            main.add_command(command)


_register_app_commands()
