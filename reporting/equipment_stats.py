"""Equipment figures for staff: loans, days on loan, utilisation per item type, overdue loans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from equipment.labels import item_type_label
from equipment.tables import ItemStatus, LoanStatus
from organisations.tables import Organisation
from passnum import clock
from passnum.db import is_postgres, sql_in
from reporting.scope import Filters

OUT_ON_LOAN = sql_in([LoanStatus.checked_out, LoanStatus.partially_returned])


@dataclass
class TypeUse:
    label: str
    items: int
    days_on_loan: int
    rate: float


@dataclass
class EquipmentStats:
    loans: int
    overdue: int
    days_on_loan: int
    by_type: list[TypeUse]


def _overlap_days() -> str:
    """Days of a booking inside [start, end], inclusive, never negative; 0 without a booking
    (PostgreSQL's LEAST/GREATEST skip NULLs, so an item never booked would count every day)."""
    if is_postgres():
        days = "GREATEST(LEAST(k.end_date, {}) - GREATEST(k.start_date, {}) + 1, 0)"
    else:
        days = (
            "MAX(CAST(julianday(MIN(k.end_date, {})) - julianday(MAX(k.start_date, {})) "
            "AS INTEGER) + 1, 0)"
        )
    return f"CASE WHEN k.id IS NULL THEN 0 ELSE {days} END"


async def equipment_stats(f: Filters, today: date | None = None) -> EquipmentStats:
    today = today or clock.today()
    loans = await Organisation.raw(
        "SELECT count(*) AS n FROM loan "  # noqa: S608 - constants from the owning apps' enums
        f"WHERE status <> '{LoanStatus.cancelled}' AND start_date >= {{}} AND start_date <= {{}}",
        f.start,
        f.end,
    )
    overdue = await Organisation.raw(
        f"SELECT count(*) AS n FROM loan WHERE status IN ({OUT_ON_LOAN}) AND due_date < {{}}",  # noqa: S608 - constants from the owning apps' enums
        today,
    )
    rows = await Organisation.raw(
        "SELECT i.item_type AS type, count(DISTINCT i.id) AS items, "  # noqa: S608
        f"coalesce(sum({_overlap_days()}), 0) AS days FROM item i "
        "LEFT JOIN booking k ON k.item = i.id AND k.active AND k.loan_item IS NOT NULL "
        f"AND k.start_date <= {{}} AND k.end_date >= {{}} WHERE i.status <> '{ItemStatus.retired}' "
        "GROUP BY i.item_type ORDER BY i.item_type",
        f.end,
        f.start,
        f.end,
        f.start,
    )
    by_type = [
        TypeUse(
            item_type_label(r["type"]),
            int(r["items"]),
            int(r["days"]),
            int(r["days"]) / (int(r["items"]) * f.days) if r["items"] else 0.0,
        )
        for r in rows
    ]
    return EquipmentStats(
        loans=int(loans[0]["n"] or 0),
        overdue=int(overdue[0]["n"] or 0),
        days_on_loan=sum(t.days_on_loan for t in by_type),
        by_type=by_type,
    )
