"""Route handlers of the territory app, mounted by composition.routes."""

from __future__ import annotations

from territory.api import search_communes

ROUTE_HANDLERS = [search_communes]
