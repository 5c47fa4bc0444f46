"""GET /api/v1/communes?q=: the official communes matching a name, a postcode or a code."""

from __future__ import annotations

import re

from litestar import get
from litestar.params import FromQuery

from passnum.auth import PUBLIC
from territory import schemas
from territory.services import search

DEPARTMENT = re.compile(r"^(\d{2,3}|2[AB])$")  # what ?prefer= keeps: 50, 2A, 974


@get("/api/v1/communes", opt=PUBLIC, tags=["communes"], summary="Chercher une commune")
async def search_communes(
    q: FromQuery[str] = "", limit: FromQuery[int] = 10, prefer: FromQuery[str] = ""
) -> list[schemas.Commune]:
    """Official communes (Etalab) by name — accents, hyphens and case ignored — postcode, INSEE
    code or old code (the current commune). ``prefer``: département codes, comma-separated, whose
    communes come first for a name (``?q=saint&prefer=50``: the Manche's first). Open data: no
    sign-in needed."""
    wanted = (p.strip().upper() for p in prefer.split(","))
    departments = [d for d in wanted if DEPARTMENT.match(d)][:20]
    return [schemas.from_info(c) for c in await search(q, limit, departments)]
