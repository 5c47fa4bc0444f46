"""Public directory of the qualified sites where cheques are accepted, its open-data export in
the national "lieux de médiation numérique" shape, and the editing of each site's opening slots.

Opening slots are shown in plain French ("mercredi 9 h – 12 h", "mercredi matin") and exported in
OpenStreetMap ``opening_hours`` syntax ("We 09:00-12:00"), from the one ``OpeningSlot`` table.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template
from piccolo.query.functions.aggregate import Max

from organisations.tables import OpeningSlot, Organisation, SiteStatus
from passnum import audit
from passnum.auth import PUBLIC, Actor, Role, roles
from passnum.errors import DomainError
from passnum.pagination import paginate_where
from passnum.settings import get_settings
from passnum.tables import AuditEntry

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
TYPOLOGIES = {"mairie": "MUNI", "bibliothèque": "BIB", "médiathèque": "BIB", "ccas": "CCAS"}
TYPOLOGIES |= {"association": "ASSO", "france services": "FRANCE_SERVICES"}
OPEN_DATA_FIELDS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "services", "publics_specifiquement_adresses",
    "frais_a_charge", "dispositif_programmes_nationaux", "modalites_acces",
    "modalites_accompagnement", "prise_rdv", "date_maj", "source",
]  # fmt: skip
LIST_FIELDS = {"typologie", "courriels", "services", "frais_a_charge"}
LIST_FIELDS |= {"dispositif_programmes_nationaux", "modalites_accompagnement"}


def hour_fr(moment: time) -> str:
    """9:00 → "9 h", 9:30 → "9 h 30"."""
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


def part_of_day(opens: time, closes: time) -> str:
    if closes <= time(13, 30):
        return "matin"
    if opens >= time(18):
        return "soir"
    if opens >= time(12):
        return "après-midi"
    return "journée"


@dataclass(frozen=True)
class Slot:
    id: int
    weekday: int
    opens: time
    closes: time
    note: str = ""

    @property
    def label(self) -> str:
        """e.g. "mercredi 9 h – 12 h"."""
        return f"{WEEKDAYS[self.weekday]} {hour_fr(self.opens)} – {hour_fr(self.closes)}"


def short_labels(slots: list[Slot]) -> list[str]:
    """One plain phrase per weekday, e.g. ["mercredi matin", "jeudi matin et après-midi"]."""
    by_day: dict[int, list[str]] = {}
    for slot in sorted(slots, key=lambda s: (s.weekday, s.opens)):
        parts = by_day.setdefault(slot.weekday, [])
        if (part := part_of_day(slot.opens, slot.closes)) not in parts:
            parts.append(part)
    return [f"{WEEKDAYS[day]} {' et '.join(parts)}" for day, parts in sorted(by_day.items())]


def osm_opening_hours(slots: list[Slot]) -> str:
    """OpenStreetMap ``opening_hours``: days with the same hours share one rule."""
    by_day: dict[int, list[str]] = {}
    for slot in sorted(slots, key=lambda s: (s.weekday, s.opens)):
        by_day.setdefault(slot.weekday, []).append(f"{slot.opens:%H:%M}-{slot.closes:%H:%M}")
    rules: dict[str, list[str]] = {}
    for day, ranges in sorted(by_day.items()):
        rules.setdefault(",".join(ranges), []).append(OSM_DAYS[day])
    return "; ".join(f"{','.join(days)} {ranges}" for ranges, days in rules.items())


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

    @property
    def short_slots(self) -> list[str]:
        return short_labels(self.slots)


def qualified_site() -> Any:
    return Organisation.is_site.eq(True) & (Organisation.site_status == SiteStatus.qualified.value)


def split_services(text: str | None) -> list[str]:
    return [s.strip() for s in (text or "").splitlines() if s.strip()]


def places_query() -> Any:
    """Sites by commune, then name, then id (so pages never repeat a site); add the filters."""
    return (
        Organisation.objects()
        .order_by(Organisation.commune)
        .order_by(Organisation.name)
        .order_by(Organisation.id)
    )


async def list_places() -> list[Place]:
    """Every qualified site, for the open-data export (the page filters and pages in SQL)."""
    return await to_places(await places_query().where(qualified_site()))


@dataclass
class DirectoryChoices:
    """What the directory's filters offer: the distinct communes and services of qualified sites."""

    communes: list[str]
    services: list[str]
    service_texts: list[str]  # the distinct ``services`` column values, to filter in SQL

    def conditions(self, commune: str, service: str) -> list[Any]:
        """Piccolo wheres for one commune and one service (a whole line of ``services``)."""
        conditions: list[Any] = []
        if commune:
            conditions.append(Organisation.commune == commune)
        if service:
            texts = [t for t in self.service_texts if service in split_services(t)]
            conditions.append(Organisation.services.is_in(texts) if texts else Organisation.id < 0)
        return conditions


async def directory_choices() -> DirectoryChoices:
    """Distinct values only: as many rows as communes and service combinations, not sites."""
    communes = await Organisation.select(Organisation.commune).where(qualified_site()).distinct()
    texts = await Organisation.select(Organisation.services).where(qualified_site()).distinct()
    service_texts = [r["services"] or "" for r in texts]
    return DirectoryChoices(
        sorted({r["commune"] for r in communes if r["commune"]}),
        sorted({s for t in service_texts for s in split_services(t)}),
        service_texts,
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
    places = []
    for o in orgs:
        updated = max(filter(None, [o.created_at, last_edit.get(o.id)]))
        own = [_slot(s) for s in slots if s.organisation == o.id]
        place = Place(
            o.id,
            o.name,
            o.kind,
            o.siret or "",
            o.address,
            o.postcode,
            o.commune,
            o.insee_code,
            o.phone,
            o.email,
            split_services(o.services),
            updated.date(),
            own,
        )
        places.append(place)
    return places


def as_datetime(value: datetime | str) -> datetime:
    """Aggregates come back as text on SQLite."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def ids_as_str(ids: list[int]) -> list[str]:
    return [str(i) for i in ids]


def _slot(row: OpeningSlot) -> Slot:
    return Slot(row.id, row.weekday, row.opens, row.closes, row.note)


def open_data_record(place: Place) -> dict[str, object]:
    """One place in the national "lieux de médiation numérique" schema."""
    settings = get_settings()
    return {
        "id": f"passnum-{place.id}",
        "pivot": place.siret or "00000000000000",
        "nom": place.name,
        "commune": place.commune,
        "code_postal": place.postcode,
        "code_insee": place.insee_code,
        "adresse": place.address,
        "complement_adresse": "",
        "latitude": None,
        "longitude": None,
        "typologie": [t] if (t := TYPOLOGIES.get(place.kind.strip().lower())) else [],
        "telephone": place.phone,
        "courriels": [place.email] if place.email else [],
        "site_web": "",
        "horaires": osm_opening_hours(place.slots),
        "presentation_resume": ", ".join(place.short_slots),
        "services": place.services,
        "publics_specifiquement_adresses": "",
        "frais_a_charge": ["Gratuit sous condition"],
        "dispositif_programmes_nationaux": ["Pass numérique"],
        "modalites_acces": "Se présenter",
        "modalites_accompagnement": ["Accompagnement individuel"],
        "prise_rdv": "",
        "date_maj": place.updated_on.isoformat(),
        "source": f"passnum — {settings.operator_name}",
    }


def open_data_csv_row(record: dict[str, object]) -> list[object]:
    """Lists joined with "|", as the schema's CSV form does."""
    return [
        "|".join(map(str, record[f])) if f in LIST_FIELDS else record[f] for f in OPEN_DATA_FIELDS
    ]


def open_data_csv_bytes(rows: list[list[object]]) -> bytes:
    """The national file's CSV: its own schema's rules, not the people's CSV writer (no formula
    neutralising: its phones begin with +33). UTF-8 with BOM, ";" and CRLF as Excel reads it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(OPEN_DATA_FIELDS)
    writer.writerows(["" if v is None else str(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def can_edit_slots(actor: Actor, organisation_id: int) -> bool:
    return actor.is_staff or organisation_id in actor.organisation_ids(Role.site_agent)


async def _editable_site(actor: Actor, organisation_id: int) -> Organisation:
    site = await Organisation.objects().where(Organisation.id == organisation_id).first()
    if site is None or not site.is_site or not can_edit_slots(actor, organisation_id):
        raise DomainError("not_found", "Ce lieu n'existe pas ou ne dépend pas de vous.", 404)
    return site


def parse_slot(weekday: str, opens: str, closes: str) -> tuple[int, time, time]:
    """Form values to a slot, or a French message saying what to fix."""
    if weekday not in {str(d) for d in range(7)}:
        raise DomainError("invalid", "Choisissez le jour de la semaine.", 422, field="weekday")
    try:
        start, end = time.fromisoformat(opens), time.fromisoformat(closes)
    except ValueError as exc:
        msg = "Indiquez les heures d'ouverture et de fermeture, par exemple 09:00 et 12:00."
        raise DomainError("invalid", msg, 422, field="opens") from exc
    if start >= end:
        msg = "L'heure de fermeture doit être après l'heure d'ouverture."
        raise DomainError("invalid", msg, 422, field="closes")
    return int(weekday), start, end


async def add_opening_slot(
    actor: Actor, organisation_id: int, weekday: int, opens: time, closes: time, note: str = ""
) -> int:
    """Add a regular opening slot to a site (staff, or the site's own agents)."""
    await _editable_site(actor, organisation_id)
    async with OpeningSlot._meta.db.transaction():
        slot = OpeningSlot(
            organisation=organisation_id,
            weekday=weekday,
            opens=opens,
            closes=closes,
            note=note.strip()[:200],
        )
        await slot.save()
        label = Slot(slot.id, weekday, opens, closes).label
        await audit.record(
            actor,
            "add_opening_slot",
            "organisation",
            organisation_id,
            {"slot": label, "note": slot.note},
        )
    return slot.id


async def delete_opening_slot(actor: Actor, organisation_id: int, slot_id: int) -> None:
    await _editable_site(actor, organisation_id)
    async with OpeningSlot._meta.db.transaction():
        row = (
            await OpeningSlot.objects()
            .where((OpeningSlot.id == slot_id) & (OpeningSlot.organisation == organisation_id))
            .first()
        )
        if row is None:
            raise DomainError("not_found", "Ce créneau n'existe plus. Rechargez la page.", 404)
        await row.remove()
        await audit.record(
            actor,
            "delete_opening_slot",
            "organisation",
            organisation_id,
            {"slot": _slot(row).label},
        )


@get("/lieux", opt=PUBLIC, include_in_schema=False)
async def directory_page(
    commune: FromQuery[str] = "", service: FromQuery[str] = "", page: FromQuery[str] = ""
) -> Template:
    choices = await directory_choices()
    pager = await paginate_where(
        Organisation,
        places_query(),
        [qualified_site(), *choices.conditions(commune, service)],
        page,
        {"commune": commune, "service": service},
    )
    context = {
        "places": await to_places(pager.items),
        "pager": pager,
        "pager_label": "Pages de l'annuaire des lieux",
        "commune": commune,
        "service": service,
        "communes": choices.communes,
        "services": choices.services,
    }
    return Template("organisations/directory.html", context=context)


@get("/lieux/donnees.json", opt=PUBLIC, tags=["annuaire"], summary="Lieux (schéma national)")
async def open_data_json() -> list[dict[str, object]]:
    return [open_data_record(p) for p in await list_places()]


@get("/lieux/donnees.csv", opt=PUBLIC, tags=["annuaire"], summary="Lieux en CSV (Excel)")
async def open_data_csv() -> Response[bytes]:
    rows = [open_data_csv_row(open_data_record(p)) for p in await list_places()]
    return Response(
        open_data_csv_bytes(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="lieux-mediation-numerique.csv"'},
    )


class OpeningSlotPages(Controller):
    path = "/lieux/{organisation_id:int}/horaires"
    opt = roles(Role.staff, Role.site_agent)
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, organisation_id: FromPath[int]) -> Template:
        return await _slots_page(request.user, organisation_id)

    @post("/")
    async def add(self, request: Request, organisation_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in ("weekday", "opens", "closes", "note")}
        try:
            day, opens, closes = parse_slot(values["weekday"], values["opens"], values["closes"])
            await add_opening_slot(
                request.user, organisation_id, day, opens, closes, values["note"]
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            return await _slots_page(request.user, organisation_id, error.message, values)
        return Redirect(f"/lieux/{organisation_id}/horaires")

    @post("/{slot_id:int}/supprimer")
    async def delete(
        self, request: Request, organisation_id: FromPath[int], slot_id: FromPath[int]
    ) -> Redirect:
        await delete_opening_slot(request.user, organisation_id, slot_id)
        return Redirect(f"/lieux/{organisation_id}/horaires")


async def _slots_page(
    actor: Actor, organisation_id: int, error: str = "", form: dict | None = None
) -> Template:
    site = await _editable_site(actor, organisation_id)
    rows = await OpeningSlot.objects().where(OpeningSlot.organisation == organisation_id)
    slots = sorted((_slot(r) for r in rows), key=lambda s: (s.weekday, s.opens))
    context = {
        "site": site,
        "slots": slots,
        "weekdays": WEEKDAYS,
        "error": error,
        "form": form or {},
        "short": short_labels(slots),
    }
    return Template(
        "organisations/directory_slots.html", context=context, status_code=422 if error else 200
    )


ROUTE_HANDLERS = [directory_page, open_data_json, open_data_csv, OpeningSlotPages]
