"""Inventory audits: staff open one, scan labels (QR: the item URL; Code 128: the asset tag), and
get the devices seen, missing, and seen but marked elsewhere (on loan, lost, retired).

While an audit is open its result is worked out from the inventory as it is now. Closing it
freezes the result (``StockTake.results``): the list of past audits shows what each one found on
its day, whatever became of the devices since. A closed audit takes no more scans.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from equipment.errors import refuse
from equipment.inventory import item_by_tag
from equipment.labels import item_status_label, item_type_label
from equipment.schemas import StockTakeCounts, StockTakeReport, StockTakeSummary
from equipment.tables import Item, ItemStatus, StockTake, StockTakeScan
from passnum import audit, clock
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError

ELSEWHERE = (ItemStatus.on_loan.value, ItemStatus.lost.value, ItemStatus.retired.value)
LISTS = ("seen", "missing", "seen_but_marked_elsewhere")


def tag_of(code: str) -> str:
    """What a scanner typed: the asset tag, or the QR's item URL ending in /i/<tag>."""
    return code.strip().rstrip("/").rsplit("/i/", 1)[-1].strip().upper()


def _not_found() -> DomainError:
    return refuse("not_found.stock_take")


async def _take(take_id: int) -> StockTake:
    take = await StockTake.objects().get(StockTake.id == take_id)
    if take is None:
        raise _not_found()
    return take


async def exists(take_id: int) -> bool:
    return await StockTake.exists().where(StockTake.id == take_id)


async def open_stock_take(actor: Actor | None) -> StockTakeReport:
    async with write_transaction():
        take = StockTake(
            opened_by=actor.user_id if actor else None,
            opened_by_name=actor.display_name if actor else "",
        )
        await take.save()
        await audit.record(actor, "open", "stock_take", take.id, {})
    return await stock_take_report(take.id)


async def scan(actor: Actor | None, take_id: int, code: str) -> StockTakeReport:
    if not code.strip():
        raise refuse("invalid.scan_empty", field="code")
    take = await _take(take_id)
    if take.closed_at is not None:
        raise _closed(take)
    item = await item_by_tag(tag_of(code))
    async with write_transaction():
        seen = await StockTakeScan.exists().where(
            (StockTakeScan.stock_take == take_id) & (StockTakeScan.item == item.id)
        )
        if not seen:
            await StockTakeScan.insert(StockTakeScan(stock_take=take_id, item=item.id))
    return await stock_take_report(take_id)


def _closed(take: StockTake) -> DomainError:
    return refuse("stock_take_closed", _id=take.id)


async def close_stock_take(actor: Actor | None, take_id: int) -> StockTakeReport:
    """Freeze the audit's result as it stands; the audit takes no more scans."""
    take = await _take(take_id)
    if take.closed_at is not None:
        raise _closed(take)
    result = await _worked_out(take_id)
    async with write_transaction():
        updated = (
            await StockTake.update({StockTake.closed_at: clock.stamp(), StockTake.results: result})
            .where((StockTake.id == take_id) & StockTake.closed_at.is_null())
            .returning(StockTake.id)
        )
        if not updated:
            raise _closed(take)
        counts = {name: len(result[name]) for name in LISTS}
        await audit.record(actor, "close", "stock_take", take_id, counts)
    return await stock_take_report(take_id)


async def _worked_out(take_id: int) -> dict[str, list[str]]:
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
    return {"seen": seen, "missing": missing, "seen_but_marked_elsewhere": elsewhere}


async def stock_take_report(take_id: int) -> StockTakeReport:
    take = await _take(take_id)
    closed = take.closed_at is not None
    result = take.results if closed else await _worked_out(take_id)
    if isinstance(result, str):  # Piccolo reads a JSON column back as its text
        result = json.loads(result)
    return StockTakeReport(
        id=take.id,
        opened_at=take.opened_at,
        opened_by=take.opened_by_name,
        closed_at=take.closed_at,
        seen=list(result.get("seen", [])),
        missing=list(result.get("missing", [])),
        seen_but_marked_elsewhere=list(result.get("seen_but_marked_elsewhere", [])),
    )


async def list_stock_takes(limit: int, offset: int) -> list[StockTakeSummary]:
    """Past and open audits, newest first, each with its counts (closed: as frozen)."""
    takes = (
        await StockTake.select(StockTake.id)
        .order_by(StockTake.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    rows = []
    for take in takes:
        r = await stock_take_report(take["id"])
        counts = StockTakeCounts(
            seen=len(r.seen),
            missing=len(r.missing),
            seen_but_marked_elsewhere=len(r.seen_but_marked_elsewhere),
        )
        rows.append(
            StockTakeSummary(
                id=r.id,
                opened_at=r.opened_at,
                opened_by=r.opened_by,
                closed_at=r.closed_at,
                seen=r.seen,
                missing=r.missing,
                seen_but_marked_elsewhere=r.seen_but_marked_elsewhere,
                counts=counts,
            )
        )
    return rows


async def count_stock_takes() -> int:
    return await StockTake.count()


async def device_details(tags: list[str]) -> dict[str, dict[str, str]]:
    """What the audit page says of each device: its kind, model and current status."""
    if not tags:
        return {}
    rows = await Item.select(
        Item.asset_tag, Item.item_type, Item.brand, Item.model, Item.status
    ).where(Item.asset_tag.is_in(tags))
    return {
        r["asset_tag"]: {
            "kind": item_type_label(r["item_type"]),
            "model": f"{r['brand']} {r['model']}".strip(),
            "status": item_status_label(r["status"]),
        }
        for r in rows
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


async def last_seen(tag: str) -> datetime | None:
    """When a device was last scanned in an audit (stored wall-clock time), if ever."""
    item = await item_by_tag(tag)
    row = (
        await StockTakeScan.select(StockTakeScan.scanned_at)
        .where(StockTakeScan.item == item.id)
        .order_by(StockTakeScan.scanned_at, ascending=False)
        .first()
    )
    return row["scanned_at"] if row else None
