"""Where a site is: its position from its address (the geocoder) or from staff (the marker).

A site's latitude and longitude come from the national address API (:mod:`territory.geocoder`)
when one is configured, as a task of the queue after its address changes (``organisations.tasks``)
or when staff press « Placer d'après l'adresse »; staff confirm or correct it by moving the marker
(or typing the two numbers). A position staff placed is never overwritten by the geocoder unless
they ask for it. Every change is in the organisation's audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from organisations.errors import refuse
from organisations.tables import LocationSource, Organisation
from passnum import audit, vocabulary
from passnum.auth import Actor
from passnum.db import write_transaction
from territory import geocoder

# Metropolitan France and the overseas départements fit in these bounds; a position outside is a
# typing mistake (latitude and longitude swapped, a missing minus sign…).
LATITUDE_RANGE = (-22.0, 52.0)
LONGITUDE_RANGE = (-64.0, 56.0)

location_source_label = vocabulary.define(
    "location_source",
    {
        LocationSource.none.value: "pas encore placé",
        LocationSource.geocoder.value: "le service de géocodage, d'après l'adresse",
        LocationSource.staff.value: "le Département, sur la carte",
        LocationSource.demo.value: "les données de démonstration",
    },
)


@dataclass(frozen=True)
class Geocoded:
    outcome: str  # placed, not_found, kept (staff placed it), no_geocoder
    organisation: Organisation

    @property
    def message(self) -> str:
        return {
            "placed": "Le lieu est placé d'après son adresse : vérifiez le repère sur la carte.",
            "not_found": "Le service de géocodage ne connaît pas cette adresse : placez le lieu "
            "à la main en déplaçant le repère ou en tapant sa latitude et sa longitude.",
            "kept": "Ce lieu a été placé à la main : sa position est gardée.",
            "no_geocoder": "Aucun service de géocodage n'est configuré : placez le lieu à la main.",
        }[self.outcome]


async def _organisation(organisation_id: int) -> Organisation:
    found = await Organisation.objects().get(Organisation.id == organisation_id)
    if found is None:
        raise refuse("not_found.organisation")
    return found


async def geocode_site(
    organisation_id: int, actor: Actor | None = None, replace_staff: bool = False
) -> Geocoded:
    """Place the organisation from its address (or its commune's centre when it has no street
    address). Safe to run twice; keeps a position staff placed unless ``replace_staff``."""
    organisation = await _organisation(organisation_id)
    if not geocoder.configured():
        return Geocoded("no_geocoder", organisation)
    if organisation.location_source == LocationSource.staff and not replace_staff:
        return Geocoded("kept", organisation)
    if organisation.address.strip():
        match = await geocoder.geocode_address(
            organisation.address,
            organisation.postcode,
            organisation.commune,
            organisation.insee_code,
        )
    elif organisation.insee_code:
        match = await geocoder.geocode_municipality(organisation.commune, organisation.insee_code)
    else:
        match = None
    if match is None:
        return Geocoded("not_found", organisation)
    await _save(
        organisation, actor, match.latitude, match.longitude, LocationSource.geocoder, match.note
    )
    return Geocoded("placed", organisation)


def _coordinate(value: Any, name: str, bounds: tuple[float, float], label: str) -> float:
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not bounds[0] <= number <= bounds[1]:
        raise refuse(
            "invalid_position",
            _label=label,
            _value="49,0479" if name == "latitude" else "-1,4453",
            field=name,
        )
    return round(number, 6)


async def place_site(
    actor: Actor, organisation_id: int, latitude: Any, longitude: Any
) -> Organisation:
    """Staff put the marker here (moved on the map or typed): the position is theirs."""
    lat = _coordinate(latitude, "latitude", LATITUDE_RANGE, "latitude")
    lon = _coordinate(longitude, "longitude", LONGITUDE_RANGE, "longitude")
    organisation = await _organisation(organisation_id)
    await _save(organisation, actor, lat, lon, LocationSource.staff, "")
    return organisation


async def _save(
    organisation: Organisation,
    actor: Actor | None,
    latitude: float,
    longitude: float,
    source: LocationSource,
    label: str,
) -> None:
    new = {
        "latitude": latitude,
        "longitude": longitude,
        "location_source": source.value,
        "location_label": label[:300],
    }
    diff = {
        name: {"old": getattr(organisation, name), "new": value}
        for name, value in new.items()
        if getattr(organisation, name) != value
    }
    if not diff:
        return
    for name, value in new.items():
        setattr(organisation, name, value)
    async with write_transaction():
        await organisation.save([getattr(Organisation, name) for name in new])
        await audit.record(actor, "position", "organisation", organisation.id, diff)
