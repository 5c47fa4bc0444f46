"""``passnum communes update``: load the vendored official communes again (after a refresh)."""

from __future__ import annotations

import click

from passnum.commands import run


@click.group()
def communes() -> None:
    """The official communes and intercommunalities (Etalab data set, shipped with passnum)."""


@communes.command("update")
def communes_update() -> None:
    """Replace the communes, old codes and EPCI in the database by the files in territory/data."""
    from territory import official
    from territory.tables import Commune, CommuneAlias, Epci

    counts = run(official.replace_all({"commune": Commune, "alias": CommuneAlias, "epci": Epci}))
    centres = run(official.load_centres(Commune))
    click.echo(
        f"{official.version()} : {counts['commune']} communes, {counts['alias']} anciens codes, "
        f"{counts['epci']} intercommunalités, "
        f"{centres} centres de communes chargés."
    )


COMMANDS: list[click.Command] = [communes]
