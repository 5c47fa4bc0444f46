"""Every commune of the Manche has a centre once migrated (shipped in territory/data)."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from territory.tables import Commune


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance, written here apart from the code under test."""
    (la1, lo1), (la2, lo2) = (tuple(map(radians, p)) for p in (a, b))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * asin(sqrt(h))


async def test_every_commune_of_the_manche_has_a_centre_inside_the_departement(db: None) -> None:
    rows = await Commune.select(Commune.code, Commune.latitude, Commune.longitude).where(
        Commune.department == "50"
    )
    assert len(rows) > 400
    assert all(r["latitude"] is not None for r in rows)
    # The Manche lies between about 48.45 and 49.75 N, 0.75 and 1.95 W.
    assert all(48.4 < r["latitude"] < 49.8 and -2 < r["longitude"] < -0.7 for r in rows)


async def test_a_town_centre_is_where_the_town_is(db: None) -> None:
    """Coutances' cathedral stands at 49.0479 N, 1.4453 W; Cherbourg's town hall at 49.6377 N,
    1.6195 W."""
    centres = {
        r["code"]: (r["latitude"], r["longitude"])
        for r in await Commune.select(Commune.code, Commune.latitude, Commune.longitude).where(
            Commune.code.is_in(["50147", "50129"])
        )
    }
    assert km(centres["50147"], (49.0479, -1.4453)) < 3
    assert km(centres["50129"], (49.6377, -1.6195)) < 8
