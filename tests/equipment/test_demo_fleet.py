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
