"""Pages that show every app at once: the home page of each role, /health and /health/live."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Response, Template

from composition.admin import admin
from equipment.page_queries import staff_home_context as fleet_home_context
from organisations.tables import Organisation
from passnum import db
from passnum.auth import PUBLIC, Actor, Role
from passnum.settings import get_settings
from vouchers.validity import current_alerts

HOME_TEMPLATES = {
    Role.staff: "composition/home_staff.html",
    Role.funder: "composition/home_funder.html",
    Role.prescriber: "composition/home_prescriber.html",
    Role.site_agent: "composition/home_site_agent.html",
    Role.borrower: "composition/home_borrower.html",
}


@get("/", opt=PUBLIC, include_in_schema=False)
async def home(request: Request) -> Template:
    """Anonymous visitors get the public welcome; each role gets its own home page."""
    actor: Actor | None = request.user
    settings = get_settings()
    context: dict[str, Any] = {
        "operator_phone": settings.operator_phone,
        "operator_name": settings.operator_name,
    }
    if actor is None or not actor.memberships:
        return Template("composition/home_public.html", context=context)
    role = actor.memberships[0].role
    if actor.is_staff:
        role = Role.staff
        context.update(await fleet_home_context())  # late and due-soon loans
    else:
        context["validity_alerts"] = await current_alerts(actor)  # runs near their end
    return Template(
        HOME_TEMPLATES[role], context={**context, "membership": actor.organisation_for(role)}
    )


@get("/health/live", opt=PUBLIC, tags=["système"], summary="Le processus répond (vivacité)")
async def live() -> dict[str, str]:
    """Liveness: the process answers; the database is not asked (a restart would not fix it)."""
    return {"status": "ok"}


class Health(msgspec.Struct):
    status: str  # "ok" (unavailable: 503 with an error body, not this shape)


@get(
    "/health",
    opt=PUBLIC,
    tags=["système"],
    summary="Prêt à servir : base joignable et à jour",
    responses={200: ResponseSpec(data_container=Health, description="Prêt à servir")},
)
async def health() -> Response[Any]:
    """Readiness: the database answers and every migration the code ships is applied."""
    try:
        await Organisation.raw("SELECT 1")
        pending = await db.pending_migrations()
    except Exception:
        return Response(
            {
                "status": "unavailable",
                "error": "database_unreachable",
                "message": "Base de données injoignable.",
                "database": "injoignable",
            },
            status_code=503,
        )
    if pending:
        return Response(
            {
                "status": "unavailable",
                "error": "migrations_pending",
                "message": f"Base de données pas à jour : {len(pending)} migration(s) à "
                "appliquer avec « passnum migrate ».",
                "pending": pending,
            },
            status_code=503,
        )
    return Response(Health(status="ok"))


ROUTE_HANDLERS = [home, live, health, admin]
