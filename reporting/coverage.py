"""Where the offer is missing: per commune and per intercommunality (EPCI) of a département, the
qualified places, their opening hours per week, the booklets handed out to residents and the
cheques they spent, and how far the nearest place is (from the commune's centre).

Read-only, four queries for a whole département: its communes (territory), the qualified sites
with their opening slots (organisations), and the booklets handed out by the person's commune
(vouchers: ``used_count`` is the cheques of the booklet redeemed, kept by redemptions and their
reversals). A commune is "far" when its nearest place is more than ``far_km`` away as the crow
flies, or when no place is on the map at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from organisations.places import qualified_site
from organisations.tables import OpeningSlot, Organisation
from passnum import maps
from territory.tables import Commune, Epci
from vouchers.tables import Booklet

# Booklets handed out (issued_at set), by the commune the prescriber recorded for the person.
BOOKLETS_BY_COMMUNE_SQL = (
    "SELECT be.insee_code AS code, count(*) AS booklets, "
    "coalesce(sum(k.used_count), 0) AS spent "
    "FROM booklet k JOIN beneficiary be ON be.id = k.beneficiary "
    "WHERE k.issued_at IS NOT NULL AND be.insee_code <> '' GROUP BY be.insee_code"
)


@dataclass
class CommuneCoverage:
    code: str
    name: str
    epci_code: str
    population: int
    latitude: float | None
    longitude: float | None
    places: int = 0
    hours_per_week: float = 0.0
    booklets: int = 0
    spent: int = 0
    nearest_km: float | None = None
    nearest_name: str = ""

    def is_far(self, far_km: float) -> bool:
        return self.nearest_km is None or self.nearest_km > far_km

    @property
    def nearest(self) -> str:
        return maps.format_km(self.nearest_km) if self.nearest_km is not None else "—"


@dataclass
class EpciCoverage:
    code: str
    name: str
    communes: int = 0
    population: int = 0
    places: int = 0
    hours_per_week: float = 0.0
    booklets: int = 0
    spent: int = 0
    far_communes: int = 0
    far_population: int = 0


@dataclass
class Coverage:
    department: str
    far_km: float
    communes: list[CommuneCoverage]
    epcis: list[EpciCoverage]
    sites: list[dict] = field(default_factory=list)  # id, name, insee_code, latitude, longitude

    @property
    def far(self) -> list[CommuneCoverage]:
        return [c for c in self.communes if c.is_far(self.far_km)]


def slot_hours(opens: time, closes: time) -> float:
    return max(0.0, (closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) / 60)


async def coverage(department: str, far_km: float = 15.0) -> Coverage:
    communes = [
        CommuneCoverage(
            r["code"],
            r["name"],
            r["epci_code"],
            r["population"],
            r["latitude"],
            r["longitude"],
        )
        for r in await Commune.select(
            Commune.code,
            Commune.name,
            Commune.epci_code,
            Commune.population,
            Commune.latitude,
            Commune.longitude,
        ).where(Commune.department == department)
    ]
    by_code = {c.code: c for c in communes}
    sites = await Organisation.select(
        Organisation.id,
        Organisation.name,
        Organisation.insee_code,
        Organisation.latitude,
        Organisation.longitude,
    ).where(qualified_site())
    hours: dict[int, float] = defaultdict(float)
    if sites:
        slots = await OpeningSlot.select(
            OpeningSlot.organisation, OpeningSlot.opens, OpeningSlot.closes
        ).where(OpeningSlot.organisation.is_in([s["id"] for s in sites]))
        for slot in slots:
            hours[slot["organisation"]] += slot_hours(slot["opens"], slot["closes"])
    for site in sites:
        if (commune := by_code.get(site["insee_code"])) is not None:
            commune.places += 1
            commune.hours_per_week += hours[site["id"]]
    for row in await Booklet.raw(BOOKLETS_BY_COMMUNE_SQL):
        if (commune := by_code.get(row["code"])) is not None:
            commune.booklets, commune.spent = int(row["booklets"]), int(row["spent"])
    placed = [s for s in sites if s["latitude"] is not None]
    for commune in communes:
        if commune.latitude is None or commune.longitude is None or not placed:
            continue
        distance, site = min(
            (
                maps.distance_km(
                    commune.latitude, commune.longitude, s["latitude"], s["longitude"]
                ),
                s["name"],
            )
            for s in placed
        )
        commune.nearest_km, commune.nearest_name = distance, site
    communes.sort(key=lambda c: (-(c.nearest_km if c.nearest_km is not None else 1e9), c.name))
    return Coverage(
        department,
        far_km,
        communes,
        await _epcis(communes, far_km),
        [s for s in placed if s["insee_code"] in by_code],
    )


async def _epcis(communes: list[CommuneCoverage], far_km: float) -> list[EpciCoverage]:
    codes = sorted({c.epci_code for c in communes if c.epci_code})
    names = (
        {
            r["code"]: r["name"]
            for r in await Epci.select(Epci.code, Epci.name).where(Epci.code.is_in(codes))
        }
        if codes
        else {}
    )
    epcis = {code: EpciCoverage(code, names.get(code, code)) for code in codes}
    for c in communes:
        if (e := epcis.get(c.epci_code)) is None:
            continue
        e.communes += 1
        e.population += c.population
        e.places += c.places
        e.hours_per_week += c.hours_per_week
        e.booklets += c.booklets
        e.spent += c.spent
        if c.is_far(far_km):
            e.far_communes += 1
            e.far_population += c.population
    return sorted(epcis.values(), key=lambda e: (-e.far_population, e.name))


async def default_department() -> str:
    """The département where most qualified sites stand (the operator's), else the Manche."""
    rows = await Organisation.select(Organisation.insee_code).where(qualified_site())
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["insee_code"]:
            code = r["insee_code"]
            counts[code[:3] if code.startswith("97") else code[:2]] += 1
    return max(counts, key=lambda d: counts[d]) if counts else "50"
