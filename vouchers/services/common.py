"""Helpers every vouchers service shares: access checks, site listings."""

from __future__ import annotations

from typing import Any

from organisations.tables import Organisation, SiteStatus
from passnum import db
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.fr import format_phone
from passnum.settings import get_settings
from vouchers import schemas
from vouchers.errors import refuse


def load_perimeter(row: dict) -> dict:
    """A raw row's batch perimeter as lists (JSON columns come back as text from raw SQL)."""
    for name in ("allowed_site_ids", "allowed_insee_codes"):
        row[name] = db.as_json(row[name], [])
    return row


def directory_url() -> str:
    """The public directory of qualified sites (the organisations app serves it at /lieux)."""
    return f"{get_settings().public_url}/lieux"


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


# Sites and their permanences in one raw query (the status page runs it on every scan; building
# two Piccolo selects cost more CPU than running them). Constants only are joined; values are
# bound parameters ({}).
SITES_SQL = """
SELECT o.id, o.name, o.commune, o.address, o.phone, s.weekday, s.opens, s.closes, s.note
FROM organisation o LEFT JOIN opening_slot s ON s.organisation = o.id
WHERE o.is_site = {{}} AND o.site_status = {{}}{perimeter}
ORDER BY o.commune, o.name, o.id, s.weekday, s.opens
"""


async def accepted_sites(
    allowed_site_ids: list[Any], allowed_insee: list[Any]
) -> tuple[bool, list[schemas.SiteInfo]]:
    """Whether a batch's cheques are accepted at every qualified site, else the sites that do.

    A batch without perimeter gets no list: that would be every site of the territory (5,000
    nationally) on each status request and receipt; the public directory lists them.
    """
    ids = sorted({int(s) for s in allowed_site_ids})
    communes = sorted({str(c) for c in allowed_insee})
    everywhere = not ids and not communes
    if everywhere:
        return True, []
    clauses = []
    if ids:
        clauses.append(f"o.id IN ({', '.join('{}' for _ in ids)})")
    if communes:
        clauses.append(
            f"(o.insee_code <> '' AND o.insee_code IN ({', '.join('{}' for _ in communes)}))"
        )
    perimeter = f" AND ({' OR '.join(clauses)})"
    rows = await db.fetch(
        Organisation,
        SITES_SQL.format(perimeter=perimeter),
        True,
        SiteStatus.qualified.value,
        *ids,
        *communes,
    )
    sites: dict[int, dict] = {}
    for r in rows:
        site = sites.setdefault(r["id"], {**r, "slots": []})
        if r["weekday"] is not None:
            site["slots"].append(_slot(r))
    return everywhere, [
        schemas.SiteInfo(
            id=s["id"],
            name=s["name"],
            commune=s["commune"],
            address=s["address"],
            phone=format_phone(s["phone"] or ""),
            opening_slots=", ".join(s["slots"]),
        )
        for s in sites.values()
    ]
