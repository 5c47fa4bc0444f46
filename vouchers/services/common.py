"""Helpers every vouchers service shares: transactions, clock, access checks, site listings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from passnum.auth.actor import Actor
from passnum.tables import Organisation, Role, SiteStatus
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


def _site(row: dict) -> schemas.SiteInfo:
    return schemas.SiteInfo(
        id=row["id"],
        name=row["name"],
        commune=row["commune"],
        address=row["address"],
        phone=row["phone"],
        opening_slots=row["opening_slots"],
    )


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
        Organisation.opening_slots,
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
    return everywhere, [_site(r) for r in rows]
