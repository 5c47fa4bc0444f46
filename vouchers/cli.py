"""Command-line pieces of the vouchers app, registered by the lead on the ``passnum`` group:
``passnum anonymise`` and ``passnum print booklets|booklet``."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from passnum.errors import DomainError

T = TypeVar("T")


def _run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    try:
        return loop.run_until_complete(coro)
    except DomainError as error:
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)


@click.command("anonymise")
@click.option(
    "--months",
    default=12,
    show_default=True,
    type=click.IntRange(min=0),
    help="Durée de conservation après la fin de validité du carnet, en mois.",
)
def anonymise(months: int) -> None:
    """Anonymise beneficiary records past the retention period (statistics are kept)."""
    from vouchers.services import anonymise_beneficiaries

    loop = asyncio.new_event_loop()
    try:
        count = _run(loop, anonymise_beneficiaries(months))
    finally:
        loop.close()
    click.echo(f"{count} fiche(s) bénéficiaire anonymisée(s).")


@click.command("notify")
def notify() -> None:
    """End-of-validity alerts of print runs (J-30, J-15, J-7), each raised and e-mailed once."""
    from passnum import mail
    from vouchers.validity import notify as raise_and_send

    loop = asyncio.new_event_loop()
    try:
        report = _run(loop, raise_and_send())
    finally:
        loop.close()
    for key in report.raised:
        click.echo(f"Alerte : {key}")
    if not mail.is_configured():
        click.echo(
            "PASSNUM_SMTP_HOST n'est pas configuré : alertes affichées, aucun e-mail envoyé."
        )
    click.echo(
        f"{len(report.raised)} alerte(s) nouvelle(s), {len(report.emailed)} e-mail(s) envoyé(s)."
    )
    for line in report.failed:
        click.echo(f"Échec : {line}", err=True)
    if report.failed:
        sys.exit(1)


@click.group("print")
def print_group() -> None:
    """Print pass numérique booklets as PDF (one A4 page per booklet)."""


def _batch_booklets(loop: asyncio.AbstractEventLoop, batch_id: int) -> Iterator[Any]:
    """The batch's BookletData in number order, fetched chunk by chunk as the printer asks."""
    from vouchers.services import batch_print_chunks

    chunks = batch_print_chunks(batch_id)
    while True:
        try:
            chunk = _run(loop, chunks.__anext__())
        except StopAsyncIteration:
            return
        yield from chunk


@print_group.command("booklets")
@click.option("--batch", "batch_id", type=int, required=True, help="Numéro (id) du tirage.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 16))
def print_booklets(batch_id: int, out: Path, workers: int) -> None:
    """Write every booklet of a batch to OUT, streamed page by page."""
    from printing import render_booklets
    from vouchers.services import batch_booklet_count

    loop = asyncio.new_event_loop()
    try:
        total = _run(loop, batch_booklet_count(batch_id))
        if total == 0:
            click.echo("Erreur : ce tirage n'existe pas ou n'a aucun carnet.", err=True)
            sys.exit(1)
        with (
            out.open("wb") as stream,
            click.progressbar(length=total, label="Impression des carnets") as bar,
        ):
            done = 0

            def progress(pages: int) -> None:
                nonlocal done
                bar.update(pages - done)
                done = pages

            pages = render_booklets(
                _batch_booklets(loop, batch_id), stream, on_progress=progress, workers=workers
            )
    finally:
        loop.close()
    click.echo(f"{pages} carnet(s) imprimé(s) dans {out}.")


@print_group.command("booklet")
@click.argument("number")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def print_booklet(number: str, out: Path) -> None:
    """Write one booklet (e.g. a reprint) to OUT."""
    from printing import render_booklet
    from vouchers.services import booklet_print_data

    loop = asyncio.new_event_loop()
    try:
        data = _run(loop, booklet_print_data(number))
    finally:
        loop.close()
    out.write_bytes(render_booklet(data))
    click.echo(f"Carnet n° {data.number} imprimé dans {out}.")


COMMANDS: list[click.Command] = [print_group, anonymise, notify]
