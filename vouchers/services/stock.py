"""Stock: staff allocate booklets to prescriber organisations and move them between them.

Moves are set-based (a range of serials), so allocating thousands of booklets is one UPDATE.
"""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count, Max, Min

from organisations.tables import Organisation
from passnum import audit
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.clock import stamp, today
from passnum.db import write_transaction
from vouchers import schemas
from vouchers.choices import BookletStatus
from vouchers.codes import booklet_number, parse_booklet_number
from vouchers.errors import invalid, refuse
from vouchers.rules import validity_text
from vouchers.services.common import require_staff
from vouchers.tables import Batch, Booklet

DEPARTEMENT_STOCK = "Stock du Département (non attribué)"


async def _source(data: schemas.StockMoveIn):
    """Booklets that may move: not expired, in the source's stock, from the batch if given."""
    live = await Batch.select(Batch.id).where(Batch.valid_until >= today())
    condition = Booklet.batch.is_in([b["id"] for b in live] or [0])
    if data.from_organisation_id is None:
        condition &= Booklet.status == BookletStatus.in_stock.value
    else:
        condition &= (Booklet.status == BookletStatus.allocated.value) & (
            Booklet.holder == data.from_organisation_id
        )
    if data.batch_id is not None:
        condition &= Booklet.batch == data.batch_id
    return condition


async def _serial_range(data: schemas.StockMoveIn, source) -> tuple[int, int, int]:
    """(first serial, last serial, expected count) of the booklets to move."""
    if data.first_number or data.last_number:
        first = await _serial(data.first_number or data.last_number or "")
        last = await _serial(data.last_number or data.first_number or "")
        if last < first:
            first, last = last, first
        wanted = last - first + 1
        available = await Booklet.count().where(
            source & (Booklet.serial >= first) & (Booklet.serial <= last)
        )
        if available != wanted:
            raise refuse("not_enough_stock", available=available, wanted=wanted)
        return first, last, wanted
    if not data.count or data.count < 1:
        raise invalid("count", "Indiquez un nombre de carnets, ou un premier et dernier numéro.")
    rows = (
        await Booklet.select(Booklet.serial)
        .where(source)
        .order_by(Booklet.serial)
        .offset(data.count - 1)
        .limit(1)
    )
    if not rows:
        available = await Booklet.count().where(source)
        raise refuse("not_enough_stock", available=available, wanted=data.count)
    first = await Booklet.select(Min(Booklet.serial, alias="s")).where(source).first()
    assert first is not None  # an aggregate has one row
    return first["s"], rows[0]["serial"], data.count


async def _serial(text: str) -> int:
    number = parse_booklet_number(text)
    row = await Booklet.select(Booklet.serial).where(Booklet.number == number).first()
    if row is None:
        raise refuse("booklet_not_found")
    return row["serial"]


async def move_booklets(actor: Actor, data: schemas.StockMoveIn) -> schemas.StockMove:
    """Allocate booklets from the Département's stock (no ``from_organisation_id``) or move them
    from one prescriber organisation to another: ``count`` lowest numbers, or a number range."""
    require_staff(actor)
    target = await Organisation.select(Organisation.is_prescriber).where(
        Organisation.id == data.to_organisation_id
    )
    if not target or not target[0]["is_prescriber"]:
        raise invalid("to_organisation_id", "Choisissez une structure prescriptrice.")
    if data.from_organisation_id == data.to_organisation_id:
        raise invalid("from_organisation_id", "La structure d'origine et de destination diffèrent.")
    source = await _source(data)
    async with write_transaction():
        first, last, wanted = await _serial_range(data, source)
        moved = (
            await Booklet.update(
                {
                    Booklet.status: BookletStatus.allocated.value,
                    Booklet.holder: data.to_organisation_id,
                    Booklet.allocated_at: stamp(),
                }
            )
            .where(source & (Booklet.serial >= first) & (Booklet.serial <= last))
            .returning(Booklet.serial)
        )
        if len(moved) != wanted:
            raise refuse("not_enough_stock", available=len(moved), wanted=wanted)
        result = schemas.StockMove(
            to_organisation_id=data.to_organisation_id,
            from_organisation_id=data.from_organisation_id,
            count=len(moved),
            first_number=booklet_number(first),
            last_number=booklet_number(last),
        )
        action = "allocate" if data.from_organisation_id is None else "move"
        await audit.record(
            actor,
            action,
            "organisation",
            data.to_organisation_id,
            {
                "booklets": result.count,
                "from": data.from_organisation_id,
                "first": result.first_number,
                "last": result.last_number,
            },
        )
    return result


async def stock(actor: Actor, organisation_id: int | None = None) -> list[schemas.StockLine]:
    """Booklets available to hand out, per organisation and batch (expired ones left out).

    Prescribers see their own organisation; staff see every organisation and the Département's
    unallocated stock (organisation id 0), or one organisation when ``organisation_id`` is given.
    """
    if actor.is_staff:
        holders = None if organisation_id is None else [organisation_id]
    else:
        own = actor.organisation_ids(Role.prescriber)
        if not own or (organisation_id is not None and organisation_id not in own):
            raise refuse("forbidden")
        holders = [organisation_id] if organisation_id is not None else sorted(own)
    condition = (Booklet.batch.valid_until >= today()) & Booklet.status.is_in(
        [BookletStatus.in_stock.value, BookletStatus.allocated.value]
    )
    if holders is not None:
        condition &= Booklet.holder.is_in(holders)
    rows = (
        await Booklet.select(
            Booklet.holder,
            Booklet.holder.name.as_alias("holder_name"),
            Booklet.batch,
            Booklet.batch.label.as_alias("label"),
            Booklet.batch.status.as_alias("batch_status"),
            Booklet.batch._.funder._.name.as_alias("funder"),
            Booklet.batch.valid_from.as_alias("valid_from"),
            Booklet.batch.valid_until.as_alias("valid_until"),
            Booklet.batch.grace_days.as_alias("grace_days"),
            Count(alias="n"),
            Min(Booklet.serial, alias="first"),
            Max(Booklet.serial, alias="last"),
        )
        .where(condition)
        .group_by(
            Booklet.holder,
            Booklet.holder.name,
            Booklet.batch,
            Booklet.batch.label,
            Booklet.batch.status,
            Booklet.batch._.funder._.name,
            Booklet.batch.valid_from,
            Booklet.batch.valid_until,
            Booklet.batch.grace_days,
        )
        .order_by(Booklet.holder.name)
        .order_by(Booklet.batch)
    )
    return [
        schemas.StockLine(
            organisation_id=r["holder"] or 0,
            organisation_name=r["holder_name"] or DEPARTEMENT_STOCK,
            batch_id=r["batch"],
            batch_label=r["label"],
            batch_status=r["batch_status"],
            funder_name=r["funder"],
            valid_until=r["valid_until"],
            validity=validity_text(r["valid_from"], r["valid_until"], r["grace_days"]),
            available=r["n"],
            first_number=booklet_number(r["first"]),
            last_number=booklet_number(r["last"]),
        )
        for r in rows
    ]
