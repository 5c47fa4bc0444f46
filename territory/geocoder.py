"""A client of the national address API's protocol (Base Adresse Nationale, or any addok server).

``GET {PASSNUM_GEOCODER_URL}/search/?q=…&limit=1&citycode=…[&type=municipality]`` answers a GeoJSON
feature collection, best match first: ``geometry.coordinates`` is ``[longitude, latitude]``,
``properties`` hold ``label``, ``score`` (0–1), ``type`` (housenumber, street, locality,
municipality) and ``citycode`` (the INSEE code). The commune's code is always sent as a filter, so
a street of the same name in another commune is never taken.

Plain async functions, no database: the callers (a site's position, a commune's centre) decide
what to store. A server that cannot be reached or answers an error raises ``geocoder_unavailable``;
an address it does not know gives None.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from passnum.errors import DomainError
from passnum.settings import get_settings
from territory.errors import refuse

TIMEOUT_S = 5.0
# Below this score the match is too loose to place a site on a map without a person looking.
MIN_SCORE = 0.4


@dataclass(frozen=True)
class Match:
    latitude: float
    longitude: float
    label: str  # what the geocoder found, e.g. "10 Rue Tourville 50200 Coutances"
    score: float
    kind: str  # housenumber, street, locality, municipality
    citycode: str

    @property
    def note(self) -> str:
        """What staff read next to the marker: the address found and how sure it is."""
        return f"{self.label} (score {self.score:.2f})"


def unavailable(detail: str) -> DomainError:
    return refuse("geocoder_unavailable", _detail=detail)


def configured() -> bool:
    return bool(get_settings().geocoder_url)


async def search(
    query: str, citycode: str = "", kind: str = "", base_url: str | None = None
) -> Match | None:
    """The best match for ``query`` within the commune ``citycode`` (when given), or None."""
    url = base_url if base_url is not None else get_settings().geocoder_url
    if not url:
        raise refuse("geocoder_not_configured")
    query = " ".join(query.split())[:200]
    if len(query) < 3:
        return None
    params = {"q": query, "limit": "1"}
    if citycode:
        params["citycode"] = citycode
    if kind:
        params["type"] = kind
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
            response = await client.get(f"{url.rstrip('/')}/search/", params=params)
    except httpx.HTTPError as error:
        raise unavailable(type(error).__name__) from error
    if response.status_code != 200:
        raise unavailable(f"HTTP {response.status_code}")
    try:
        features = response.json()["features"]
    except (ValueError, KeyError, TypeError) as error:
        raise unavailable("réponse illisible") from error
    for feature in features:
        properties = feature.get("properties", {})
        longitude, latitude = feature["geometry"]["coordinates"][:2]
        match = Match(
            latitude=float(latitude),
            longitude=float(longitude),
            label=str(properties.get("label", "")),
            score=float(properties.get("score", 0)),
            kind=str(properties.get("type", "")),
            citycode=str(properties.get("citycode", "")),
        )
        if match.score >= MIN_SCORE and (not citycode or match.citycode in ("", citycode)):
            return match
    return None


async def geocode_address(
    address: str, postcode: str, commune: str, citycode: str, base_url: str | None = None
) -> Match | None:
    """A street address in a commune (the commune's code filters the answers)."""
    return await search(f"{address} {postcode} {commune}", citycode, base_url=base_url)


async def geocode_municipality(
    name: str, citycode: str, base_url: str | None = None
) -> Match | None:
    """A commune's centre: the municipality search of the same API."""
    return await search(name, citycode, kind="municipality", base_url=base_url)
