"""GET /api/v1/communes?q=: the official communes matching a name, a postcode or a code."""

from __future__ import annotations

from litestar import get
from litestar.params import FromQuery

from passnum.auth import PUBLIC
from territory import schemas
from territory.services import search


@get("/api/v1/communes", opt=PUBLIC, tags=["communes"], summary="Chercher une commune")
async def search_communes(
    q: FromQuery[str] = "", limit: FromQuery[int] = 10
) -> list[schemas.Commune]:
    """Official communes (Etalab) by name — accents, hyphens and case ignored — postcode, INSEE
    code or old code (the current commune). Open data: no sign-in needed."""
    return [schemas.from_info(c) for c in await search(q, limit)]
