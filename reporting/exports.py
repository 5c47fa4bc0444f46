"""Datasets exported as French Excel CSV (streamed) and as paginated JSON (keyset on ``id``).

Each export is one SQL query with a scope (staff everything; funders their own print runs).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import equipment.labels  # noqa: F401 - defines the item and loan vocabularies
import vouchers.choices  # noqa: F401 - defines the booklet, activity and person vocabularies
from organisations.tables import Organisation
from passnum import vocabulary
from passnum.auth.actor import Actor
from passnum.csvout import cell, euros
from reporting import schemas
from reporting.errors import refuse
from reporting.scope import Filters
from vouchers.choices import ChequeStatus

PAGE = 2000


@dataclass(frozen=True)
class Export:
    """One dataset. ``header`` names the JSON fields; amounts are integer cents in fields named
    ``*_cents``, which the CSV for people shows as euros with a decimal comma under ``*_euros``."""

    sql: str  # selects "id" first; "{scope}" is replaced by the funder filter
    header: list[str]
    funder_column: str | None  # None: staff only
    # Columns holding a code: JSON gives the code, the CSV for people the vocabulary's French word.
    labels: dict[str, str] = field(default_factory=dict)
    # The booklet's beneficiary column, for the filter by the person's commune or EPCI; None:
    # the export is not about people's booklets and cannot be filtered so.
    beneficiary_column: str | None = None
    # The shape of one row in the JSON API (its fields are ``header``, in the same order).
    row: schemas.ExportRowType = field(kw_only=True)

    @property
    def csv_header(self) -> list[str]:
        return [f"{c.removesuffix('_cents')}_euros" if is_money(c) else c for c in self.header]

    def csv_cell(self, column: str, value: Any) -> object:
        """A value as the CSV for people shows it: euros, or the French word for a code."""
        if is_money(column):
            return euros(value)
        if column in self.labels:
            return vocabulary.label(self.labels[column], value)
        return cell(value)


def is_money(column: str) -> bool:
    return column.endswith("_cents")


EXPORTS: dict[str, Export] = {
    "redemptions": Export(
        "SELECT c.id AS id, c.redeemed_at AS encaisse_le, c.code AS cheque, k.number AS carnet, "  # noqa: S608 - constants from the owning apps' enums
        "s.name AS lieu, f.name AS financeur, c.activity AS activite, c.place AS lieu_activite, "
        "b.face_value_cents AS valeur_cents FROM cheque c JOIN booklet k ON k.id = c.booklet "
        "JOIN batch b ON b.id = k.batch JOIN organisation f ON f.id = b.funder "
        f"JOIN organisation s ON s.id = c.site WHERE c.status = '{ChequeStatus.redeemed}'",
        [
            "id",
            "encaisse_le",
            "cheque",
            "carnet",
            "lieu",
            "financeur",
            "activite",
            "lieu_activite",
            "valeur_cents",
        ],
        "b.funder",
        {"activite": "activity", "lieu_activite": "place"},
        "k.beneficiary",
        row=schemas.RedemptionRow,
    ),
    "booklets": Export(
        "SELECT k.id AS id, k.number AS carnet, b.label AS tirage, f.name AS financeur, "
        "k.status AS statut, p.name AS structure, k.issued_at AS remis_le, "
        "k.used_count AS cheques_utilises, be.age_band AS tranche_age, "
        "be.social_status AS situation, tc.name AS commune, te.name AS intercommunalite "
        "FROM booklet k JOIN batch b ON b.id = k.batch "
        "JOIN organisation f ON f.id = b.funder LEFT JOIN organisation p ON p.id = k.holder "
        "LEFT JOIN beneficiary be ON be.id = k.beneficiary "
        # The person's commune and intercommunality by name (official list, territory app).
        "LEFT JOIN territory_commune tc ON tc.code = be.insee_code "
        "LEFT JOIN territory_epci te ON te.code = tc.epci_code WHERE 1 = 1",
        [
            "id",
            "carnet",
            "tirage",
            "financeur",
            "statut",
            "structure",
            "remis_le",
            "cheques_utilises",
            "tranche_age",
            "situation",
            "commune",
            "intercommunalite",
        ],
        "b.funder",
        {"statut": "booklet_status", "tranche_age": "age_band", "situation": "social_status"},
        "k.beneficiary",
        row=schemas.BookletRow,
    ),
    "statements": Export(
        "SELECT st.id AS id, o.name AS lieu, st.period_start AS debut, st.period_end AS fin, "
        "st.status AS statut, st.cheque_count AS cheques, st.late_count AS en_retard, "
        "st.total_cents AS total_cents, st.paid_on AS paye_le, st.payment_reference AS reference "
        "FROM statement st JOIN organisation o ON o.id = st.site WHERE 1 = 1",
        [
            "id",
            "lieu",
            "debut",
            "fin",
            "statut",
            "cheques",
            "en_retard",
            "total_cents",
            "paye_le",
            "reference",
        ],
        None,
        {"statut": "statement_status"},
        row=schemas.StatementRow,
    ),
    "loans": Export(
        "SELECT l.id AS id, l.number AS numero, o.name AS emprunteur, l.start_date AS debut, "
        "l.due_date AS retour_prevu, l.status AS statut, l.closed_at AS cloture_le, "
        "(SELECT count(*) FROM loan_item li WHERE li.loan = l.id) AS materiels "
        "FROM loan l JOIN organisation o ON o.id = l.borrower WHERE 1 = 1",
        [
            "id",
            "numero",
            "emprunteur",
            "debut",
            "retour_prevu",
            "statut",
            "cloture_le",
            "materiels",
        ],
        None,
        {"statut": "loan_status"},
        row=schemas.LoanRow,
    ),
    "items": Export(
        "SELECT i.id AS id, i.asset_tag AS numero_inventaire, i.item_type AS type, "
        "i.brand AS marque, i.model AS modele, i.serial AS numero_serie, i.status AS statut, "
        "i.declared_value_cents AS valeur_cents, i.purchase_date AS date_achat FROM item i "
        "WHERE 1 = 1",
        [
            "id",
            "numero_inventaire",
            "type",
            "marque",
            "modele",
            "numero_serie",
            "statut",
            "valeur_cents",
            "date_achat",
        ],
        None,
        {"type": "item_type", "statut": "item_status"},
        row=schemas.ItemRow,
    ),
}


def json_row(export: Export, row: dict[str, Any]) -> schemas.ExportRow:
    """A row as the JSON API gives it (its times get the operator's offset from the row type,
    ``clock.WithOffsets``)."""
    return export.row(**row)


def export_for(actor: Actor, name: str, f: Filters | None = None) -> Export:
    export = EXPORTS.get(name)
    if export is None:
        raise refuse("not_found.export")
    if not actor.is_staff and export.funder_column is None:
        raise refuse("forbidden.export")
    if f is not None and f.place and export.beneficiary_column is None:
        raise refuse("invalid.export_filter", field="commune")
    return export


async def page(export: Export, f: Filters, after_id: int = 0, limit: int = PAGE) -> list[dict]:
    """Up to ``limit`` rows with ``id`` greater than ``after_id``, in id order."""
    scope, ids = f.funder_sql(export.funder_column) if export.funder_column else ("", [])
    args: list[object] = list(ids)
    if export.beneficiary_column:
        people, codes = f.territory_sql(export.beneficiary_column)
        scope, args = scope + people, [*args, *codes]
    alias = export.sql.rsplit("FROM ", 1)[1].split()[1]  # the main table comes last
    sql = f"{export.sql}{scope} AND {alias}.id > {{}} ORDER BY {alias}.id LIMIT {int(limit)}"
    return await Organisation.raw(sql, *args, after_id)


async def pages(
    export: Export, f: Filters, convert: Callable[[dict], list[Any]]
) -> AsyncIterator[list[list[Any]]]:
    after = 0
    while rows := await page(export, f, after):
        after = rows[-1]["id"]
        yield [convert(r) for r in rows]
        if len(rows) < PAGE:
            return
