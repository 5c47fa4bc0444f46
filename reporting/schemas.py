"""JSON shapes of the reporting API: statistics, and one row shape per export.

Export rows keep the French column names of the CSV files (``encaisse_le``, ``valeur_cents``…);
amounts are integer cents, times carry the operator's offset, codes stay codes. They are
dataclasses, not Structs: the export's page is a union of them, which msgspec would only accept
with a tag field added to every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import msgspec

from passnum import clock


@dataclass(frozen=True, kw_only=True)
class RedemptionRow(clock.WithOffsets):
    id: int
    encaisse_le: datetime
    cheque: str
    carnet: str
    lieu: str
    financeur: str
    activite: str  # code (vocabulary "activity")
    lieu_activite: str  # code (vocabulary "place")
    valeur_cents: int


@dataclass(frozen=True, kw_only=True)
class BookletRow(clock.WithOffsets):
    id: int
    carnet: str
    tirage: str
    financeur: str
    statut: str  # code (vocabulary "booklet_status")
    structure: str | None  # who holds it
    remis_le: datetime | None
    cheques_utilises: int
    tranche_age: str | None  # code (vocabulary "age_band")
    situation: str | None  # code (vocabulary "social_status")
    commune: str | None  # the person's commune, by its official name
    intercommunalite: str | None


@dataclass(frozen=True, kw_only=True)
class StatementRow:
    id: int
    lieu: str
    debut: date
    fin: date
    statut: str  # code (vocabulary "statement_status")
    cheques: int
    en_retard: int
    total_cents: int
    paye_le: date | None
    reference: str


@dataclass(frozen=True, kw_only=True)
class LoanRow(clock.WithOffsets):
    id: int
    numero: str
    emprunteur: str
    debut: date
    retour_prevu: date
    statut: str  # code (vocabulary "loan_status")
    cloture_le: datetime | None
    materiels: int


@dataclass(frozen=True, kw_only=True)
class ItemRow:
    id: int
    numero_inventaire: str
    type: str  # code (vocabulary "item_type")
    marque: str
    modele: str
    numero_serie: str
    statut: str  # code (vocabulary "item_status")
    valeur_cents: int
    date_achat: date | None


ExportRow = RedemptionRow | BookletRow | StatementRow | LoanRow | ItemRow
ExportRowType = (
    type[RedemptionRow] | type[BookletRow] | type[StatementRow] | type[LoanRow] | type[ItemRow]
)


@dataclass(frozen=True, kw_only=True)
class ExportPage:
    """One page of an export: its rows (the shape of the export named in the path) and the
    ``after_id`` of the next page (null: this was the last one)."""

    items: list[ExportRow]
    next_after_id: int | None


class Place(msgspec.Struct, kw_only=True):
    code: str  # INSEE code of a commune, SIREN of an intercommunality
    name: str


class StatisticsRow(msgspec.Struct, kw_only=True):
    label: str
    booklets: int  # handed out in the period
    redeemed: int  # cheques of these booklets redeemed
    rate: float  # share of their cheques redeemed
    never_used_share: float  # share of these booklets with no cheque redeemed


class Cohort(msgspec.Struct, kw_only=True):
    """The booklets handed out in the period, by each dimension."""

    month: list[StatisticsRow]
    prescriber: list[StatisticsRow]
    age_band: list[StatisticsRow]
    social_status: list[StatisticsRow]
    commune: list[StatisticsRow]
    epci: list[StatisticsRow]
    need: list[StatisticsRow]


class Count(msgspec.Struct, kw_only=True):
    label: str
    count: int


class Redemptions(msgspec.Struct, kw_only=True):
    """Cheques redeemed in the period, by each dimension."""

    month: list[Count]
    site: list[Count]
    activity: list[Count]
    place: list[Count]


class Statistics(msgspec.Struct, kw_only=True):
    commune: Place | None  # the territory the figures are about (people living there)
    epci: Place | None  # null and null: everywhere
    total: StatisticsRow
    redeemed_in_period: int
    median_days_to_first_use: float | None
    cohort: Cohort
    redemptions: Redemptions
