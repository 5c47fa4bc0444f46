"""A site's position in the API: staff place it, or have the geocoder place it."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, post, put
from litestar.params import FromPath, JSONBody

from organisations import positions
from passnum.auth import Role, roles


class PositionIn(msgspec.Struct):
    latitude: float
    longitude: float


class Position(msgspec.Struct):
    organisation_id: int
    latitude: float | None
    longitude: float | None
    source: str  # "", geocoder, staff, demo
    label: str  # what the geocoder matched, with its score
    outcome: str = ""  # after a geocoding: placed, not_found, kept, no_geocoder


class PositionApi(Controller):
    path = "/api/v1/organisations/{organisation_id:int}/position"
    opt = roles(Role.staff)
    tags = ["organisations"]

    @put("/", summary="Placer le lieu (latitude, longitude en degrés décimaux)")
    async def place(
        self, request: Request, organisation_id: FromPath[int], data: JSONBody[PositionIn]
    ) -> Position:
        org = await positions.place_site(
            request.user, organisation_id, data.latitude, data.longitude
        )
        return Position(org.id, org.latitude, org.longitude, org.location_source, "")

    @post("/geocodage", status_code=200, summary="Placer le lieu d'après son adresse")
    async def geocode(self, request: Request, organisation_id: FromPath[int]) -> Position:
        done = await positions.geocode_site(organisation_id, request.user, replace_staff=True)
        org = done.organisation
        return Position(
            org.id,
            org.latitude,
            org.longitude,
            org.location_source,
            org.location_label,
            done.outcome,
        )
