"""Inventory audits: staff open one, scan labels (QR: the item URL; Code 128: the asset tag), and
get the devices seen, missing, and seen but marked elsewhere (on loan, lost, retired)."""

from __future__ import annotations

from datetime import date
from typing import Any

from equipment.inventory import item_by_tag
from equipment.tables import Item, ItemStatus, StockTake, StockTakeScan
from passnum import audit
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError

ELSEWHERE = (ItemStatus.on_loan.value, ItemStatus.lost.value, ItemStatus.retired.value)


def tag_of(code: str) -> str:
    """What a scanner typed: the asset tag, or the QR's item URL ending in /i/<tag>."""
    return code.strip().rstrip("/").rsplit("/i/", 1)[-1].strip().upper()


async def open_stock_take(actor: Actor | None) -> dict[str, Any]:
    async with write_transaction():
        take = StockTake(opened_by=actor.user_id if actor else None)
        await take.save()
        await audit.record(actor, "open", "stock_take", take.id, {})
    return await stock_take_report(take.id)


async def scan(actor: Actor | None, take_id: int, code: str) -> dict[str, Any]:
    if not await StockTake.exists().where(StockTake.id == take_id):
        raise DomainError("not_found", "Inventaire introuvable.", 404)
    item = await item_by_tag(tag_of(code))
    async with write_transaction():
        seen = await StockTakeScan.exists().where(
            (StockTakeScan.stock_take == take_id) & (StockTakeScan.item == item.id)
        )
        if not seen:
            await StockTakeScan.insert(StockTakeScan(stock_take=take_id, item=item.id))
    return await stock_take_report(take_id)


async def stock_take_report(take_id: int) -> dict[str, Any]:
    take = await StockTake.objects().get(StockTake.id == take_id)
    if take is None:
        raise DomainError("not_found", "Inventaire introuvable.", 404)
    seen_ids = {
        r["item"]
        for r in await StockTakeScan.select(StockTakeScan.item).where(
            StockTakeScan.stock_take == take_id
        )
    }
    items = await Item.select(Item.id, Item.asset_tag, Item.status).order_by(Item.asset_tag)
    seen = [i["asset_tag"] for i in items if i["id"] in seen_ids]
    elsewhere = [i["asset_tag"] for i in items if i["id"] in seen_ids and i["status"] in ELSEWHERE]
    missing = [
        i["asset_tag"] for i in items if i["id"] not in seen_ids and i["status"] not in ELSEWHERE
    ]
    return {
        "id": take.id,
        "opened_at": take.opened_at.isoformat(),
        "seen": seen,
        "missing": missing,
        "seen_but_marked_elsewhere": elsewhere,
    }


async def last_seen_on(item_id: int) -> date | None:
    """The day a device was last scanned in an audit, if ever (the item page shows it)."""
    row = (
        await StockTakeScan.select(StockTakeScan.scanned_at)
        .where(StockTakeScan.item == item_id)
        .order_by(StockTakeScan.scanned_at, ascending=False)
        .first()
    )
    return row["scanned_at"].date() if row else None


async def last_seen(tag: str) -> str | None:
    """When a device was last scanned in an audit (stored wall-clock time), if ever."""
    item = await item_by_tag(tag)
    row = (
        await StockTakeScan.select(StockTakeScan.scanned_at)
        .where(StockTakeScan.item == item.id)
        .order_by(StockTakeScan.scanned_at, ascending=False)
        .first()
    )
    return row["scanned_at"].isoformat() if row else None
