"""`passnum statements --month YYYY-MM`: build the month's draft statements (safe to run twice)."""

from __future__ import annotations

import asyncio
import sys

import click

from passnum import clock
from passnum.errors import DomainError
from passnum.fr import de, format_month
from reimbursements.periods import parse_month, previous_month


@click.command("statements")
@click.option("--month", default="", help="AAAA-MM ; par défaut le mois précédent.")
def statements(month: str) -> None:
    """Build (or complete) the draft statements of a month for every site."""
    from reimbursements.statements import build_statements

    try:
        start = parse_month(month) if month else previous_month(clock.today())
        result = asyncio.run(build_statements(start))
    except DomainError as error:
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)
    click.echo(
        f"Relevés {de(format_month(result.month))} : {result.statements} brouillon(s), "
        f"{result.cheques_added} chèque(s) ajouté(s)."
    )


COMMANDS: list[click.Command] = [statements]
