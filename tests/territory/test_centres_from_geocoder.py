"""Communes without a shipped centre get one from the geocoder's municipality search (a real
local addok)."""

from __future__ import annotations

import pytest

from territory import official
from territory.centres import geocode_centres
from territory.tables import Commune
from tests.addok_server import loaded

pytestmark = pytest.mark.xdist_group("addok")


async def test_communes_without_a_centre_get_the_geocoders_and_the_unknown_are_named(
    db, addok_server
) -> None:
    unplaced = Commune.code.is_in(["50502", "50218"])  # Saint-Lô, Granville
    await Commune.update({Commune.latitude: None, Commune.longitude: None}).where(unplaced)
    try:
        result = await geocode_centres("50")

        assert result.placed == 1
        assert result.not_found == ["Granville (50218)"]  # not in the local address base
        row = await Commune.select(Commune.latitude, Commune.longitude).where(
            Commune.code == "50502"
        )
        assert (row[0]["latitude"], row[0]["longitude"]) == loaded("50502", "Saint-Lô")
        # Placed communes are not asked again.
        assert (await geocode_centres("50")).placed == 0
    finally:
        await official.load_centres(Commune)  # reference data: as shipped for the next tests
