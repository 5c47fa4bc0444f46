"""Photos of the borrowers' catalogue: staff add, replace or remove one per item type and per kit.

An upload is checked by the kernel (:func:`passnum.images.check`: PNG, JPEG or WebP, at most
``MAX_BYTES`` and ``MAX_PIXELS`` a side), re-encoded upright, at most ``SERVED_SIDE`` pixels a
side and without its metadata (a phone photo says where it was taken), then kept in the kernel's
document storage under a key that ends with a hash of its bytes. A photo's address therefore
changes with the photo: browsers keep it for good (:func:`served`), and a replaced photo's old
address answers 404. The photo replaced (or removed) is deleted from storage once the change
is committed.

Borrowers and staff see the photos (the catalogue is theirs, behind a login); the text
alternative of each is the type's or the kit's name.
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from equipment.errors import refuse
from equipment.labels import item_type_label
from equipment.tables import CataloguePhoto, ItemType, Kit
from passnum import audit, clock, images, storage
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError

MAX_BYTES = 8 * 1024 * 1024  # a phone's photo as it comes (the request limit is 10 Mo)
MAX_PIXELS = 8000
SERVED_SIDE = 1200  # what the catalogue shows, sharp on a high-density screen
LIMITS = images.Limits(
    formats=("JPEG", "PNG", "WEBP"),
    max_bytes=MAX_BYTES,
    max_pixels=MAX_PIXELS,
    noun="La photo",
    field="photo",
)
FOLDER = "equipment/photos"
URL = "/catalogue/photos"


class Photo(msgspec.Struct, kw_only=True):
    """A catalogue photo as pages and the API give it: its address, its text alternative."""

    url: str
    alt: str
    content_type: str
    width: int
    height: int


def _photo(row: dict[str, Any], alt: str) -> Photo:
    return Photo(
        url=f"{URL}/{row['key'].removeprefix(FOLDER + '/')}",
        alt=alt,
        content_type=row["content_type"],
        width=row["width"],
        height=row["height"],
    )


async def type_photos() -> dict[str, Photo]:
    """The photo of each item type that has one, by type code."""
    rows = await CataloguePhoto.select().where(CataloguePhoto.item_type.is_not_null())
    return {r["item_type"]: _photo(r, item_type_label(r["item_type"])) for r in rows}


async def kit_photos() -> dict[int, Photo]:
    """The photo of each kit that has one, by kit id."""
    rows = await CataloguePhoto.select(
        *CataloguePhoto.all_columns(), CataloguePhoto.kit.name
    ).where(CataloguePhoto.kit.is_not_null())
    return {r["kit"]: _photo(r, r["kit.name"]) for r in rows}


def _unknown_type(item_type: str) -> DomainError:
    return refuse("not_found.item_type", _item_type=item_type)


async def _kit_name(kit_id: int) -> str:
    kit = await Kit.select(Kit.name).where(Kit.id == kit_id).first()
    if kit is None:
        raise refuse("not_found.kit_number", _kit_id=kit_id)
    return kit["name"]


def _owner(item_type: str | None, kit_id: int | None) -> Any:
    if item_type is not None:
        return CataloguePhoto.item_type == item_type
    return CataloguePhoto.kit == kit_id


async def _set(actor: Actor, data: bytes, item_type: str | None, kit_id: int | None) -> Photo:
    checked = images.check(data, LIMITS)
    served, width, height = images.fitted(data, checked, SERVED_SIDE, LIMITS)
    owner = f"type-{item_type}" if item_type is not None else f"kit-{kit_id}"
    digest = hashlib.sha256(served).hexdigest()[:20]
    key = f"{FOLDER}/{owner}-{digest}.{images.EXTENSION[checked.format]}"
    await storage.put(key, [served], checked.content_type)
    values = {
        "key": key,
        "content_type": checked.content_type,
        "width": width,
        "height": height,
        "updated_at": clock.stamp(),
    }
    where = _owner(item_type, kit_id)
    entity = "item_type" if item_type is not None else "kit"
    try:
        async with write_transaction():
            before = await CataloguePhoto.select(CataloguePhoto.key).where(where).first()
            if before is None:
                await CataloguePhoto.insert(
                    CataloguePhoto(item_type=item_type, kit=kit_id, **values)
                )
            else:
                await CataloguePhoto.update(
                    {getattr(CataloguePhoto, k): v for k, v in values.items()}
                ).where(where)
            changes = {k: values[k] for k in ("content_type", "width", "height")}
            await audit.record(actor, "set_photo", entity, item_type or kit_id or 0, changes)
    except BaseException:
        if not await CataloguePhoto.exists().where(CataloguePhoto.key == key):
            await storage.delete(key)  # the photo never took its place: nothing left behind
        raise
    if before is not None and before["key"] != key:
        await storage.delete(before["key"])
    alt = item_type_label(item_type) if item_type is not None else await _kit_name(kit_id or 0)
    return _photo(values, alt)


async def set_type_photo(actor: Actor, item_type: str, data: bytes) -> Photo:
    """Add (or replace) the photo of an item type."""
    if item_type not in ItemType.__members__:
        raise _unknown_type(item_type)
    return await _set(actor, data, item_type, None)


async def set_kit_photo(actor: Actor, kit_id: int, data: bytes) -> Photo:
    """Add (or replace) the photo of a kit."""
    await _kit_name(kit_id)
    return await _set(actor, data, None, kit_id)


async def _remove(actor: Actor, item_type: str | None, kit_id: int | None) -> bool:
    where = _owner(item_type, kit_id)
    async with write_transaction():
        removed = await CataloguePhoto.delete().where(where).returning(CataloguePhoto.key)
        if removed:
            entity = "item_type" if item_type is not None else "kit"
            await audit.record(actor, "remove_photo", entity, item_type or kit_id or 0)
    for row in removed:
        await storage.delete(row["key"])
    return bool(removed)


async def remove_type_photo(actor: Actor, item_type: str) -> bool:
    """Remove an item type's photo; whether there was one."""
    if item_type not in ItemType.__members__:
        raise _unknown_type(item_type)
    return await _remove(actor, item_type, None)


async def remove_kit_photo(actor: Actor, kit_id: int) -> bool:
    """Remove a kit's photo; whether there was one."""
    await _kit_name(kit_id)
    return await _remove(actor, None, kit_id)


async def forget_kit(kit_id: int) -> list[str]:
    """In the transaction that dissolves a kit: its photo's row goes; the keys returned are
    deleted from storage (:func:`drop_documents`) once it is committed."""
    rows = (
        await CataloguePhoto.delete()
        .where(CataloguePhoto.kit == kit_id)
        .returning(CataloguePhoto.key)
    )
    return [r["key"] for r in rows]


async def drop_documents(keys: list[str]) -> None:
    for key in keys:
        await storage.delete(key)


async def find(name: str) -> storage.StoredDocument:
    """The current photo named ``name`` (the last part of its address), or 404: a replaced or
    removed photo, or any other document of the storage, is not served."""
    key = f"{FOLDER}/{name}"
    found = None
    if "/" not in name and await CataloguePhoto.exists().where(CataloguePhoto.key == key):
        found = await storage.stat(key)
    if found is None:
        raise refuse("not_found.photo")
    return found
