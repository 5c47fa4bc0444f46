# ruff: noqa: S608 - SQL assembled from fixed fragments in this module; values are placeholders
"""Statistics of the pass numérique, aggregated in SQL (GROUP BY), folded into small tables.

Cohort figures (booklets handed out in the period, what became of them) come from booklets:
redeemed cheques per booklet are ``Booklet.used_count``, which every redemption increments under
a row lock. Redemption figures (where, how) come from cheques redeemed in the period.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from organisations.tables import Organisation
from passnum import db
from passnum.db import days_between, engine, is_postgres, month_key, month_label, scanned
from reporting.scope import Filters
from territory.services import commune_names, epci_names
from vouchers.choices import ACTIVITIES, AGE_BANDS, NEEDS, PLACES, SOCIAL_STATUSES, ChequeStatus

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


def _booklet_scope(f: Filters, booklet: str) -> tuple[str, list[object]]:
    """Restrict booklets to the funders' print runs and to the people of the chosen commune or
    intercommunality; nothing (no join at all) for everyone everywhere."""
    scope, args = f.territory_sql(f"{booklet}.beneficiary")
    if f.funder_ids is None:
        return scope, list(args)
    funder_sql, ids = f.funder_sql("b.funder")
    runs = f" AND {booklet}.batch IN (SELECT b.id FROM batch b WHERE 1 = 1{funder_sql})"
    return runs + scope, [*ids, *args]


COHORT_DIMENSIONS = (
    "month", "prescriber", "age_band", "social_status", "commune", "epci", "needs",
)  # fmt: skip


async def _cohort(f: Filters) -> list[dict]:
    """Booklets handed out in the period, grouped by every dimension in one pass over them.

    Each row is ``{"dim", "key", "booklets", "redeemed", "never"}``; ``needs`` keys are the JSON
    list as stored (folded per need in Python). PostgreSQL groups with GROUPING SETS; SQLite
    reads a materialised CTE once per dimension.
    """
    scope, ids = _booklet_scope(f, "k")
    issued = scanned("k.issued_at")
    base = (
        f"SELECT {month_key('k.issued_at')} AS month, k.holder AS prescriber, "
        "coalesce(be.age_band, 'unknown') AS age_band, "
        "coalesce(be.social_status, 'unknown') AS social_status, "
        "coalesce(be.insee_code, '') AS commune, coalesce(tc.epci_code, '') AS epci, "
        "CAST(be.needs AS text) AS needs, "
        "k.used_count AS used FROM booklet k LEFT JOIN beneficiary be ON be.id = k.beneficiary "
        # The intercommunality of the person's commune, from the official list (territory).
        "LEFT JOIN territory_commune tc ON tc.code = be.insee_code "
        f"WHERE {issued} >= {{}} AND {issued} < {{}}" + scope
    )
    measures = (
        "count(*) AS booklets, sum(used) AS redeemed, count(*) FILTER (WHERE used = 0) AS never"
    )
    if is_postgres():
        columns = ", ".join(COHORT_DIMENSIONS)
        sets = ", ".join(f"({d})" for d in COHORT_DIMENSIONS)
        rows = await _raw(
            f"SELECT GROUPING({columns}) AS g, {columns}, {measures} "
            f"FROM ({base}) AS x GROUP BY GROUPING SETS ({sets})",
            *bounds(f),
            *ids,
        )
        n = len(COHORT_DIMENSIONS)
        for r in rows:  # the dimension grouped in a row is the one whose GROUPING bit is 0
            dim = next(d for i, d in enumerate(COHORT_DIMENSIONS) if not r["g"] >> (n - 1 - i) & 1)
            r["dim"], r["key"] = dim, r[dim]
        return rows
    parts = " UNION ALL ".join(
        f"SELECT '{d}' AS dim, {d} AS key, {measures} FROM x GROUP BY {d}"
        for d in COHORT_DIMENSIONS
    )
    return await _raw(f"WITH x AS MATERIALIZED ({base}) {parts}", *bounds(f), *ids)


async def _redemptions(f: Filters) -> list[dict]:
    """Cheques redeemed in the period by month, site, activity and place (covering index)."""
    scope, ids = _booklet_scope(f, "k")
    if scope:
        scope = f" AND c.booklet IN (SELECT k.id FROM booklet k WHERE 1 = 1{scope})"
    return await _raw(
        f"SELECT {month_key('c.redeemed_at')} AS month, c.site AS site, c.activity AS activity, "
        f"c.place AS place, count(*) AS n FROM cheque c WHERE c.status = '{ChequeStatus.redeemed}' "
        "AND c.redeemed_at >= {} AND c.redeemed_at < {}" + scope + " GROUP BY 1, 2, 3, 4",
        *bounds(f),
        *ids,
    )


async def median_days_to_first_use(f: Filters) -> float | None:
    """Median, over booklets handed out in the period and used, of days to the first cheque.

    A booklet's first use is read from the partial index ``cheque_first_use`` (booklet,
    redeemed_at); PostgreSQL takes the median with ``percentile_cont``, SQLite by ranking.
    """
    scope, ids = _booklet_scope(f, "k")
    issued = scanned("k.issued_at")
    cohort = f"k.used_count > 0 AND {issued} >= {{}} AND {issued} < {{}}" + scope
    if is_postgres():
        firsts = (
            "SELECT "
            + days_between("min(c.redeemed_at)", "k.issued_at")
            + " AS d FROM booklet k JOIN cheque c ON c.booklet = k.id "
            f"AND c.status = '{ChequeStatus.redeemed}' "
            f"WHERE {cohort} GROUP BY k.id, k.issued_at"
        )
        sql = f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS median FROM ({firsts}) x"
    else:  # one index seek per booklet, no GROUP BY to sort
        first = (
            "(SELECT min(c.redeemed_at) FROM cheque c "
            f"WHERE c.booklet = k.id AND c.status = '{ChequeStatus.redeemed}')"
        )
        firsts = f"SELECT {days_between(first, 'k.issued_at')} AS d FROM booklet k WHERE {cohort}"
        sql = (
            f"WITH firsts AS ({firsts}), ranked AS (SELECT d, row_number() OVER (ORDER BY d) "
            "AS rn, count(*) OVER () AS n FROM firsts WHERE d IS NOT NULL) "
            "SELECT avg(d) AS median FROM ranked "
            "WHERE rn IN ((n + 1) / 2, (n + 2) / 2)"
        )
    rows = await _raw(sql, *bounds(f), *ids)
    value = rows[0]["median"] if rows else None
    return None if value is None else float(value)


def _fold(rows: list[dict], dim: str, labels: dict) -> list[Row]:
    out: dict[str, Row] = {}
    for r in rows:
        if r["dim"] != dim:
            continue
        label = labels.get(r["key"], str(r["key"] or "Non renseigné"))
        row = out.setdefault(label, Row(label))
        row.booklets += int(r["booklets"])
        row.redeemed += int(r["redeemed"] or 0)
        row.never_used += int(r["never"] or 0)
    return sorted(out.values(), key=lambda x: (-x.booklets, x.label))


def _by_need(rows: list[dict]) -> list[dict]:
    """Rows grouped by the stored list of needs, spread over each need in that list."""
    out = []
    for r in rows:
        if r["dim"] == "needs":
            for need in db.as_json(r["key"], []):
                out.append({**r, "dim": "need", "key": need})
    return out


def _count_by(
    rows: list[dict], key: str, labels: dict, by_label: bool = True
) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for r in rows:
        label = labels.get(r[key], str(r[key] or "Non renseigné"))
        out[label] = out.get(label, 0) + int(r["n"])
    return sorted(out.items(), key=(lambda x: (-x[1], x[0])) if by_label else (lambda x: x[0]))


async def _gather(*calls: Awaitable) -> list:
    """Independent queries: concurrently on PostgreSQL's pool, one after the other on SQLite or
    inside a transaction (whose one connection runs one query at a time)."""
    if is_postgres() and not engine().transaction_exists():
        return list(await asyncio.gather(*calls))
    return [await call for call in calls]


async def statistics(f: Filters) -> Statistics:
    organisations, cohort, redemptions, median = await _gather(
        Organisation.select(Organisation.id, Organisation.name),
        _cohort(f),
        _redemptions(f),
        median_days_to_first_use(f),
    )
    names = {o["id"]: o["name"] for o in organisations}
    # Communes and intercommunalities by their official names, never by code.
    communes = await commune_names([r["key"] for r in cohort if r["dim"] == "commune" and r["key"]])
    epcis = await epci_names([r["key"] for r in cohort if r["dim"] == "epci" and r["key"]])
    for r in cohort:
        if r["dim"] == "month":
            r["key"] = month_label(r["key"])
    for r in redemptions:
        r["month"] = month_label(r["month"])
    total = Row("Total")
    for r in cohort:
        if r["dim"] == "month":
            total.booklets += int(r["booklets"])
            total.redeemed += int(r["redeemed"] or 0)
            total.never_used += int(r["never"] or 0)
    stats = Statistics(f, total, median_days_to_first_use=median)
    stats.cohort["month"] = sorted(_fold(cohort, "month", {}), key=lambda r: r.label)
    stats.cohort["prescriber"] = _fold(cohort, "prescriber", names)
    stats.cohort["age_band"] = _fold(cohort, "age_band", AGE_BANDS)
    stats.cohort["social_status"] = _fold(cohort, "social_status", SOCIAL_STATUSES)
    stats.cohort["commune"] = _fold(cohort, "commune", communes)
    stats.cohort["epci"] = _fold(cohort, "epci", epcis)
    stats.cohort["need"] = _fold(_by_need(cohort), "need", NEEDS)
    stats.redeemed_in_period = sum(int(r["n"]) for r in redemptions)
    stats.redemptions["month"] = _count_by(redemptions, "month", {}, by_label=False)
    stats.redemptions["site"] = _count_by(redemptions, "site", names)
    stats.redemptions["activity"] = _count_by(redemptions, "activity", ACTIVITIES)
    stats.redemptions["place"] = _count_by(redemptions, "place", PLACES)
    return stats
