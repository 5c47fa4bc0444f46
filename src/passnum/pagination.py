"""One way to cut long lists into pages, for the HTML pages and the JSON API.

Pages: ``?page=N`` (50 rows a page), read leniently — a value that is not a page number shows
page 1 and one past the end shows the last page, each with a French notice; never an error page.
The nav is ``passnum/_pagination.html`` ("Page 2 sur 40", précédente / suivante, other filters
kept in the links).

API: ``?limit=&offset=`` (default 100, at most 500), validated by Litestar (a bad value is a 400
``invalid`` naming the parameter); the body stays a plain JSON array and the response carries
``X-Total-Count`` and an RFC 8288 ``Link`` header (``rel="next"`` / ``rel="prev"``).
Litestar's ``OffsetPagination`` would wrap each list in ``{items, limit, offset, total}`` and
break every existing client of these arrays, hence the headers.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.params import QueryParameter

T = TypeVar("T")
U = TypeVar("U")

PAGE_SIZE = 50
API_DEFAULT_LIMIT = 100
API_MAX_LIMIT = 500
API_MAX_OFFSET = 1_000_000_000

Limit = Annotated[
    int,
    QueryParameter(
        ge=1,
        le=API_MAX_LIMIT,
        description=f"Nombre d'éléments renvoyés (1 à {API_MAX_LIMIT}, {API_DEFAULT_LIMIT} par "
        "défaut). Le total est dans l'en-tête X-Total-Count, la suite dans l'en-tête Link.",
    ),
]
Offset = Annotated[
    int,
    QueryParameter(
        ge=0, le=API_MAX_OFFSET, description="Nombre d'éléments à sauter (0 par défaut)."
    ),
]
PAGED_HEADERS = [
    ResponseHeader(
        name="X-Total-Count",
        documentation_only=True,
        description="Nombre total d'éléments correspondant aux filtres.",
    ),
    ResponseHeader(
        name="Link",
        documentation_only=True,
        required=False,
        description='Pages voisines : <…>; rel="next", <…>; rel="prev" (RFC 8288).',
    ),
]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, where it sits, and how to reach the others."""

    items: list[T]
    number: int
    size: int
    total: int
    params: dict[str, str] = field(default_factory=dict)
    notice: str = ""
    key: str = "page"  # the query parameter; another one when a page shows two paged lists

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first(self) -> int:
        """Rank of the first row shown (1-based), 0 when the list is empty."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + len(self.items)

    def href(self, number: int) -> str:
        """The link to page ``number``, keeping the list's filters."""
        query = {**{k: v for k, v in self.params.items() if v}, self.key: str(number)}
        return "?" + urlencode(query)

    def with_items(self, items: list[U]) -> Page[U]:
        # dataclasses.replace() is typed to return the same Page[T]; here T becomes U.
        return replace(self, items=items)  # pyright: ignore[reportReturnType]


def page_number(raw: str | None) -> int | None:
    """``"3"`` → 3; anything that is not a page number → None (the caller shows page 1)."""
    text = (raw or "").strip()
    if not text:
        return 1
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        return None
    return int(text)


async def paginate(
    rows_query: Any,
    count_query: Any,
    page: str | None,
    params: dict[str, Any] | None = None,
    size: int = PAGE_SIZE,
    key: str = "page",
) -> Page[Any]:
    """Run one page of a Piccolo ``select``/``objects`` query, and its ``Table.count()``.

    The rows query must be ordered on a unique key last, or rows may repeat across pages.
    """

    async def fetch(limit: int, offset: int) -> list[Any]:
        return list(await rows_query.limit(limit).offset(offset))

    return await paginate_fetch(fetch, await count_query, page, params, size, key)


async def paginate_fetch(
    fetch: Callable[[int, int], Awaitable[list[Any]]],
    total: int,
    page: str | None,
    params: dict[str, Any] | None = None,
    size: int = PAGE_SIZE,
    key: str = "page",
) -> Page[Any]:
    """One page of ``total`` rows read by ``fetch(limit, offset)``, for lists a service builds."""
    pages = max(1, math.ceil(total / size))
    asked = page_number(page)
    notice = ""
    if asked is None:
        number = 1
        notice = f"« {str(page)[:20]} » n'est pas un numéro de page : voici la page 1."
    elif asked > pages:
        number = pages
        notice = (
            f"La page {asked} n'existe pas : la liste compte {pages} page(s), voici la dernière."
        )
    else:
        number = asked
    items = await fetch(size, (number - 1) * size)
    clean = {k: str(v) for k, v in (params or {}).items() if v not in (None, "")}
    return Page(items, number, size, total, clean, notice, key)


async def paginate_where(
    table: Any,
    query: Any,
    conditions: list[Any],
    page: str | None,
    params: dict[str, Any] | None = None,
    size: int = PAGE_SIZE,
) -> Page[Any]:
    """:func:`paginate` for a query on ``table`` filtered by ``conditions`` (Piccolo wheres)."""
    query, count = _filtered(table, query, conditions)
    return await paginate(query, count, page, params, size)


async def slice_where(
    table: Any, query: Any, conditions: list[Any], limit: int, offset: int
) -> tuple[list[Any], int]:
    """The API's slice of a filtered query, and the total count of the filtered rows."""
    query, count = _filtered(table, query, conditions)
    return list(await query.limit(limit).offset(offset)), await count


def where_all(query: Any, conditions: list[Any]) -> Any:
    """A Piccolo query (select, objects or count) filtered by every condition."""
    for condition in conditions:
        query = query.where(condition)
    return query


def _filtered(table: Any, query: Any, conditions: list[Any]) -> tuple[Any, Any]:
    return where_all(query, conditions), where_all(table.count(), conditions)


def paged_response(
    request: Request, items: object, total: int, limit: int, offset: int
) -> Response:
    """A JSON array with ``X-Total-Count`` and ``Link`` to the next and previous slices."""
    links = []
    base = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}
    url = str(request.url).split("?", 1)[0]

    def link(at: int, rel: str) -> str:
        query = urlencode({**base, "limit": limit, "offset": at})
        return f'<{url}?{query}>; rel="{rel}"'

    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    if offset > 0:
        links.append(link(max(0, offset - limit), "prev"))
    headers = {"X-Total-Count": str(total)}
    if links:
        headers["Link"] = ", ".join(links)
    return Response(items, headers=headers)
