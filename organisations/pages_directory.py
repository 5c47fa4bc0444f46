"""The public directory page (/lieux) and the pages where a site's opening slots are edited."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from organisations import nearby, opening_slots, places
from organisations.hours import WEEKDAYS, short_labels
from passnum import maps
from passnum.auth import PUBLIC, Actor, Role, roles
from passnum.errors import DomainError

# "Près de chez moi" lists this many places, nearest first.
NEAR_LIMIT = 10


@get("/lieux", opt=PUBLIC, include_in_schema=False)
async def directory_page(
    commune: FromQuery[str] = "",
    service: FromQuery[str] = "",
    page: FromQuery[str] = "",
    pres_de: FromQuery[str] = "",
    lat: FromQuery[str] = "",
    lon: FromQuery[str] = "",
) -> Template:
    found = await places.directory_page(commune, service, page)
    near_error: DomainError | None = None
    origin = None
    try:
        origin = (
            await nearby.commune_origin(pres_de, typed=True)
            if pres_de.strip()
            else nearby.position_origin(lat, lon)
        )
    except DomainError as error:
        near_error = error
    near: list[nearby.NearbyPlace] = []
    if origin is not None:
        near = await nearby.nearest(origin, NEAR_LIMIT, None, found.choices.conditions("", service))
        points = nearby.nearby_points(near)
    else:
        listed = {p.id for p in found.places}
        points = await nearby.map_points(found.choices.conditions(commune, service), listed)
    context = {
        "places": found.places,
        "pager": found.pager,
        "pager_label": "Pages de l'annuaire des lieux",
        "commune": commune,
        "service": service,
        "communes": found.choices.communes,
        "services": found.choices.services,
        "pres_de": pres_de,
        "prefer": ",".join((await nearby.operator_territory())[1]),
        "origin": origin,
        "near": near,
        "near_error": near_error,
        "points": points,
        **maps.context(),
    }
    return Template(
        "organisations/directory.html",
        context=context,
        headers=maps.page_headers(geolocation=True),
        status_code=422 if near_error else 200,
    )


class OpeningSlotPages(Controller):
    path = "/lieux/{organisation_id:int}/horaires"
    opt = roles(Role.staff, Role.site_agent)
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, organisation_id: FromPath[int]) -> Template:
        return await _slots_page(request.user, organisation_id)

    @post("/")
    async def add(self, request: Request, organisation_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in ("weekday", "opens", "closes", "note")}
        try:
            await opening_slots.add_opening_slot_from_form(request.user, organisation_id, values)
        except DomainError as error:
            if error.status_code == 404:
                raise
            return await _slots_page(request.user, organisation_id, error.message, values)
        return Redirect(f"/lieux/{organisation_id}/horaires")

    @post("/{slot_id:int}/supprimer")
    async def delete(
        self, request: Request, organisation_id: FromPath[int], slot_id: FromPath[int]
    ) -> Redirect:
        await opening_slots.delete_opening_slot(request.user, organisation_id, slot_id)
        return Redirect(f"/lieux/{organisation_id}/horaires")


async def _slots_page(
    actor: Actor, organisation_id: int, error: str = "", form: dict | None = None
) -> Template:
    site, slots = await opening_slots.site_slots(actor, organisation_id)
    context = {
        "site": site,
        "slots": slots,
        "weekdays": WEEKDAYS,
        "error": error,
        "form": form or {},
        "short": short_labels(slots),
    }
    return Template(
        "organisations/directory_slots.html", context=context, status_code=422 if error else 200
    )
