"""`passnum demo` adds a realistic fleet with past, current, future and overdue loans."""

from __future__ import annotations

from equipment.demo import load_demo
from equipment.followup import overdue_loans
from equipment.inventory import list_items, list_kits
from equipment.tables import Loan
from organisations.demo import load_territory


async def test_demo_fleet_loads_twice_without_duplicates(db: None) -> None:
    territory = await load_territory()
    await load_demo(territory)
    await load_demo(await load_territory())
    items = await list_items()
    assert len([i for i in items if i.item_type == "laptop"]) == 20
    assert len([i for i in items if i.item_type == "tablet" and i.kit]) == 30
    assert len([i for i in items if i.item_type == "hotspot"]) == 5
    assert [len(k.items) for k in await list_kits()] == [10, 10, 10]
    statuses = sorted(r["status"] for r in await Loan.select(Loan.status))
    assert statuses == ["checked_out", "checked_out", "reserved", "returned"]
    overdue = await overdue_loans()
    assert len(overdue) == 1 and overdue[0].borrower_id in territory.borrower_ids


async def test_the_demos_overdue_laptops_are_not_offered_to_the_next_borrower(db: None) -> None:
    """Issue 14: MAN-00005 and MAN-00006, still out on a loan due three days ago, were offered as
    free from today in the search, the new-loan form and the calendar."""
    from equipment.availability import calendar, find_available
    from passnum import clock

    await load_demo(await load_territory())
    late = (await overdue_loans())[0]
    out = [i.item for i in late.items]
    today = clock.today()
    free = {i.asset_tag for i in (await find_available(today, today)).items}
    assert out and not set(out) & free
    rows = {r.item: r for r in (await calendar("laptop", today)).rows}
    assert all(rows[tag].segments[-1].reason == "overdue" for tag in out)
