"""Account commands (``passnum user create|deactivate``), registered by composition.cli."""

from __future__ import annotations

import os

import click

from passnum.commands import run


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.argument("email")
@click.option("--organisation-id", type=int, required=True)
@click.option(
    "--role", type=click.Choice(["staff", "funder", "prescriber", "site_agent"]), required=True
)
@click.option("--password", default=None, help="Asked interactively when omitted.")
def user_create(email: str, organisation_id: int, role: str, password: str | None) -> None:
    """Create a user belonging to an organisation with a role."""
    from organisations.services import create_user

    password = (
        password
        or os.environ.get("PASSNUM_NEW_PASSWORD")
        or click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    )
    created = run(create_user(email, password, organisation_id, role))
    click.echo(f"Compte créé : {created.email} ({role}).")


@user.command("deactivate")
@click.argument("email")
def user_deactivate(email: str) -> None:
    """Deactivate a user: their sessions end and their tokens stop working."""
    from organisations.services import deactivate_by_email

    run(deactivate_by_email(email))
    click.echo(f"Compte désactivé : {email}.")


COMMANDS: list[click.Command] = [user]
