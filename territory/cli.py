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


@communes.command("centres")
@click.option("--department", "department", required=True, help="Numéro du département (50, 2A…)")
@click.option("--replace", is_flag=True, help="Redemander aussi les communes déjà placées.")
def communes_centres(department: str, replace: bool) -> None:
    """Ask the geocoder (PASSNUM_GEOCODER_URL) for the centre of the département's communes."""
    from territory.centres import geocode_centres

    result = run(geocode_centres(department.strip().upper(), replace))
    click.echo(f"{result.placed} centres de communes enregistrés.")
    if result.not_found:
        click.echo(
            f"Inconnues du service de géocodage ({len(result.not_found)}) : "
            + ", ".join(result.not_found[:20])
            + (" …" if len(result.not_found) > 20 else "")
        )


COMMANDS: list[click.Command] = [communes]
