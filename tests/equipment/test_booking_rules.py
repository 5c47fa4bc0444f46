"""Rules staff set: minimum notice, maximum duration, maximum items per borrower at once."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from equipment.loans import extend_loan
from passnum.errors import DomainError
from tests.equipment.conftest import TODAY, Fleet, day

RULES = {
    "min_notice_days": 3,
    "max_duration_days": 10,
    "max_items_per_borrower": 2,
    "due_soon_days": 2,
    "asset_tag_prefix": "MAN",
}


async def _set_rules(client: AsyncTestClient, fleet: Fleet, **changes) -> dict:
    response = await client.put(
        "/api/v1/fleet/rules", json={**RULES, **changes}, headers=await fleet.world.staff.bearer()
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_reservation_needs_the_minimum_notice(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await _set_rules(client, fleet)
    with pytest.raises(DomainError) as caught:
        await fleet.reserve([fleet.tags[0]], day(2), day(4))
    assert caught.value.code == "notice_too_short"
    assert "3 jour(s)" in caught.value.message
    await fleet.reserve([fleet.tags[0]], day(3), day(4))


async def test_a_loan_cannot_exceed_the_maximum_duration_even_when_extended(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await _set_rules(client, fleet, min_notice_days=0)
    with pytest.raises(DomainError) as caught:
        await fleet.reserve([fleet.tags[0]], TODAY, day(10))
    assert caught.value.code == "too_long"
    loan = await fleet.reserve([fleet.tags[0]], TODAY, day(9))
    with pytest.raises(DomainError) as caught:
        await extend_loan(fleet.staff, loan.number, day(10))
    assert caught.value.code == "too_long"


async def test_a_borrower_holds_at_most_the_maximum_number_of_items_at_once(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await _set_rules(client, fleet, min_notice_days=0)
    await fleet.reserve(fleet.tags[:2], day(1), day(5))
    with pytest.raises(DomainError) as caught:
        await fleet.reserve([fleet.tags[2]], day(5), day(6))
    assert caught.value.code == "too_many_items"
    await fleet.reserve([fleet.tags[2]], day(6), day(7))
    await fleet.reserve([fleet.tags[3]], day(1), day(5), borrower_id=fleet.other_borrower_id)


async def test_rules_refuse_nonsense(client: AsyncTestClient, fleet: Fleet) -> None:
    response = await client.put(
        "/api/v1/fleet/rules",
        json={**RULES, "max_duration_days": 0},
        headers=await fleet.world.staff.bearer(),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "max_duration_days"


async def test_an_organisation_that_is_not_a_borrower_cannot_borrow(fleet: Fleet) -> None:
    with pytest.raises(DomainError) as caught:
        await fleet.reserve([fleet.tags[0]], day(1), day(2), borrower_id=fleet.world.site_id)
    assert caught.value.extra["field"] == "borrower_id"


async def test_an_extension_cannot_take_a_borrower_over_the_maximum_number_of_items(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await _set_rules(client, fleet, min_notice_days=0)
    first = await fleet.reserve(fleet.tags[:2], day(1), day(3))
    await fleet.reserve([fleet.tags[2]], day(5), day(7))
    with pytest.raises(DomainError) as caught:
        await extend_loan(fleet.staff, first.number, day(6))  # would hold 3 on days 5 and 6
    assert caught.value.code == "too_many_items"
    assert (await extend_loan(fleet.staff, first.number, day(4))).due_date == day(4)


async def test_a_serial_number_is_one_device_whatever_its_case(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    item = {"item_type": "laptop", "brand": "Lenovo", "model": "ThinkPad E14"}
    created = await client.post(
        "/api/v1/items", json={**item, "serial": "AUDIT-SN-1"}, headers=headers
    )
    assert created.status_code == 201, created.text
    again = await client.post(
        "/api/v1/items", json={**item, "serial": "audit-sn-1"}, headers=headers
    )
    assert again.status_code == 409
    assert again.json()["error"] == "duplicate_serial"
    assert "AUDIT-SN-1" in again.json()["message"]
    other = await client.post(
        "/api/v1/items", json={**item, "serial": "audit-sn-2"}, headers=headers
    )
    assert other.status_code == 201


async def test_the_database_refuses_a_serial_number_differing_only_in_case(fleet: Fleet) -> None:
    """Even a write that skipped the service's check (two at once, a manual insert)."""
    from equipment.errors import UNIQUE_REFUSALS
    from equipment.tables import Item
    from passnum.errors import violated_unique

    await Item.insert(Item(item_type="laptop", serial="PF3X-AB", asset_tag="T-1"))
    with pytest.raises(Exception, match=r"(?i)unique") as caught:
        await Item.insert(Item(item_type="laptop", serial="pf3x-ab", asset_tag="T-2"))
    # a request losing that race is answered like the service's check: 409 duplicate_serial
    assert UNIQUE_REFUSALS[violated_unique(caught.value)][0] == "duplicate_serial"


async def test_a_rules_update_that_omits_a_rule_keeps_it(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    """A client written before a rule existed (or that changes one rule) sends only what it
    knows: the rules it leaves out keep their value, they are not reset to a default."""
    staff = await fleet.world.staff.bearer()
    await _set_rules(client, fleet, max_extensions=3)
    kept = await client.put("/api/v1/fleet/rules", json=RULES, headers=staff)
    assert kept.status_code == 200, kept.text
    assert kept.json()["max_extensions"] == 3
    one = await client.put("/api/v1/fleet/rules", json={"min_notice_days": 5}, headers=staff)
    assert one.status_code == 200, one.text
    assert {k: one.json()[k] for k in ("min_notice_days", "max_duration_days")} == {
        "min_notice_days": 5,
        "max_duration_days": 10,
    }
    assert one.json()["max_extensions"] == 3
    wrong = await client.put("/api/v1/fleet/rules", json={"max_extensions": -1}, headers=staff)
    assert (wrong.status_code, wrong.json()["field"]) == (422, "max_extensions")
    assert (await client.get("/api/v1/fleet/rules", headers=staff)).json()["max_extensions"] == 3
