"""Statistics of the pass numérique, aggregated in SQL (GROUP BY), folded into small tables.

Cohort figures (booklets handed out in the period, what became of them) come from booklets:
redeemed cheques per booklet are ``Booklet.used_count``, which every redemption increments under
a row lock. Redemption figures (where, how) come from cheques redeemed in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from passnum.tables import Organisation
from reporting.scope import Filters
from reporting.sql import days_between, json_items, month_of
from vouchers.choices import ACTIVITIES, AGE_BANDS, NEEDS, PLACES, SOCIAL_STATUSES

CHEQUES_PER_BOOKLET = 5


@dataclass
class Row:
    label: str
    booklets: int = 0
    redeemed: int = 0
    never_used: int = 0

    @property
    def rate(self) -> float:
        """Share of the cheques of these booklets that were redeemed."""
        return self.redeemed / (CHEQUES_PER_BOOKLET * self.booklets) if self.booklets else 0.0

    @property
    def never_share(self) -> float:
        return self.never_used / self.booklets if self.booklets else 0.0


@dataclass
class Statistics:
    filters: Filters
    total: Row
    cohort: dict[str, list[Row]] = field(default_factory=dict)  # dimension → rows
    redemptions: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    redeemed_in_period: int = 0
    median_days_to_first_use: float | None = None


def bounds(f: Filters) -> tuple[datetime, datetime]:
    return datetime.combine(f.start, time()), datetime.combine(f.end + timedelta(days=1), time())


async def _raw(sql: str, *args: object) -> list[dict]:
    return await Organisation.raw(sql, *args)


async def _cohort(f: Filters) -> list[dict]:
    funder_sql, ids = f.funder_sql("b.funder")
    return await _raw(
        f"SELECT {month_of('k.issued_at')} AS month, k.holder AS prescriber, "  # noqa: S608 (fixed SQL fragments, values as placeholders)
        "coalesce(be.age_band, 'unknown') AS age_band, "
        "coalesce(be.social_status, 'unknown') AS social_status, count(*) AS booklets, "
        "sum(k.used_count) AS redeemed, sum(CASE WHEN k.used_count = 0 THEN 1 ELSE 0 END) AS never "
        "FROM booklet k JOIN batch b ON b.id = k.batch "
        "LEFT JOIN beneficiary be ON be.id = k.beneficiary "
        "WHERE k.issued_at >= {} AND k.issued_at < {}" + funder_sql + " GROUP BY 1, 2, 3, 4",
        *bounds(f),
        *ids,
    )


async def _cohort_by(f: Filters, key: str, join: str = "") -> list[dict]:
    funder_sql, ids = f.funder_sql("b.funder")
    return await _raw(
        f"SELECT {key} AS key, count(*) AS booklets, sum(k.used_count) AS redeemed, "  # noqa: S608 (fixed SQL fragments, values as placeholders)
        "sum(CASE WHEN k.used_count = 0 THEN 1 ELSE 0 END) AS never "
        "FROM booklet k JOIN batch b ON b.id = k.batch "
        f"JOIN beneficiary be ON be.id = k.beneficiary {join} "
        "WHERE k.issued_at >= {} AND k.issued_at < {}" + funder_sql + f" GROUP BY {key}",
        *bounds(f),
        *ids,
    )


async def _redemptions(f: Filters) -> list[dict]:
    funder_sql, ids = f.funder_sql("b.funder")
    return await _raw(
        f"SELECT {month_of('c.redeemed_at')} AS month, c.site AS site, c.activity AS activity, "  # noqa: S608 (fixed SQL fragments, values as placeholders)
        "c.place AS place, count(*) AS n FROM cheque c JOIN booklet k ON k.id = c.booklet "
        "JOIN batch b ON b.id = k.batch WHERE c.status = 'redeemed' "
        "AND c.redeemed_at >= {} AND c.redeemed_at < {}" + funder_sql + " GROUP BY 1, 2, 3, 4",
        *bounds(f),
        *ids,
    )


async def median_days_to_first_use(f: Filters) -> float | None:
    """Median, over booklets handed out in the period and used, of days to the first cheque."""
    funder_sql, ids = f.funder_sql("b.funder")
    rows = await _raw(
        "WITH firsts AS (SELECT "  # noqa: S608 (fixed SQL fragments, values as placeholders)
        + days_between("min(c.redeemed_at)", "k.issued_at")
        + " AS d FROM booklet k JOIN batch b ON b.id = k.batch JOIN cheque c ON c.booklet = k.id "
        "WHERE k.used_count > 0 AND c.status = 'redeemed' AND k.issued_at >= {} "
        "AND k.issued_at < {}" + funder_sql + " GROUP BY k.id, k.issued_at), "
        "ranked AS (SELECT d, row_number() OVER (ORDER BY d) AS rn, count(*) OVER () AS n "
        "FROM firsts) SELECT avg(d) AS median FROM ranked "
        "WHERE rn IN ((n + 1) / 2, (n + 2) / 2)",
        *bounds(f),
        *ids,
    )
    value = rows[0]["median"] if rows else None
    return None if value is None else float(value)


def _fold(rows: list[dict], key: str, labels: dict) -> list[Row]:
    out: dict[str, Row] = {}
    for r in rows:
        label = labels.get(r[key], str(r[key] or "Non renseigné"))
        row = out.setdefault(label, Row(label))
        row.booklets += int(r["booklets"])
        row.redeemed += int(r["redeemed"] or 0)
        row.never_used += int(r["never"] or 0)
    return sorted(out.values(), key=lambda x: (-x.booklets, x.label))


def _count_by(
    rows: list[dict], key: str, labels: dict, by_label: bool = True
) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for r in rows:
        label = labels.get(r[key], str(r[key] or "Non renseigné"))
        out[label] = out.get(label, 0) + int(r["n"])
    return sorted(out.items(), key=(lambda x: (-x[1], x[0])) if by_label else (lambda x: x[0]))


async def statistics(f: Filters) -> Statistics:
    names = {
        o["id"]: o["name"] for o in await Organisation.select(Organisation.id, Organisation.name)
    }
    communes = {
        o["insee_code"]: o["commune"]
        for o in await Organisation.select(Organisation.insee_code, Organisation.commune)
        if o["insee_code"] and o["commune"]
    }
    cohort = await _cohort(f)
    total = Row("Total")
    for r in cohort:
        total.booklets += int(r["booklets"])
        total.redeemed += int(r["redeemed"] or 0)
        total.never_used += int(r["never"] or 0)
    stats = Statistics(f, total)
    months = _fold(cohort, "month", {})
    stats.cohort["month"] = sorted(months, key=lambda r: r.label)
    stats.cohort["prescriber"] = _fold(cohort, "prescriber", names)
    stats.cohort["age_band"] = _fold(cohort, "age_band", AGE_BANDS)
    stats.cohort["social_status"] = _fold(cohort, "social_status", SOCIAL_STATUSES)
    stats.cohort["commune"] = _fold(await _cohort_by(f, "be.insee_code"), "key", communes)
    stats.cohort["need"] = _fold(
        await _cohort_by(f, "je.value", ", " + json_items("be.needs")), "key", NEEDS
    )
    redemptions = await _redemptions(f)
    stats.redeemed_in_period = sum(int(r["n"]) for r in redemptions)
    stats.redemptions["month"] = _count_by(redemptions, "month", {}, by_label=False)
    stats.redemptions["site"] = _count_by(redemptions, "site", names)
    stats.redemptions["activity"] = _count_by(redemptions, "activity", ACTIVITIES)
    stats.redemptions["place"] = _count_by(redemptions, "place", PLACES)
    stats.median_days_to_first_use = await median_days_to_first_use(f)
    return stats
