"""Inventory: items with generated asset tags, kits, fleet rules and item status changes."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from piccolo.query.functions.string import Lower

from equipment import photos, schemas
from equipment.errors import refuse
from equipment.labels import item_status_label, item_type_label, item_url
from equipment.tables import FleetRules, Item, ItemStatus, ItemType, Kit, KitItem
from passnum import audit, clock
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.pagination import where_all

MANUAL_STATUSES = {ItemStatus.available, ItemStatus.maintenance, ItemStatus.retired}


async def get_rules() -> FleetRules:
    """The fleet rules row, created with defaults on first use."""
    rules = await FleetRules.objects().get(FleetRules.id == 1)
    if rules is None:
        await FleetRules.insert(FleetRules(id=1)).on_conflict(action="DO NOTHING")
        rules = await FleetRules.objects().get(FleetRules.id == 1)
        assert rules is not None  # inserted just above, or by another request at the same time
    return rules


def rules_view(rules: FleetRules) -> schemas.Rules:
    return schemas.Rules(
        min_notice_days=rules.min_notice_days,
        max_duration_days=rules.max_duration_days,
        max_items_per_borrower=rules.max_items_per_borrower,
        due_soon_days=rules.due_soon_days,
        asset_tag_prefix=rules.asset_tag_prefix,
        max_extensions=rules.max_extensions,
    )


async def update_rules(
    actor: Actor | None, data: schemas.Rules | schemas.RulesChange
) -> schemas.Rules:
    """Change the rules given; a rule left out of a :class:`schemas.RulesChange` keeps its value."""
    current = msgspec.structs.asdict(rules_view(await get_rules()))
    given = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    values = {**current, **given}
    numbers = ("min_notice_days", "max_duration_days", "max_items_per_borrower", "due_soon_days")
    for name in (*numbers, "max_extensions"):
        if not 0 <= values[name] <= 3650:
            raise refuse("invalid.days", field=name)
    if values["max_duration_days"] < 1 or values["max_items_per_borrower"] < 1:
        raise refuse("invalid.rules_minimum", field="max_duration_days")
    prefix = str(values["asset_tag_prefix"]).strip().upper()
    if not (prefix.isalnum() and 1 <= len(prefix) <= 6):
        raise refuse("invalid.tag_prefix", field="asset_tag_prefix")
    values["asset_tag_prefix"] = prefix
    await get_rules()
    async with write_transaction():
        await FleetRules.update({getattr(FleetRules, k): v for k, v in values.items()}).where(
            FleetRules.id == 1
        )
        await audit.record(actor, "update", "fleet_rules", 1, values)
    return rules_view(await get_rules())


async def next_asset_tag() -> str:
    """Prefix + the next free number, from an atomic counter (two creations never get the same
    tag). A number already taken by a tag typed by hand (or imported) is skipped, so the counter
    moves past it instead of failing on the unique tag forever."""
    await get_rules()
    while True:
        row = (
            await FleetRules.update(
                {FleetRules.last_asset_number: FleetRules.last_asset_number + 1}
            )
            .where(FleetRules.id == 1)
            .returning(FleetRules.last_asset_number, FleetRules.asset_tag_prefix)
        )[0]
        tag = f"{row['asset_tag_prefix']}-{row['last_asset_number']:05d}"
        if not await Item.exists().where(Item.asset_tag == tag):
            return tag


async def check_serial_free(serial: str, item_id: int | None = None) -> None:
    """A serial number names one device whatever its case (``AUDIT-SN-1`` is ``audit-sn-1``);
    a unique index on ``lower(serial)`` holds it in the database too."""
    query = Item.select(Item.serial).where(Lower(Item.serial) == serial.lower())
    if item_id is not None:
        query = query.where(Item.id != item_id)
    taken = await query.first()
    if taken:
        spelt = "" if taken["serial"] == serial else f" (écrit « {taken['serial']} »)"
        raise refuse("duplicate_serial", _serial=serial, _spelt=spelt)


def item_view(item: Item | dict[str, Any], kit: str | None = None) -> schemas.ItemView:
    def get(key: str) -> Any:
        return item.get(key) if isinstance(item, dict) else getattr(item, key)

    accessories = get("accessories")
    if isinstance(accessories, str):
        accessories = json.loads(accessories or "[]")
    return schemas.ItemView(
        id=get("id"),
        asset_tag=get("asset_tag"),
        item_type=get("item_type"),
        type_label=item_type_label(get("item_type")),
        brand=get("brand"),
        model=get("model"),
        serial=get("serial"),
        declared_value_cents=get("declared_value_cents"),
        accessories=list(accessories or []),
        purchase_date=get("purchase_date"),
        status=get("status"),
        status_label=item_status_label(get("status")),
        notes=get("notes"),
        kit=kit,
        qr_url=item_url(get("asset_tag")),
    )


async def clean_item(data: schemas.ItemIn) -> dict[str, Any]:
    """Validated column values, or DomainError naming the faulty field (shared with CSV import)."""
    if data.item_type not in ItemType.__members__:
        raise refuse("invalid.item_type", _item_type=data.item_type, field="item_type")
    if data.status not in MANUAL_STATUSES:
        raise refuse("invalid.initial_status", field="status")
    serial = data.serial.strip()
    if not serial:
        raise refuse("invalid.serial_missing", field="serial")
    if data.declared_value_cents < 0:
        raise refuse("invalid.value_negative", field="declared_value_cents")
    if data.purchase_date and data.purchase_date > clock.today():
        raise refuse("invalid.purchase_in_future", field="purchase_date")
    await check_serial_free(serial)
    tag = (data.asset_tag or "").strip().upper()
    if tag and await Item.exists().where(Item.asset_tag == tag):
        raise refuse("duplicate_asset_tag", _tag=tag)
    return {
        "item_type": data.item_type,
        "brand": data.brand.strip(),
        "model": data.model.strip(),
        "serial": serial,
        "asset_tag": tag,
        "declared_value_cents": data.declared_value_cents,
        "accessories": [a.strip() for a in data.accessories if a.strip()],
        "purchase_date": data.purchase_date,
        "notes": data.notes.strip(),
        "status": data.status,
    }


async def insert_item(actor: Actor | None, values: dict[str, Any]) -> Item:
    """Insert validated values (inside the caller's transaction), generating the tag if needed."""
    values = {**values, "asset_tag": values["asset_tag"] or await next_asset_tag()}
    item = Item(**values)
    await item.save()
    changes = {**values, "purchase_date": str(values["purchase_date"] or "")}
    await audit.record(actor, "create", "item", item.id, changes)
    return item


async def create_item(actor: Actor | None, data: schemas.ItemIn) -> schemas.ItemView:
    values = await clean_item(data)
    async with write_transaction():
        item = await insert_item(actor, values)
    from equipment.tasks import offer_waiting_later  # the task module reads this one

    await offer_waiting_later()  # a new device: the waiting list may move
    return item_view(item)


async def item_by_tag(tag: str) -> Item:
    item = await Item.objects().get(Item.asset_tag == tag.strip().upper())
    if item is None:
        raise refuse("not_found.item", _tag=tag)
    return item


async def kit_names(item_ids: list[int]) -> dict[int, str]:
    if not item_ids:
        return {}
    rows = await KitItem.select(KitItem.item, KitItem.kit.name).where(KitItem.item.is_in(item_ids))
    return {r["item"]: r["kit.name"] for r in rows}


async def get_item(tag: str) -> schemas.ItemView:
    """One item by asset tag (what the label QR opens)."""
    item = await item_by_tag(tag)
    return item_view(item, (await kit_names([item.id])).get(item.id))


async def item_filters(
    item_type: str | None = None, status: str | None = None, q: str = "", kit_id: int | None = None
) -> list[Any]:
    """Piccolo wheres on :class:`Item`; ``q`` searches tag, serial, brand and model."""
    conditions: list[Any] = []
    if item_type:
        conditions.append(Item.item_type == item_type)
    if status:
        conditions.append(Item.status == status)
    if q.strip():
        like = f"%{q.strip()}%"
        conditions.append(
            Item.asset_tag.ilike(like)
            | Item.serial.ilike(like)
            | Item.brand.ilike(like)
            | Item.model.ilike(like)
        )
    if kit_id is not None:
        members = await KitItem.select(KitItem.item).where(KitItem.kit == kit_id)
        conditions.append(Item.id.is_in([m["item"] for m in members] or [0]))
    return conditions


async def count_items(conditions: list[Any]) -> int:
    return await where_all(Item.count(), conditions)


async def list_items(
    item_type: str | None = None,
    status: str | None = None,
    q: str = "",
    kit_id: int | None = None,
    *,
    conditions: list[Any] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[schemas.ItemView]:
    """Inventory by asset tag, filtered (see :func:`item_filters`); every row unless ``limit``."""
    if conditions is None:
        conditions = await item_filters(item_type, status, q, kit_id)
    query = where_all(Item.select().order_by(Item.asset_tag), conditions)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = await query.output(load_json=True)
    kits = await kit_names([r["id"] for r in rows])
    return [item_view(r, kits.get(r["id"])) for r in rows]


async def _kit_members(data: schemas.KitIn, kit_id: int | None = None) -> tuple[str, list[Item]]:
    """The kit's clean name and devices, refused if the name is taken or a device is elsewhere."""
    name = data.name.strip()
    if not name:
        raise refuse("invalid.kit_name", field="name")
    same_name = Kit.exists().where(Kit.name == name)
    if kit_id is not None:
        same_name = same_name.where(Kit.id != kit_id)
    if await same_name:
        raise refuse("duplicate_kit", _name=name)
    items = [await item_by_tag(tag) for tag in data.items]
    elsewhere = KitItem.select(KitItem.item).where(KitItem.item.is_in([i.id for i in items] or [0]))
    if kit_id is not None:
        elsewhere = elsewhere.where(KitItem.kit != kit_id)
    taken = {r["item"] for r in await elsewhere}
    if taken:
        tags = ", ".join(i.asset_tag for i in items if i.id in taken)
        raise refuse("already_in_kit", _tags=tags)
    return name, items


async def create_kit(actor: Actor | None, data: schemas.KitIn) -> schemas.KitView:
    name, items = await _kit_members(data)
    async with write_transaction():
        kit = Kit(name=name, notes=data.notes.strip())
        await kit.save()
        if items:
            await KitItem.insert(*[KitItem(kit=kit.id, item=i.id) for i in items])
        await audit.record(actor, "create", "kit", kit.id, {"name": name, "items": data.items})
    return await get_kit(kit.id)


async def update_kit(actor: Actor | None, kit_id: int, data: schemas.KitIn) -> schemas.KitView:
    """Rename a kit, change its notes and its devices (devices left out are no longer in a kit)."""
    before = await get_kit(kit_id)
    name, items = await _kit_members(data, kit_id)
    async with write_transaction():
        await Kit.update({Kit.name: name, Kit.notes: data.notes.strip()}).where(Kit.id == kit_id)
        await KitItem.delete().where(KitItem.kit == kit_id)
        if items:
            await KitItem.insert(*[KitItem(kit=kit_id, item=i.id) for i in items])
        tags = sorted(i.asset_tag for i in items)
        changes: dict[str, Any] = {}
        if name != before.name:
            changes["name"] = {"from": before.name, "to": name}
        if tags != before.items:
            changes["items"] = {"from": before.items, "to": tags}
        await audit.record(actor, "update", "kit", kit_id, changes)
    from equipment.tasks import offer_waiting_later  # the task module reads this one

    await offer_waiting_later()  # a busy device swapped out: a kit someone waits for may be free
    return await get_kit(kit_id)


async def dissolve_kit(actor: Actor | None, kit_id: int) -> schemas.KitView:
    """Delete the kit; its devices stay in the inventory, in no kit. Returns what it was."""
    before = await get_kit(kit_id)
    async with write_transaction():
        await KitItem.delete().where(KitItem.kit == kit_id)
        photo_keys = await photos.forget_kit(kit_id)
        await Kit.delete().where(Kit.id == kit_id)
        await audit.record(
            actor, "dissolve", "kit", kit_id, {"name": before.name, "items": before.items}
        )
    await photos.drop_documents(photo_keys)
    return before


async def get_kit(kit_id: int) -> schemas.KitView:
    kit = await Kit.objects().get(Kit.id == kit_id)
    if kit is None:
        raise refuse("not_found.kit")
    rows = await KitItem.select(KitItem.item.asset_tag).where(KitItem.kit == kit_id)
    tags = sorted(r["item.asset_tag"] for r in rows)
    return schemas.KitView(id=kit.id, name=kit.name, notes=kit.notes, items=tags)


async def list_kits(limit: int | None = None, offset: int = 0) -> list[schemas.KitView]:
    """Kits by name (every kit, or one slice with ``limit``), their items read in one query."""
    query = Kit.select(Kit.id, Kit.name, Kit.notes).order_by(Kit.name).order_by(Kit.id)
    kits = await (query.limit(limit).offset(offset) if limit is not None else query)
    tags: dict[int, list[str]] = {}
    if kits:
        for row in await KitItem.select(KitItem.kit, KitItem.item.asset_tag).where(
            KitItem.kit.is_in([k["id"] for k in kits])
        ):
            tags.setdefault(row["kit"], []).append(row["item.asset_tag"])
    return [
        schemas.KitView(
            id=k["id"], name=k["name"], notes=k["notes"], items=sorted(tags.get(k["id"], []))
        )
        for k in kits
    ]


async def count_kits() -> int:
    return await Kit.count()


async def kit_item_ids(kit_ids: list[int]) -> list[int]:
    found = await Kit.select(Kit.id).where(Kit.id.is_in(kit_ids or [0]))
    missing = set(kit_ids) - {k["id"] for k in found}
    if missing:
        raise refuse("not_found.kits", _missing=sorted(missing))
    rows = await KitItem.select(KitItem.item).where(KitItem.kit.is_in(kit_ids or [0]))
    return [r["item"] for r in rows]
