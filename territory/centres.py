"""Communes' centres from the geocoder (the national address API's municipality search).

The Manche's are shipped (``data/centres.csv``, loaded by the migration and ``passnum communes
update``); elsewhere ``passnum communes centres --department NN`` asks the geocoder configured in
``PASSNUM_GEOCODER_URL`` for each commune still without a centre (or every one with
``--replace``) and stores what it answers. Safe to run again: a commune placed stays placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from territory import geocoder
from territory.tables import Commune


@dataclass
class CentresResult:
    placed: int = 0
    not_found: list[str] = field(default_factory=list)  # "Name (code)" the geocoder did not know


async def geocode_centres(department: str, replace: bool = False) -> CentresResult:
    """Ask the geocoder for the centre of the département's communes (those without one, or all
    with ``replace``); each found is saved at once, so an interrupted run keeps its progress."""
    query = Commune.select(Commune.code, Commune.name).where(Commune.department == department)
    if not replace:
        query = query.where(Commune.latitude.is_null())
    result = CentresResult()
    for row in await query.order_by(Commune.code):
        match = await geocoder.geocode_municipality(row["name"], row["code"])
        if match is None:
            result.not_found.append(f"{row['name']} ({row['code']})")
            continue
        await Commune.update(
            {Commune.latitude: match.latitude, Commune.longitude: match.longitude}
        ).where(Commune.code == row["code"])
        result.placed += 1
    return result
