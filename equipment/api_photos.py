"""Photos of the catalogue: staff's API to add, replace and remove them, and the route that
serves them to borrowers and staff (logged in: the catalogue is theirs)."""

from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Stream

from equipment import photos
from passnum import storage
from passnum.auth import Role, roles
from passnum.openapi_bodies import BINARY, form, raw_body

# A photo's address ends with a hash of its bytes (a new photo, a new address): browsers keep
# it a year without asking again; "private": served after a login, never kept by a shared cache.
CACHE = "private, max-age=31536000, immutable"
PHOTO_FORM = raw_body("multipart/form-data", "La photo", form(("photo",), photo=BINARY))


async def uploaded(request: Request) -> bytes:
    """The bytes of the form's ``photo`` file (none sent: empty, refused as ``image_empty``)."""
    form = await request.form()
    upload = form.get("photo")
    return await upload.read() if isinstance(upload, UploadFile) else b""


class CataloguePhotoApi(Controller):
    path = "/api/v1/catalogue"
    tags = ["demandes de prêt"]
    opt = roles(Role.staff)

    @put(
        "/types/{item_type:str}/photo",
        summary="Ajouter ou remplacer la photo d'un type de matériel (formulaire multipart : "
        "photo ; PNG, JPEG ou WebP, 8 Mo et 8000 pixels de côté au plus)",
        operation_class=PHOTO_FORM,
    )
    async def set_type_photo(self, request: Request, item_type: FromPath[str]) -> photos.Photo:
        return await photos.set_type_photo(request.user, item_type, await uploaded(request))

    @delete("/types/{item_type:str}/photo", summary="Retirer la photo d'un type de matériel")
    async def remove_type_photo(self, request: Request, item_type: FromPath[str]) -> None:
        await photos.remove_type_photo(request.user, item_type)

    @put(
        "/kits/{kit_id:int}/photo",
        summary="Ajouter ou remplacer la photo d'un kit (formulaire multipart : photo)",
        operation_class=PHOTO_FORM,
    )
    async def set_kit_photo(self, request: Request, kit_id: FromPath[int]) -> photos.Photo:
        return await photos.set_kit_photo(request.user, kit_id, await uploaded(request))

    @delete("/kits/{kit_id:int}/photo", summary="Retirer la photo d'un kit")
    async def remove_kit_photo(self, request: Request, kit_id: FromPath[int]) -> None:
        await photos.remove_kit_photo(request.user, kit_id)


@get(
    f"{photos.URL}/{{name:str}}",
    opt=roles(Role.borrower, Role.staff),
    include_in_schema=False,
)
async def photo_file(request: Request, name: FromPath[str]) -> Stream | Response[bytes]:
    """The photo itself, with its type, its length and how long to keep it."""
    document = await photos.find(name)
    etag = f'"{document.sha256}"'
    headers = {"Cache-Control": CACHE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    return Stream(
        await storage.open(document.key),
        media_type=document.content_type,
        headers={**headers, "Content-Length": str(document.size)},
    )
