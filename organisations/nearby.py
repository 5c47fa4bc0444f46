"""The places nearest to a person: by distance from their commune's centre or their position.

Distances are great-circle (:func:`passnum.maps.distance_km`) from a commune's centre (shipped for
the Manche, else from the geocoder) or from the position the visitor's browser gave, to each
qualified site that has a position; a site not yet placed on the map is left out of these lists
(the whole directory still lists it). Each place comes with its next opening in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from organisations.errors import refuse
from organisations.hours import next_opening
from organisations.places import Place, places_query, qualified_site, to_places
from organisations.tables import Organisation
from passnum import maps
from passnum.clock import now
from passnum.errors import DomainError
from passnum.fr import format_number
from territory.services import (
    CommuneInfo,
    centres,
    choose_commune,
    find_communes,
    require_commune,
    search,
)

# A vague name (« Saint ») offers at most this many communes to choose from.
CHOICES = 10


@dataclass
class NearbyPlace:
    place: Place
    km: float
    next_opening: str

    @property
    def distance(self) -> str:
        return maps.format_km(self.km)


@dataclass
class Origin:
    """Where distances are counted from, and how the page names it."""

    latitude: float
    longitude: float
    label: str  # "Coutances" or "votre position"
    commune: CommuneInfo | None = None


async def nearest(
    origin: Origin,
    limit: int | None = 3,
    only_ids: list[int] | None = None,
    conditions: list[Any] | None = None,
) -> list[NearbyPlace]:
    """Qualified sites with a position, nearest first (``only_ids``: among these sites only, as
    for a cheque restricted to some sites)."""
    where = [qualified_site(), Organisation.latitude.is_not_null(), *(conditions or [])]
    if only_ids is not None:
        if not only_ids:
            return []
        where.append(Organisation.id.is_in(only_ids))
    query = places_query()
    for condition in where:
        query = query.where(condition)
    places = await to_places(await query)
    moment = now()
    found = [
        NearbyPlace(
            p,
            maps.distance_km(origin.latitude, origin.longitude, p.latitude, p.longitude),
            next_opening(p.slots, moment),
        )
        for p in places
        if p.latitude is not None and p.longitude is not None
    ]
    found.sort(key=lambda n: (n.km, n.place.name))
    return found if limit is None else found[:limit]


async def postcode_commune(text: str) -> CommuneInfo | None:
    """Five digits typed in the « nom ou code postal » box are a postcode, even when they are
    also another commune's INSEE code (Coutances' 50200 is Ger's code, 60 km away): the most
    populous commune with that postcode. None when no commune has it."""
    text = text.strip()
    if len(text) != 5 or not text.isdigit():
        return None
    with_postcode = [c for c in await search(text, limit=10) if text in c.postcodes]
    return with_postcode[0] if with_postcode else None


async def commune_origin(
    text: str, field: str = "pres_de", *, typed: bool = False
) -> Origin | None:
    """The commune a person chose (code, "Coutances (50147)", name or postcode), as an origin;
    None when empty; refused in French when unknown or without a known centre. ``typed``: what a
    person typed in a « nom ou code postal » box, where five digits are a postcode first."""
    commune = await postcode_commune(text) if typed else None
    try:
        commune = commune or await require_commune(text, field)
    except DomainError as refused:
        if refused.code != "ambiguous_commune":
            raise
        raise await which_commune(text, field) or refused from None
    if commune is None:
        return None
    centre = (await centres([commune.code])).get(commune.code)
    if centre is None:
        raise refuse("commune_without_centre", _name=commune.name, field=field)
    return Origin(centre[0], centre[1], commune.name, commune)


async def operator_territory() -> tuple[list[str], list[str]]:
    """The operator's territory, from where its qualified sites are: their communes (INSEE codes)
    and their départements."""
    rows = await Organisation.select(Organisation.insee_code).where(qualified_site())
    codes = sorted({r["insee_code"] for r in rows if r["insee_code"]})
    departments = sorted({c.department for c in (await find_communes(codes)).values()})
    return codes, departments


async def which_commune(text: str, field: str) -> DomainError | None:
    """A text naming several communes (« Saint », « Saint-Loup »): the refusal that asks which,
    with a short choice (``choices``: at most :data:`CHOICES`, the operator's territory first,
    each with its postcode and département) and, when there are more, how many and to be more
    precise. None when nothing matches after all."""
    codes, departments = await operator_territory()
    choice = await choose_commune(text, codes, departments, CHOICES)
    if not choice.communes:
        return None
    body: dict[str, Any] = {
        "_text": text.strip(),
        "_count": format_number(choice.total, 0),
        "field": field,
        "total": choice.total,
        "choices": [
            {
                "code": c.code,
                "nom": c.name,
                "libelle": c.label,
                "codes_postaux": list(c.postcodes),
                "departement": c.department,
                "precision": c.whereabouts,
            }
            for c in choice.communes
        ],
    }
    if choice.named > 1:
        return refuse("ambiguous_commune.homonyms", **body)
    if choice.total <= len(choice.communes):
        return refuse("ambiguous_commune", **body)
    if choice.starting:
        return refuse("ambiguous_commune.many_starting", **body)
    return refuse("ambiguous_commune.many_containing", **body)


def position_origin(latitude: str, longitude: str) -> Origin | None:
    """The visitor's position, as their browser gave it (« Autour de moi »); None if absent or
    not numbers."""
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Origin(lat, lon, "votre position")


async def map_points(conditions: list[Any], listed: set[int]) -> list[dict[str, Any]]:
    """Every qualified site matching the directory's filters that has a position, for the map
    (one light query: the map shows them all, the list pages through them); ``listed``: the ids
    the page lists, whose markers link to their entry."""
    query = Organisation.select(
        Organisation.id,
        Organisation.name,
        Organisation.address,
        Organisation.postcode,
        Organisation.commune,
        Organisation.latitude,
        Organisation.longitude,
    )
    for condition in [qualified_site(), Organisation.latitude.is_not_null(), *conditions]:
        query = query.where(condition)
    return [point(r, r["id"] in listed) for r in await query.order_by(Organisation.id)]


def point(row: dict[str, Any], listed: bool, *lines: str) -> dict[str, Any]:
    address = ", ".join(filter(None, [row["address"], f"{row['postcode']} {row['commune']}"]))
    return {
        "id": row["id"],
        "name": row["name"],
        "lat": row["latitude"],
        "lon": row["longitude"],
        "href": f"#lieu-{row['id']}" if listed else "",
        "lines": [address.strip(), *lines],
    }


def nearby_points(found: list[NearbyPlace]) -> list[dict[str, Any]]:
    return [
        point(
            {
                "id": n.place.id,
                "name": n.place.name,
                "address": n.place.address,
                "postcode": n.place.postcode,
                "commune": n.place.commune,
                "latitude": n.place.latitude,
                "longitude": n.place.longitude,
            },
            True,
            f"À {n.distance}",
            *([f"Prochaine permanence : {n.next_opening}"] if n.next_opening else []),
        )
        for n in found
    ]
