"""Staff's page of the catalogue's photos (/equipment/catalogue): each item type and each kit,
its photo as borrowers see it, a form to add or replace it and a button to remove it. A refused
upload is explained in French beside the form it came from (the page again, status 422)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from equipment import photos
from equipment.api_photos import uploaded
from equipment.inventory import list_kits
from equipment.labels import item_type_label
from equipment.pages_forms import error_context, render
from equipment.pages_loans import STAFF
from equipment.tables import ItemType
from passnum.errors import DomainError

DONE = {
    "ajoutee": "Photo enregistrée : les emprunteurs la voient dans le catalogue.",
    "retiree": "Photo retirée du catalogue.",
}


async def catalogue_page(
    done: str = "", error: DomainError | None = None, failed: str = ""
) -> Template:
    type_photos = await photos.type_photos()
    kit_photos = await photos.kit_photos()
    context: dict[str, Any] = {
        "types": [
            {"code": t.value, "label": item_type_label(t.value), "photo": type_photos.get(t.value)}
            for t in ItemType
        ],
        "kits": [
            {"id": k.id, "name": k.name, "photo": kit_photos.get(k.id)} for k in await list_kits()
        ],
        "done": DONE.get(done, ""),
        "failed": failed,  # "type-tablet", "kit-3": the form the refusal is about
    }
    shown = {f"type-{t['code']}" for t in context["types"]} | {
        f"kit-{k['id']}" for k in context["kits"]
    }
    if failed not in shown:  # a kit removed meanwhile: its refusal goes at the top
        context["failed"] = ""
    if error is not None:
        context.update(error_context(error))
    return render("catalogue_photos.html", error.status_code if error else 200, **context)


class CataloguePhotoPages(Controller):
    path = "/equipment/catalogue"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def index(self, fait: FromQuery[str] = "") -> Template:
        return await catalogue_page(fait)

    @post("/types/{item_type:str}/photo")
    async def set_type_photo(
        self, request: Request, item_type: FromPath[str]
    ) -> Template | Redirect:
        try:
            await photos.set_type_photo(request.user, item_type, await uploaded(request))
        except DomainError as error:
            return await catalogue_page(error=error, failed=f"type-{item_type}")
        return Redirect(f"{self.path}?fait=ajoutee#type-{item_type}")

    @post("/types/{item_type:str}/photo/retirer")
    async def remove_type_photo(
        self, request: Request, item_type: FromPath[str]
    ) -> Template | Redirect:
        await photos.remove_type_photo(request.user, item_type)
        return Redirect(f"{self.path}?fait=retiree#type-{item_type}")

    @post("/kits/{kit_id:int}/photo")
    async def set_kit_photo(self, request: Request, kit_id: FromPath[int]) -> Template | Redirect:
        try:
            await photos.set_kit_photo(request.user, kit_id, await uploaded(request))
        except DomainError as error:
            return await catalogue_page(error=error, failed=f"kit-{kit_id}")
        return Redirect(f"{self.path}?fait=ajoutee#kit-{kit_id}")

    @post("/kits/{kit_id:int}/photo/retirer")
    async def remove_kit_photo(
        self, request: Request, kit_id: FromPath[int]
    ) -> Template | Redirect:
        await photos.remove_kit_photo(request.user, kit_id)
        return Redirect(f"{self.path}?fait=retiree#kit-{kit_id}")
