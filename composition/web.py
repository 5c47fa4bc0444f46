"""Pages that show every app at once: the home page of each role, and /health."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Response, Template

from composition.admin import admin
from equipment.page_queries import staff_home_context as fleet_home_context
from organisations.tables import Organisation
from passnum.auth import PUBLIC, Actor, Role
from passnum.settings import get_settings

HOME_TEMPLATES = {
    Role.staff: "composition/home_staff.html",
    Role.funder: "composition/home_funder.html",
    Role.prescriber: "composition/home_prescriber.html",
    Role.site_agent: "composition/home_site_agent.html",
}


@get("/", opt=PUBLIC, include_in_schema=False)
async def home(request: Request) -> Template:
    """Anonymous visitors get the public welcome; each role gets its own home page."""
    actor: Actor | None = request.user
    settings = get_settings()
    context = {"operator_phone": settings.operator_phone, "operator_name": settings.operator_name}
    if actor is None or not actor.memberships:
        return Template("composition/home_public.html", context=context)
    role = actor.memberships[0].role
    if actor.is_staff:
        role = Role.staff
        context.update(await fleet_home_context())  # late and due-soon loans
    return Template(
        HOME_TEMPLATES[role], context={**context, "membership": actor.organisation_for(role)}
    )


@get("/health", opt=PUBLIC, tags=["système"], summary="État du service et de la base")
async def health() -> Response[dict[str, str]]:
    try:
        await Organisation.raw("SELECT 1")
    except Exception:
        return Response({"status": "unavailable", "database": "injoignable"}, status_code=503)
    return Response({"status": "ok"})


ROUTE_HANDLERS = [home, health, admin]
