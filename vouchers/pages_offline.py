"""The Scanner as an installable app that works without a network, and staff's review of offline
scans the server refused.

- ``/scanner/sw.js``: the service worker (``passnum/static/scanner-sw.js``, versioned by the
  content of the files it caches, allowed to control ``/scanner``), and the app's manifest
  ``/scanner/manifest.webmanifest``.
- ``/scanner/kit`` and ``/scanner/sync``: the offline kit and the batch of offline scans for the
  page itself (session cookie and CSRF header), the same services as ``GET /api/v1/offline-kit``
  and ``POST /api/v1/redemptions/batch`` (the API takes bearer tokens only).
- ``/staff/hors-connexion``: refused offline acceptances with both scans' evidence; staff decide
  to compensate the site or not.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import cache
from pathlib import Path

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template
from litestar.utils.scope.state import ScopeState

import passnum
from passnum import clock
from passnum.auth import PUBLIC, Role, roles
from passnum.errors import DomainError
from vouchers import schemas
from vouchers import services as svc
from vouchers.api import SCAN_AGENTS
from vouchers.pages_common import error_view, form_dict, page
from vouchers.services.offline import DECISIONS, conflict_counts

STATIC = Path(passnum.__file__).parent / "static"
# What the service worker keeps for the Scanner to open without a network (besides the page).
CACHED = (
    "passnum.css",
    "vouchers.css",
    "scanner.js",
    "offline-scanner.js",
    "icons/scanner-192.png",
    "icons/scanner-512.png",
)
MANIFEST = {
    "name": "passnum — Scanner des pass numériques",
    "short_name": "Scanner",
    "description": "Accepter les pass numériques, même sans réseau.",
    "lang": "fr",
    "start_url": "/scanner",
    "scope": "/scanner",
    "display": "standalone",
    "background_color": "#ffffff",
    "theme_color": "#000091",
    "icons": [
        {"src": "/static/icons/scanner-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/scanner-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/scanner-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ],
}


@cache
def service_worker() -> str:
    """The worker's script, its cache named after the content of what it caches: a new release
    of any of those files makes phones fetch them again."""
    digest = hashlib.sha256()
    for name in (*CACHED, "scanner-sw.js"):
        digest.update((STATIC / name).read_bytes())
    assets = ", ".join(f'"/static/{name}"' for name in CACHED)
    return (
        (STATIC / "scanner-sw.js")
        .read_text()
        .replace("__VERSION__", digest.hexdigest()[:12])
        .replace('"__ASSETS__"', assets)
    )


class OfflineScannerPages(Controller):
    path = "/scanner"
    include_in_schema = False

    @get("/sw.js", opt=PUBLIC)
    async def worker(self) -> Response:
        return Response(
            service_worker(),
            media_type="text/javascript",
            headers={"Service-Worker-Allowed": "/scanner", "Cache-Control": "no-cache"},
        )

    @get("/manifest.webmanifest", opt=PUBLIC)
    async def manifest(self) -> Response:
        return Response(MANIFEST, media_type="application/manifest+json")

    @get("/kit", opt=roles(Role.site_agent))
    async def kit(self, request: Request) -> Response:
        try:
            kit = await svc.offline_kit(request.user)
        except DomainError as error:
            return Response(error_view(error), status_code=error.status_code)
        return Response(kit, headers={"Cache-Control": "no-store"})

    @get("/jeton", opt=roles(Role.site_agent))
    async def token(self, request: Request) -> Response:
        """The CSRF token for /scanner/sync: the page kept by the service worker may hold an
        older one (the browser drops the CSRF cookie when it closes)."""
        token = ScopeState.from_scope(request.scope).csrf_token
        return Response({"csrf": token}, headers={"Cache-Control": "no-store"})

    @post("/sync", opt=SCAN_AGENTS, status_code=200)
    async def sync(self, request: Request, data: JSONBody[schemas.OfflineBatchIn]) -> Response:
        try:
            return Response(await svc.sync_offline_scans(request.user, data))
        except DomainError as error:
            return Response(error_view(error), status_code=error.status_code)


class OfflineReviewPages(Controller):
    path = "/staff/hors-connexion"
    include_in_schema = False
    opt = roles(Role.staff)

    @get("/")
    async def index(self, request: Request, traites: FromQuery[bool] = False) -> Template:
        return await review_page(request, decided=traites)

    @post("/{scan_id:int}")
    async def decide(self, request: Request, scan_id: FromPath[int]) -> Template | Redirect:
        values = form_dict(await request.form(), "decision", "note")
        try:
            await svc.decide_review(request.user, scan_id, values["decision"], values["note"])
        except DomainError as error:
            return await review_page(
                request, error=error_view(error), scan_id=scan_id, values=values, status=422
            )
        return Redirect(path="/staff/hors-connexion?fait=1")


FREQUENT_CONFLICTS = 3  # refused offline acceptances in 90 days that flag a site
SIGNAL_WINDOW = timedelta(days=90)


async def review_page(
    request: Request,
    decided: bool = False,
    error: dict | None = None,
    scan_id: int | None = None,
    values: dict | None = None,
    status: int = 200,
) -> Template:
    counts = await conflict_counts(clock.stamp() - SIGNAL_WINDOW)
    rows = await svc.offline_reviews(request.user, pending=not decided)
    for row in rows:
        row["site_conflicts"] = counts.get(row["site_id"], 0)
    return page(
        "offline_reviews.html",
        status_code=status,
        rows=rows,
        decided=decided,
        done=request.query_params.get("fait") == "1",
        error=error,
        error_id=scan_id,
        values=values or {},
        DECISIONS=DECISIONS,
        frequent=FREQUENT_CONFLICTS,
    )


OFFLINE_PAGE_HANDLERS = [OfflineScannerPages, OfflineReviewPages]
