"""The staff page "Couverture du territoire" (/staff/couverture): where the offer is missing."""

from __future__ import annotations

import math
import re

from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from passnum import maps
from passnum.auth import Role, roles
from passnum.fr import format_number
from reporting.coverage import Coverage, coverage, default_department

DEPARTMENT_RE = re.compile(r"^(\d{2}|2[AB]|97\d)$")
DISTANCES = (5, 10, 15, 20, 30)


def _points(found: Coverage) -> list[dict]:
    points: list[dict] = []
    for c in found.communes:
        if c.latitude is None:
            continue
        far = c.is_far(found.far_km)
        points.append(
            {
                "kind": "commune",
                "name": c.name,
                "lat": c.latitude,
                "lon": c.longitude,
                "radius": 3 + 2 * math.sqrt(c.booklets),
                "far": far,
                "lines": [
                    f"{c.population} habitants",
                    f"{c.places} lieu(x), {format_number(c.hours_per_week)} h par semaine",
                    f"{c.booklets} carnet(s) remis, {c.spent} chèque(s) utilisé(s)",
                    f"Lieu le plus proche : {c.nearest_name} à {c.nearest}"
                    if c.nearest_name
                    else "Aucun lieu sur la carte",
                ],
            }
        )
    for s in found.sites:
        points.append(
            {"kind": "site", "name": s["name"], "lat": s["latitude"], "lon": s["longitude"]}
        )
    return points


@get("/staff/couverture", opt=roles(Role.staff), include_in_schema=False)
async def coverage_page(
    departement: FromQuery[str] = "", distance: FromQuery[str] = ""
) -> Template:
    department = departement.strip().upper()
    if not DEPARTMENT_RE.match(department):
        department = await default_department()
    far_km = float(distance) if distance in {str(d) for d in DISTANCES} else 15.0
    found = await coverage(department, far_km)
    context = {
        "coverage": found,
        "department": department,
        "far_km": int(far_km),
        "distances": DISTANCES,
        "points": _points(found),
        "number": format_number,
        **maps.context(),
    }
    return Template("reporting/coverage.html", context=context, headers=maps.page_headers())
