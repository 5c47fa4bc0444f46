"""Account commands (``passnum user create|deactivate``), registered by composition.cli."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from passnum.commands import run


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.argument("email")
@click.option("--organisation-id", type=int, required=True)
@click.option(
    "--role",
    type=click.Choice(["staff", "funder", "prescriber", "site_agent", "borrower"]),
    required=True,
)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
def user_create(
    email: str, organisation_id: int, role: str, first_name: str, last_name: str
) -> None:
    """Invite a person: their account is opened and a link (72 hours, single use) to choose
    their password is e-mailed at once (not queued: you learn here whether the relay took it),
    or printed here when no SMTP server is configured or the relay refused it."""
    from organisations.invitations import invite_user

    invitation = run(
        invite_user(email, organisation_id, role, first_name, last_name, send_now=True)
    )
    click.echo(f"Compte créé : {invitation.email} ({role}).")
    click.echo(invitation.message)


@user.command("add-membership")
@click.argument("email")
@click.option("--organisation-id", type=int, required=True)
@click.option(
    "--role",
    type=click.Choice(["staff", "funder", "prescriber", "site_agent", "borrower"]),
    required=True,
)
def user_add_membership(email: str, organisation_id: int, role: str) -> None:
    """Give an existing person one more membership (organisation and role)."""
    from organisations.memberships import add_membership_by_email

    run(add_membership_by_email(email, organisation_id, role))
    click.echo(f"Rattachement ajouté : {email} ({role}, organisation {organisation_id}).")


@user.command("deactivate")
@click.argument("email")
def user_deactivate(email: str) -> None:
    """Deactivate a user: their sessions end and their tokens stop working."""
    from organisations.services import deactivate_by_email

    run(deactivate_by_email(email))
    click.echo(f"Compte désactivé : {email}.")


@user.command("reset-two-factor")
@click.argument("email")
def user_reset_two_factor(email: str) -> None:
    """Remove a person's second factor (phone and recovery codes lost): their sessions end;
    staff set it up again at their next login in production."""
    from passnum.auth.two_factor import reset_by_email

    had = run(reset_by_email(email))
    click.echo(
        f"Double authentification réinitialisée : {email}."
        if had
        else f"{email} n'avait pas de double authentification activée ; ses sessions sont fermées."
    )


@click.command("import-organisations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier sans rien importer.")
def import_organisations(file: Path, dry_run: bool) -> None:
    """Import organisations and sites from a CSV (all rows, or none if one is rejected)."""
    from organisations import imports

    data = file.read_bytes()
    report = run(imports.preview_import(data))
    for rejection in report.rejected:
        click.echo(f"Ligne {rejection.line} refusée : {rejection.reason}", err=True)
    if report.rejected:
        click.echo("Rien n'a été importé.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"{len(report.valid)} organisation(s) à importer.")
        return
    report = run(imports.import_organisations(None, data))
    click.echo(f"{report.imported} organisation(s) importée(s).")


COMMANDS: list[click.Command] = [user, import_organisations]
