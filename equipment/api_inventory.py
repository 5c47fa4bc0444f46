"""JSON API of the inventory: items, kits, maintenance, availability, rules, CSV and labels."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from equipment import (
    availability,
    csvio,
    documents,
    inventory,
    item_status,
    maintenance,
    schemas,
    stocktake,
)
from equipment.followup import item_history
from passnum.auth import PUBLIC, Role, roles
from passnum.csvout import csv_response
from passnum.openapi_bodies import file_answer, raw_body
from passnum.pagination import (
    API_DEFAULT_LIMIT,
    PAGED_HEADERS,
    Limit,
    Offset,
    paged_response,
)

STAFF = roles(Role.staff)


def pdf(content: bytes, filename: str) -> Response[bytes]:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


class ItemApi(Controller):
    path = "/api/v1/items"
    tags = ["parc de matériel"]
    opt = STAFF

    @get("/", summary="Inventaire, avec filtres", response_headers=PAGED_HEADERS)
    async def list_items(
        self,
        request: Request,
        item_type: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        q: FromQuery[str] = "",
        kit_id: FromQuery[int | None] = None,
        limit: Limit = API_DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response[list[schemas.ItemView]]:
        conditions = await inventory.item_filters(item_type, status, q, kit_id)
        rows = await inventory.list_items(conditions=conditions, limit=limit, offset=offset)
        total = await inventory.count_items(conditions)
        return paged_response(request, rows, total, limit, offset)

    @post("/", summary="Ajouter un appareil (numéro d'inventaire généré s'il manque)")
    async def create(self, request: Request, data: JSONBody[schemas.ItemIn]) -> schemas.ItemView:
        return await inventory.create_item(request.user, data)

    @get("/{tag:str}", summary="Un appareil, par numéro d'inventaire")
    async def get_item(self, tag: FromPath[str]) -> schemas.ItemView:
        return await inventory.get_item(tag)

    @post("/{tag:str}/status", status_code=200, summary="Changer le statut d'un appareil")
    async def set_status(
        self, request: Request, tag: FromPath[str], data: JSONBody[schemas.ItemStatusIn]
    ) -> schemas.ItemView:
        return await item_status.set_item_status(request.user, tag, data.status, data.note)

    @get(
        "/{tag:str}/history",
        summary="Prêts (par tranches : limit, offset, loans_total) et maintenances d'un appareil",
        response_headers=PAGED_HEADERS,
    )
    async def history(
        self,
        request: Request,
        tag: FromPath[str],
        limit: Limit = API_DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response[schemas.ItemHistory]:
        found = await item_history(tag, limit=limit, offset=offset)
        return paged_response(request, found, found.loans_total, limit, offset)


class InventoryFilesApi(Controller):
    path = "/api/v1/inventory"
    tags = ["parc de matériel"]
    opt = STAFF

    @get(
        "/export.csv",
        summary="Export CSV (Excel français)",
        operation_class=file_answer("text/csv"),
    )
    async def export(self) -> Response[bytes]:
        return csv_response(await csvio.export_items(), "inventaire.csv")

    @post(
        "/import",
        status_code=200,
        summary="Import CSV : aperçu (preview=true) ou import",
        operation_class=raw_body("text/csv", "Le fichier CSV de l'inventaire (Excel français)"),
    )
    async def import_csv(
        self, request: Request, preview: FromQuery[bool] = False
    ) -> schemas.ImportReport:
        body = await request.body()
        if preview:
            return await csvio.preview_import(body)
        return await csvio.import_items(request.user, body)

    @get(
        "/labels.pdf",
        summary="Planche d'étiquettes (tous les appareils ou tags=…)",
        operation_class=file_answer("application/pdf"),
    )
    async def labels(self, tags: FromQuery[str] = "", start: FromQuery[int] = 1) -> Response[bytes]:
        wanted = [t for t in tags.split(",") if t.strip()]
        return pdf(await documents.label_sheet_pdf(wanted, start), "etiquettes.pdf")


class KitApi(Controller):
    path = "/api/v1/kits"
    tags = ["parc de matériel"]
    opt = STAFF

    @get("/", summary="Kits, par nom", response_headers=PAGED_HEADERS)
    async def list_kits(
        self, request: Request, limit: Limit = API_DEFAULT_LIMIT, offset: Offset = 0
    ) -> Response[list[schemas.KitView]]:
        rows = await inventory.list_kits(limit=limit, offset=offset)
        return paged_response(request, rows, await inventory.count_kits(), limit, offset)

    @post("/", summary="Créer un kit (appareils prêtés ensemble)")
    async def create(self, request: Request, data: JSONBody[schemas.KitIn]) -> schemas.KitView:
        return await inventory.create_kit(request.user, data)

    @get("/{kit_id:int}", summary="Un kit")
    async def get_kit(self, kit_id: FromPath[int]) -> schemas.KitView:
        return await inventory.get_kit(kit_id)

    @put("/{kit_id:int}", summary="Modifier un kit : nom, notes, appareils (liste complète)")
    async def update(
        self, request: Request, kit_id: FromPath[int], data: JSONBody[schemas.KitIn]
    ) -> schemas.KitView:
        return await inventory.update_kit(request.user, kit_id, data)

    @delete("/{kit_id:int}", summary="Dissoudre un kit (ses appareils restent au parc)")
    async def dissolve(self, request: Request, kit_id: FromPath[int]) -> None:
        await inventory.dissolve_kit(request.user, kit_id)


class MaintenanceApi(Controller):
    path = "/api/v1/maintenance"
    tags = ["parc de matériel"]
    opt = STAFF

    @get("/", summary="Fiches de maintenance", response_headers=PAGED_HEADERS)
    async def list_records(
        self,
        request: Request,
        item: FromQuery[str | None] = None,
        open_only: FromQuery[bool] = False,
        limit: Limit = API_DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response[list[schemas.MaintenanceView]]:
        rows, total = await maintenance.page_maintenance(item, open_only, limit, offset)
        return paged_response(request, rows, total, limit, offset)

    @post("/", summary="Planifier ou ouvrir une maintenance")
    async def create(
        self, request: Request, data: JSONBody[schemas.MaintenanceIn]
    ) -> schemas.MaintenanceView:
        return await maintenance.schedule_maintenance(request.user, data)

    @post("/{record_id:int}/close", status_code=200, summary="Clore une maintenance")
    async def close(
        self, request: Request, record_id: FromPath[int], data: JSONBody[schemas.MaintenanceClose]
    ) -> schemas.MaintenanceView:
        return await maintenance.close_maintenance(request.user, record_id, data)


class AvailabilityApi(Controller):
    path = "/api/v1/availability"
    tags = ["parc de matériel"]
    opt = STAFF

    @get("/", summary="Appareils libres chaque jour entre deux dates (incluses)")
    async def search(
        self, start: FromQuery[date], end: FromQuery[date], item_type: FromQuery[str | None] = None
    ) -> schemas.Availability:
        return await availability.find_available(start, end, item_type)

    @get("/calendar", summary="Calendrier des réservations par type, sur plusieurs semaines")
    async def calendar(
        self,
        start: FromQuery[date],
        item_type: FromQuery[str | None] = None,
        weeks: FromQuery[int] = 4,
    ) -> schemas.Calendar:
        return await availability.calendar(item_type, start, weeks)


class FleetApi(Controller):
    path = "/api/v1/fleet"
    tags = ["parc de matériel"]
    opt = STAFF

    @get("/rules", summary="Règles de réservation")
    async def rules(self) -> schemas.Rules:
        return inventory.rules_view(await inventory.get_rules())

    @put(
        "/rules",
        summary="Changer les règles de réservation (une règle absente ou null garde sa valeur)",
    )
    async def update_rules(
        self, request: Request, data: JSONBody[schemas.RulesChange]
    ) -> schemas.Rules:
        return await inventory.update_rules(request.user, data)

    @get("/ical-url", summary="Adresse secrète de l'agenda des prêts (iCal) de l'utilisateur")
    async def ical_url(self, request: Request) -> schemas.IcalLink:
        return schemas.IcalLink(url=availability.ical_url(request.user.user_id))


@get("/equipment/ical/{key:str}", opt=PUBLIC, include_in_schema=False)
async def ical_feed(key: FromPath[str]) -> Response[str]:
    """The secret URL is the credential: calendar applications cannot send a bearer token."""
    await availability.check_ical_key(key.removesuffix(".ics"))
    return Response(await availability.ical_feed(), media_type="text/calendar")


class StockTakeApi(Controller):
    """Inventory audits: open, scan (QR URL or asset tag), report."""

    path = "/api/v1/stock-takes"
    tags = ["parc de matériel"]
    opt = STAFF

    @get(
        "/", summary="Inventaires passés et ouverts, du plus récent", response_headers=PAGED_HEADERS
    )
    async def list_takes(
        self, request: Request, limit: Limit = API_DEFAULT_LIMIT, offset: Offset = 0
    ) -> Response[list[schemas.StockTakeSummary]]:
        rows = await stocktake.list_stock_takes(limit, offset)
        return paged_response(request, rows, await stocktake.count_stock_takes(), limit, offset)

    @post("/", summary="Ouvrir un inventaire (audit du parc)")
    async def open(self, request: Request) -> schemas.StockTakeReport:
        return await stocktake.open_stock_take(request.user)

    @post("/{take_id:int}/close", status_code=200, summary="Clore : le résultat est figé")
    async def close(self, request: Request, take_id: FromPath[int]) -> schemas.StockTakeReport:
        return await stocktake.close_stock_take(request.user, take_id)

    @post("/{take_id:int}/scans", status_code=200, summary="Appareil scanné (QR ou Code 128)")
    async def scan(
        self, request: Request, take_id: FromPath[int], data: JSONBody[schemas.StockTakeScanIn]
    ) -> schemas.StockTakeReport:
        return await stocktake.scan(request.user, take_id, data.code)

    @get("/{take_id:int}", summary="Vus, manquants, vus mais notés ailleurs")
    async def report(self, take_id: FromPath[int]) -> schemas.StockTakeReport:
        return await stocktake.stock_take_report(take_id)


class LastSeenApi(Controller):
    path = "/api/v1/items"
    tags = ["parc de matériel"]
    opt = STAFF

    @get("/{tag:str}/last-seen", summary="Dernier inventaire où l'appareil a été vu")
    async def last_seen(self, tag: FromPath[str]) -> schemas.LastSeen:
        return schemas.LastSeen(item=tag, last_seen=await stocktake.last_seen(tag))
