"""Equipment figures (loans, days on loan, utilisation per type, overdue) recomputed here."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from html import unescape

from equipment.labels import TYPE_LABELS
from passnum import clock
from reporting.equipment_stats import equipment_stats
from reporting.scope import Filters
from tests.factories import login, text_of
from tests.reporting.fleet import Fleet, generate_fleet

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31), None)


def expected(fleet: Fleet, f: Filters, today: date) -> dict:
    """Loans started in the period, overdue loans today, and per type: items, days, rate."""
    loans = sum(1 for x in fleet.loans if x.status != "cancelled" and f.start <= x.start <= f.end)
    overdue = sum(
        1
        for x in fleet.loans
        if x.status in ("checked_out", "partially_returned") and x.due < today
    )
    items: dict[str, int] = defaultdict(int)
    for item_type, status in fleet.items.values():
        if status != "retired":
            items[item_type] += 1
    days: dict[str, int] = defaultdict(int)
    for loan in fleet.loans:
        if not loan.booked:
            continue
        inside = (min(loan.due, f.end) - max(loan.start, f.start)).days + 1
        for item in loan.items:
            item_type, status = fleet.items[item]
            if status != "retired":
                days[item_type] += max(inside, 0)
    per_type = {
        TYPE_LABELS[t]: (n, days[t], days[t] / (n * f.days)) for t, n in sorted(items.items())
    }
    return {"loans": loans, "overdue": overdue, "per_type": per_type}


async def test_equipment_statistics_match_loans_days_and_utilisation_recomputed_here(world):
    fleet = await generate_fleet(world.borrower_id)
    today = date(2026, 11, 26)
    stats = await equipment_stats(MARCH, today)
    want = expected(fleet, MARCH, today)
    assert stats.loans == want["loans"] == 2  # February's, the cancelled one and October's: not
    assert stats.overdue == want["overdue"] == 2
    got = {t.label: (t.items, t.days_on_loan, t.rate) for t in stats.by_type}
    assert got == want["per_type"]
    assert got["Ordinateur portable"][:2] == (3, 10 + 11 + 7)  # maintenance days not on loan
    assert stats.days_on_loan == sum(d for _, d, _ in want["per_type"].values())


async def test_staff_statistics_page_shows_the_fleet_and_funders_do_not_see_it(client, world):
    fleet = await generate_fleet(world.borrower_id)
    want = expected(fleet, MARCH, clock.today())
    await login(client, world.staff)
    page = await client.get("/statistiques?start=2026-03-01&end=2026-03-31")
    text = text_of(unescape(page.text))
    assert f"Prêts commencés sur la période {want['loans']}" in text
    assert f"Prêts en retard aujourd'hui {want['overdue']}" in text
    items, days, rate = want["per_type"]["Ordinateur portable"]
    percent = f"{100 * rate:.1f}".replace(".", ",")
    assert f"Ordinateur portable {items} {days} {percent} %" in text
    await login(client, world.funder)
    page = await client.get("/statistiques?start=2026-03-01&end=2026-03-31")
    assert page.status_code == 200 and "Parc de matériel" not in page.text
