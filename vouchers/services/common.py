"""Helpers every vouchers service shares: transactions, clock, access checks, site listings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from passnum.auth.actor import Actor
from passnum.tables import OpeningSlot, Organisation, Role, SiteStatus
from vouchers import schemas
from vouchers.errors import refuse
from vouchers.tables import Booklet


def transaction() -> Any:
    """A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so
    concurrent writers queue instead of failing when they upgrade a read lock."""
    engine = Booklet._meta.db
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return date.today()


def require_staff(actor: Actor | None) -> None:
    if actor is None or not actor.is_staff:
        raise refuse("forbidden")


def prescriber_org(actor: Actor, organisation_id: int | None = None) -> int:
    """The prescriber organisation the actor acts for (the given one must be theirs)."""
    own = actor.organisation_ids(Role.prescriber)
    if organisation_id is not None:
        if organisation_id in own:
            return organisation_id
        raise refuse("forbidden")
    membership = actor.organisation_for(Role.prescriber)
    if membership is None:
        raise refuse("forbidden")
    return membership.organisation_id


WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _slot(row: dict) -> str:
    hours = f"{row['opens']:%H:%M}–{row['closes']:%H:%M}".replace(":", " h ").replace(" h 00", " h")
    return f"{WEEKDAYS[row['weekday']]} {hours}" + (f" ({row['note']})" if row["note"] else "")


async def opening_slots(site_ids: list[int]) -> dict[int, str]:
    """Each site's permanences in words, e.g. "mercredi 9 h–12 h"."""
    if not site_ids:
        return {}
    rows = (
        await OpeningSlot.select()
        .where(OpeningSlot.organisation.is_in(site_ids))
        .order_by(OpeningSlot.weekday)
        .order_by(OpeningSlot.opens)
    )
    slots: dict[int, list[str]] = {}
    for row in rows:
        slots.setdefault(row["organisation"], []).append(_slot(row))
    return {site: ", ".join(texts) for site, texts in slots.items()}


async def accepted_sites(
    allowed_site_ids: list[Any], allowed_insee: list[Any]
) -> tuple[bool, list[schemas.SiteInfo]]:
    """Qualified sites where a batch's cheques are accepted, and whether that is all of them."""
    query = Organisation.select(
        Organisation.id,
        Organisation.name,
        Organisation.commune,
        Organisation.address,
        Organisation.phone,
        Organisation.insee_code,
    ).where(
        Organisation.is_site.eq(True) & (Organisation.site_status == SiteStatus.qualified.value)
    )
    rows = await query.order_by(Organisation.commune).order_by(Organisation.name)
    everywhere = not allowed_site_ids and not allowed_insee
    if not everywhere:
        ids = {int(s) for s in allowed_site_ids}
        communes = {str(c) for c in allowed_insee}
        rows = [
            r for r in rows if r["id"] in ids or (r["insee_code"] and r["insee_code"] in communes)
        ]
    slots = await opening_slots([r["id"] for r in rows])
    return everywhere, [
        schemas.SiteInfo(
            id=r["id"],
            name=r["name"],
            commune=r["commune"],
            address=r["address"],
            phone=r["phone"],
            opening_slots=slots.get(r["id"], ""),
        )
        for r in rows
    ]
