"""Staff inventory pages: list with filters, add and correct an item, CSV import/export, labels.

The CSV import is two steps without JavaScript: the uploaded file is previewed (nothing written),
its text travels back in a hidden field, and "Importer" runs ``import_items``, which writes every
row in one transaction or none.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from equipment import csvio, documents, inventory, photos, schemas
from equipment.api_inventory import pdf
from equipment.errors import refuse
from equipment.page_queries import update_item
from equipment.pages_forms import (
    error_context,
    euros_input,
    parse_cents,
    parse_day,
    parse_int,
    render,
    split_list,
    text,
)
from equipment.pages_loans import STAFF
from equipment.tables import ItemStatus, ItemType
from passnum.csvout import csv_response
from passnum.errors import DomainError
from passnum.pagination import paginate_fetch
from printing import SHEET_FORMATS

ITEM_FIELDS = ("item_type", "brand", "model", "serial", "value", "accessories", "purchase_date")
LABEL_FORMAT = "a4-3x8-70x37"


def item_values(item: schemas.ItemView) -> dict[str, str]:
    """An item as the edit form shows it."""
    return {
        "item_type": item.item_type,
        "brand": item.brand,
        "model": item.model,
        "serial": item.serial,
        "value": euros_input(item.declared_value_cents),
        "accessories": ", ".join(item.accessories),
        "purchase_date": item.purchase_date.isoformat() if item.purchase_date else "",
        "notes": item.notes,
        "asset_tag": item.asset_tag,
        "status": item.status,
    }


def item_form(form: Any) -> dict[str, str]:
    return {k: text(form, k) for k in (*ITEM_FIELDS, "notes", "asset_tag", "status")}


def item_page(values: dict[str, str], tag: str = "", error: DomainError | None = None) -> Template:
    extra = error_context(error) if error else {}
    return render(
        "item_form.html",
        error.status_code if error else 200,
        values=values,
        tag=tag,
        types=list(ItemType),
        **extra,
    )


async def kit_page(
    kit_id: int, values: dict[str, str], error: DomainError | None = None, done: str = ""
) -> Template:
    extra = error_context(error) if error else {}
    status = error.status_code if error else 200
    photo = (await photos.kit_photos()).get(kit_id)
    return render("kit.html", status, kit_id=kit_id, values=values, done=done, photo=photo, **extra)


class InventoryPages(Controller):
    path = "/equipment"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def index(
        self,
        item_type: FromQuery[str] = "",
        status: FromQuery[str] = "",
        q: FromQuery[str] = "",
        page: FromQuery[str] = "",
    ) -> Template:
        kind = item_type if item_type in ItemType.__members__ else None
        state = status if status in ItemStatus.__members__ else None
        conditions = await inventory.item_filters(kind, state, q)
        pager = await paginate_fetch(
            lambda limit, offset: inventory.list_items(
                conditions=conditions, limit=limit, offset=offset
            ),
            await inventory.count_items(conditions),
            page,
            {"item_type": item_type, "status": status, "q": q},
        )
        return render(
            "inventory.html",
            items=pager.items,
            pager=pager,
            item_type=item_type,
            status=status,
            q=q,
        )

    @get("/items/new")
    async def new_item(self) -> Template:
        return item_page({"item_type": "laptop", "status": "available"})

    @post("/items/new")
    async def create_item(self, request: Request) -> Template | Redirect:
        values = item_form(await request.form())
        try:
            item = await inventory.create_item(
                request.user,
                schemas.ItemIn(
                    item_type=values["item_type"],
                    serial=values["serial"],
                    brand=values["brand"],
                    model=values["model"],
                    declared_value_cents=parse_cents(values["value"], "declared_value_cents"),
                    accessories=split_list(values["accessories"]),
                    purchase_date=parse_day(
                        values["purchase_date"], "purchase_date", required=False
                    ),
                    notes=values["notes"],
                    asset_tag=values["asset_tag"] or None,
                    status=values["status"] or "available",
                ),
            )
        except DomainError as error:
            return item_page(values, error=error)
        return Redirect(f"/i/{item.asset_tag}?done=cree")

    @get("/items/{tag:str}/edit")
    async def edit_item(self, tag: FromPath[str]) -> Template:
        item = await inventory.get_item(tag)
        return item_page(item_values(item), item.asset_tag)

    @post("/items/{tag:str}/edit")
    async def update(self, request: Request, tag: FromPath[str]) -> Template | Redirect:
        values = item_form(await request.form())
        try:
            item = await update_item(
                request.user,
                tag,
                {
                    "item_type": values["item_type"],
                    "brand": values["brand"],
                    "model": values["model"],
                    "serial": values["serial"],
                    "declared_value_cents": parse_cents(values["value"], "declared_value_cents"),
                    "accessories": split_list(values["accessories"]),
                },
                values["notes"],
                parse_day(values["purchase_date"], "purchase_date", required=False),
            )
        except DomainError as error:
            return item_page(values, tag, error)
        return Redirect(f"/i/{item.asset_tag}?done=modifie")

    @get("/kits")
    async def kits(self) -> Template:
        return render("kits.html", kits=await inventory.list_kits())

    @get("/kits/{kit_id:int}")
    async def kit(self, kit_id: FromPath[int]) -> Template:
        kit = await inventory.get_kit(kit_id)
        return await kit_page(
            kit_id, {"name": kit.name, "items": ", ".join(kit.items), "notes": kit.notes}
        )

    @post("/kits/{kit_id:int}")
    async def update_kit(self, request: Request, kit_id: FromPath[int]) -> Template:
        form = await request.form()
        values = {k: text(form, k) for k in ("name", "items", "notes")}
        try:
            kit = await inventory.update_kit(
                request.user,
                kit_id,
                schemas.KitIn(
                    name=values["name"], items=split_list(values["items"]), notes=values["notes"]
                ),
            )
        except DomainError as error:
            return await kit_page(kit_id, values, error)
        values = {"name": kit.name, "items": ", ".join(kit.items), "notes": kit.notes}
        return await kit_page(kit_id, values, done=f"Kit « {kit.name} » enregistré.")

    @post("/kits/{kit_id:int}/dissoudre")
    async def dissolve_kit(self, request: Request, kit_id: FromPath[int]) -> Template:
        kit = await inventory.dissolve_kit(request.user, kit_id)
        return render(
            "kit.html",
            dissolved=f"Kit « {kit.name} » dissous : {', '.join(kit.items) or 'aucun appareil'} "
            "reste(nt) au parc, hors kit.",
        )

    @get("/inventaire.csv")
    async def export(self) -> Response[bytes]:
        return csv_response(await csvio.export_items(), "inventaire.csv")

    @get("/import")
    async def import_form(self) -> Template:
        return render("import.html", columns=csvio.COLUMNS)

    @post("/import")
    async def import_preview(self, request: Request) -> Template:
        form = await request.form()
        upload = form.get("file")
        data = await upload.read() if isinstance(upload, UploadFile) else b""
        try:
            if not data.strip():
                raise refuse("invalid_csv")
            report = await csvio.preview_import(data)
        except DomainError as error:
            return render(
                "import.html", error.status_code, columns=csvio.COLUMNS, **error_context(error)
            )
        return render(
            "import.html", columns=csvio.COLUMNS, report=report, csv_text=csvio.decode(data)
        )

    @post("/import/confirm")
    async def import_confirm(self, request: Request) -> Template:
        form = await request.form()
        data = text(form, "csv_text").encode()
        try:
            report = await csvio.import_items(request.user, data)
        except DomainError as error:
            rejected = [schemas.ImportRejection(**r) for r in error.extra.get("rejected", [])]
            return render(
                "import.html",
                error.status_code,
                columns=csvio.COLUMNS,
                report=schemas.ImportReport(valid=[], rejected=rejected) if rejected else None,
                **error_context(error),
            )
        return render("import.html", columns=csvio.COLUMNS, imported=report.imported)

    @get("/labels")
    async def labels_form(self, tags: FromQuery[str] = "") -> Template:
        return render("labels.html", tags=tags, per_sheet=SHEET_FORMATS[LABEL_FORMAT].per_sheet)

    @get("/labels.pdf")
    async def labels(self, tags: FromQuery[str] = "", start: FromQuery[str] = "1") -> Response:
        wanted = split_list(tags.replace(" ", ","))
        try:
            position = parse_int(start, "start_position", "Position de départ")
            content = await documents.label_sheet_pdf(wanted, position, LABEL_FORMAT)
        except DomainError as error:
            return render(
                "labels.html",
                error.status_code,
                tags=tags,
                start=start,
                per_sheet=SHEET_FORMATS[LABEL_FORMAT].per_sheet,
                **error_context(error),
            )
        return pdf(content, "etiquettes.pdf")
