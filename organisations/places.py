"""The public directory's read side: the qualified sites where cheques are accepted.

Sites come with their opening slots and the day of their last edit (from the audit trail), two
queries for a whole page; the page's filters (commune, service) and its pagination run in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Max

from organisations.hours import Slot, short_labels
from organisations.tables import OpeningSlot, Organisation, SiteStatus
from passnum.db import order_french
from passnum.fr import format_phone, sort_key
from passnum.pagination import Page, paginate_where
from passnum.tables import AuditEntry
from territory.services import commune_names


@dataclass
class Place:
    id: int
    name: str
    kind: str
    siret: str
    address: str
    postcode: str
    commune: str
    insee_code: str
    phone: str
    email: str
    services: list[str]
    updated_on: date
    slots: list[Slot] = field(default_factory=list)
    rna: str = ""
    website: str = ""
    acceslibre_url: str = ""
    appointment_url: str = ""
    publics: list[str] = field(default_factory=list)
    typology: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def short_slots(self) -> list[str]:
        return short_labels(self.slots)


def qualified_site() -> Any:
    return Organisation.is_site.eq(True) & (Organisation.site_status == SiteStatus.qualified.value)


def split_services(text: str | None) -> list[str]:
    return [s.strip() for s in (text or "").splitlines() if s.strip()]


def places_query() -> Any:
    """Sites by commune, then name, in French order, then id (so pages never repeat a site);
    add the filters."""
    query = order_french(Organisation.objects(), "commune")
    return order_french(query, "name").order_by(Organisation.id)


async def list_places() -> list[Place]:
    """Every qualified site, for the open-data export (the page filters and pages in SQL)."""
    return await to_places(await places_query().where(qualified_site()))


@dataclass
class DirectoryChoices:
    """What the directory's filters offer: the distinct communes and services of qualified sites.

    A commune is offered by its official name and filters on the site's stored commune, its INSEE
    code (a name typed differently before the official list, "St-Lo", is still Saint-Lô); a site
    stored without a code is matched on its name."""

    communes: list[str]
    services: list[str]
    service_texts: list[str]  # the distinct ``services`` column values, to filter in SQL
    codes: dict[str, list[str]] = field(default_factory=dict)  # name shown → INSEE codes

    def conditions(self, commune: str, service: str) -> list[Any]:
        """Piccolo wheres for one commune and one service (a whole line of ``services``)."""
        conditions: list[Any] = []
        if commune:
            by_name = (Organisation.insee_code == "") & (Organisation.commune == commune)
            codes = self.codes.get(commune)
            conditions.append(Organisation.insee_code.is_in(codes) | by_name if codes else by_name)
        if service:
            texts = [t for t in self.service_texts if service in split_services(t)]
            conditions.append(Organisation.services.is_in(texts) if texts else Organisation.id < 0)
        return conditions


async def directory_choices() -> DirectoryChoices:
    """Distinct values only: as many rows as communes and service combinations, not sites."""
    communes = (
        await Organisation.select(Organisation.insee_code, Organisation.commune)
        .where(qualified_site())
        .distinct()
    )
    texts = await Organisation.select(Organisation.services).where(qualified_site()).distinct()
    service_texts = [r["services"] or "" for r in texts]
    official = await commune_names([r["insee_code"] for r in communes if r["insee_code"]])
    codes: dict[str, list[str]] = {}
    for r in communes:
        name = official.get(r["insee_code"]) or r["commune"]
        if name:
            codes.setdefault(name, [])
            if r["insee_code"] in official:
                codes[name].append(r["insee_code"])
    return DirectoryChoices(
        sorted(codes, key=sort_key),
        sorted({s for t in service_texts for s in split_services(t)}, key=sort_key),
        service_texts,
        codes,
    )


async def to_places(orgs: list[Organisation]) -> list[Place]:
    """Places for these sites, with their slots and last edit (two queries for the lot)."""
    ids = [o.id for o in orgs]
    slots = await OpeningSlot.objects().where(OpeningSlot.organisation.is_in(ids)) if ids else []
    edits = (
        await AuditEntry.select(AuditEntry.entity_id, Max(AuditEntry.at, alias="last"))
        .where((AuditEntry.entity == "organisation") & AuditEntry.entity_id.is_in(ids_as_str(ids)))
        .group_by(AuditEntry.entity_id)
        if ids
        else []
    )
    last_edit = {int(e["entity_id"]): as_datetime(e["last"]) for e in edits}
    # The commune by its official name when its code is known (whatever was typed before).
    official = await commune_names(sorted({o.insee_code for o in orgs if o.insee_code}))
    places = []
    for o in orgs:
        updated = max(filter(None, [o.created_at, last_edit.get(o.id)]))
        own = [to_slot(s) for s in slots if s.organisation == o.id]
        place = Place(
            o.id,
            o.name,
            o.kind,
            o.siret or "",
            o.address,
            o.postcode,
            official.get(o.insee_code) or o.commune,
            o.insee_code,
            o.phone,
            o.email,
            split_services(o.services),
            updated.date(),
            own,
            o.rna or "",
            o.website,
            o.acceslibre_url,
            o.appointment_url,
            split_services(o.publics),
            [t for t in (o.typology or "").split("|") if t],
            o.latitude,
            o.longitude,
        )
        places.append(place)
    return places


def as_datetime(value: datetime | str) -> datetime:
    """Aggregates come back as text on SQLite."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def ids_as_str(ids: list[int]) -> list[str]:
    return [str(i) for i in ids]


def to_slot(row: OpeningSlot) -> Slot:
    return Slot(row.id, row.weekday, row.opens, row.closes, row.note)


@dataclass
class DirectoryPage:
    places: list[Place]
    pager: Page
    choices: DirectoryChoices


async def directory_page(commune: str, service: str, page: str) -> DirectoryPage:
    """One page of qualified sites, filtered by commune and service, with the filters' choices."""
    choices = await directory_choices()
    pager = await paginate_where(
        Organisation,
        places_query(),
        [qualified_site(), *choices.conditions(commune, service)],
        page,
        {"commune": commune, "service": service},
    )
    return DirectoryPage(await to_places(pager.items), pager, choices)
