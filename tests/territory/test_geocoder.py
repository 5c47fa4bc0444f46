"""The geocoder client against a real addok server (the national address API's engine)."""

from __future__ import annotations

import pytest

from passnum.errors import DomainError
from territory import geocoder
from tests.addok_server import _free_port, loaded
from tests.env import passnum_env

# One addok (and its Redis databases) for all the tests that use it: one xdist worker.
pytestmark = pytest.mark.xdist_group("addok")


async def test_a_house_number_is_found_where_the_address_base_puts_it(addok_server: str) -> None:
    found = await geocoder.geocode_address("10 rue Tourville", "50200", "Coutances", "50147")

    assert found is not None
    assert (found.latitude, found.longitude) == loaded("50147", "Rue Tourville", "10")
    assert found.kind == "housenumber"
    assert found.label == "10 Rue Tourville 50200 Coutances"
    assert found.score > 0.5


async def test_the_same_street_name_in_another_commune_is_never_taken(addok_server: str) -> None:
    """Both Coutances and Terre-et-Marais have a 'Place de la Mairie': the commune's code
    decides."""
    here = await geocoder.geocode_address("Place de la Mairie", "50500", "Terre-et-Marais", "50564")
    there = await geocoder.geocode_address("Place de la Mairie", "50200", "Coutances", "50147")

    assert here is not None and there is not None
    assert (here.latitude, here.longitude) == loaded("50564", "Place de la Mairie")
    assert (there.latitude, there.longitude) == loaded("50147", "Place de la Mairie")
    assert here.citycode == "50564"


async def test_a_commune_centre_comes_from_the_municipality_search(addok_server: str) -> None:
    found = await geocoder.geocode_municipality("Saint-Lô", "50502")

    assert found is not None
    assert (found.latitude, found.longitude) == loaded("50502", "Saint-Lô")
    assert found.kind == "municipality"


async def test_an_address_the_base_does_not_know_gives_nothing(addok_server: str) -> None:
    assert (
        await geocoder.geocode_address(
            "Impasse des Hortensias", "50500", "Terre-et-Marais", "50564"
        )
        is None
    )
    # A commune the base does not hold at all
    assert await geocoder.geocode_municipality("Granville", "50218") is None


async def test_a_geocoder_that_does_not_answer_is_said_so_in_french() -> None:
    with passnum_env(GEOCODER_URL=f"http://127.0.0.1:{_free_port()}"):
        with pytest.raises(DomainError) as refused:
            await geocoder.geocode_municipality("Saint-Lô", "50502")
    assert refused.value.code == "geocoder_unavailable"
    assert "ne répond pas" in refused.value.message


async def test_without_a_geocoder_the_client_says_none_is_configured() -> None:
    with passnum_env(GEOCODER_URL="off"):
        assert not geocoder.configured()
        with pytest.raises(DomainError) as refused:
            await geocoder.geocode_municipality("Saint-Lô", "50502")
    assert refused.value.code == "geocoder_not_configured"
