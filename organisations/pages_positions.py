"""Staff check and correct a site's position (/staff/organisations/{id}/position)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from organisations import positions
from organisations.errors import refuse
from organisations.tables import Organisation
from passnum import maps
from passnum.auth import Role, roles
from passnum.errors import DomainError
from territory import geocoder
from territory.services import centres

# Where the map opens for a site without a position nor a commune centre: the Manche.
DEFAULT_CENTRE = (49.1, -1.3)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


class PositionPages(Controller):
    path = "/staff/organisations/{organisation_id:int}/position"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def show(self, organisation_id: FromPath[int]) -> Template:
        return await _page(organisation_id)

    @post("/")
    async def place(self, request: Request, organisation_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in ("latitude", "longitude")}
        try:
            await positions.place_site(
                request.user, organisation_id, values["latitude"], values["longitude"]
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            return await _page(organisation_id, error=error, form=values)
        return await _page(organisation_id, notice="Position enregistrée.")

    @post("/adresse")
    async def from_address(self, request: Request, organisation_id: FromPath[int]) -> Template:
        try:
            done = await positions.geocode_site(organisation_id, request.user, replace_staff=True)
        except DomainError as error:
            if error.status_code == 404:
                raise
            return await _page(organisation_id, error=error)
        return await _page(organisation_id, notice=done.message)


async def _page(
    organisation_id: int,
    notice: str = "",
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    org = await Organisation.objects().get(Organisation.id == organisation_id)
    if org is None:
        raise refuse("not_found.organisation")
    commune_centre = (await centres([org.insee_code])).get(org.insee_code, DEFAULT_CENTRE)
    context = {
        "org": org,
        "notice": notice,
        "error": error,
        "form": form or {"latitude": _number(org.latitude), "longitude": _number(org.longitude)},
        "latitude_text": _number(org.latitude).replace(".", ","),
        "longitude_text": _number(org.longitude).replace(".", ","),
        "source_label": positions.location_source_label(org.location_source),
        "centre": commune_centre,
        "geocoder": geocoder.configured(),
        **maps.context(),
    }
    return Template(
        "organisations/position.html",
        context=context,
        headers=maps.page_headers(),
        status_code=422 if error and error.status_code == 422 else 200,
    )
