"""A booking that cannot be handed over as it is gets changed, not cancelled: staff replace or
remove one device (API and page), the hand-over form keeps what was typed when it refuses, and a
loan can be handed over before its first day when its devices are free."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.handover import check_out_loan
from equipment.loans import get_loan
from equipment.tables import Booking, Item, Loan, LoanItem
from passnum.errors import DomainError
from tests.equipment.conftest import TODAY, Fleet, day
from tests.equipment.test_one_booking_design import overdue_loan
from tests.factories import login, post_form, text_of


async def move_onto(loan: schemas.LoanView, start, due) -> None:
    """A reservation made weeks ago, reached by time: it now starts on ``start``."""
    await Loan.update({Loan.start_date: start, Loan.due_date: due}).where(Loan.id == loan.id)
    lines = await LoanItem.select(LoanItem.id).where(LoanItem.loan == loan.id)
    await Booking.update({Booking.start_date: start, Booking.end_date: due}).where(
        Booking.loan_item.is_in([line["id"] for line in lines])
    )


async def test_staff_replace_a_device_still_out_and_the_booking_can_be_handed_over(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    late_tag, kept, spare = fleet.tags[1], fleet.tags[0], fleet.tags[2]
    booking = await fleet.reserve([kept, late_tag], day(60), day(64))
    late = await overdue_loan(fleet, [late_tag])  # went out meanwhile, and did not come back
    await move_onto(booking, TODAY, day(4))
    headers = await fleet.world.staff.bearer()
    lines = [{"item": t} for t in (kept, late_tag)]

    refused = await client.post(
        f"/api/v1/loans/{booking.number}/checkout", json={"lines": lines}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "unavailable"
    assert [c["loan"] for c in refused.json()["conflicts"]] == [late.number]

    busy = await fleet.reserve([fleet.tags[3]], day(2), day(3))
    taken = await client.post(
        f"/api/v1/loans/{booking.number}/items",
        json={"item": fleet.tags[3], "replaces": late_tag},
        headers=headers,
    )
    assert taken.status_code == 409 and taken.json()["error"] == "unavailable"
    assert taken.json()["conflicts"][0]["loan"] == busy.number

    replaced = await client.post(
        f"/api/v1/loans/{booking.number}/items",
        json={"item": spare, "replaces": late_tag},
        headers=headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert [i["item"] for i in replaced.json()["items"]] == [kept, spare]

    lines = [{"item": t} for t in (kept, spare)]
    out = await client.post(
        f"/api/v1/loans/{booking.number}/checkout", json={"lines": lines}, headers=headers
    )
    assert out.status_code == 200, out.text


async def test_staff_remove_one_device_and_its_days_are_free_again(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tags = fleet.tags[1:3]
    booking = await fleet.reserve(tags, day(1), day(4))
    headers = await fleet.world.staff.bearer()

    removed = await client.delete(
        f"/api/v1/loans/{booking.number}/items/{tags[1]}", headers=headers
    )
    assert removed.status_code == 200, removed.text
    assert [i["item"] for i in removed.json()["items"]] == [tags[0]]
    assert (await fleet.reserve([tags[1]], day(2), day(3))).status == "reserved"

    last = await client.delete(f"/api/v1/loans/{booking.number}/items/{tags[0]}", headers=headers)
    assert last.status_code == 409 and last.json()["error"] == "last_item"
    assert "annulez la réservation" in last.json()["message"]

    added = await client.post(
        f"/api/v1/loans/{booking.number}/items", json={"item": fleet.tags[3]}, headers=headers
    )
    assert added.status_code == 200
    assert [i["item"] for i in added.json()["items"]] == [tags[0], fleet.tags[3]]


async def test_adding_a_device_respects_the_borrowers_maximum(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    rules = (await client.get("/api/v1/fleet/rules", headers=headers)).json()
    await client.put(
        "/api/v1/fleet/rules", json={**rules, "max_items_per_borrower": 2}, headers=headers
    )
    booking = await fleet.reserve(fleet.tags[:2], day(1), day(4))
    response = await client.post(
        f"/api/v1/loans/{booking.number}/items", json={"item": fleet.tags[2]}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"] == "too_many_items"
    swapped = await client.post(
        f"/api/v1/loans/{booking.number}/items",
        json={"item": fleet.tags[2], "replaces": fleet.tags[1]},
        headers=headers,
    )
    assert swapped.status_code == 200, swapped.text


async def test_a_handed_over_loan_cannot_change_its_devices(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    booking = await fleet.reserve(fleet.tags[:2], TODAY, day(4))
    await check_out_loan(
        fleet.staff, booking.number, [schemas.CheckoutLine(item=t) for t in fleet.tags[:2]]
    )
    response = await client.delete(
        f"/api/v1/loans/{booking.number}/items/{fleet.tags[0]}",
        headers=await fleet.world.staff.bearer(),
    )
    assert response.status_code == 409 and response.json()["error"] == "not_reserved"


async def test_staff_replace_a_device_from_the_loan_page(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    booking = await fleet.reserve([fleet.tags[1]], day(1), day(3))
    await login(client, fleet.world.staff)
    page = await post_form(
        client,
        f"/loans/{booking.number}/appareils",
        {"item": fleet.tags[2], "replaces": fleet.tags[1]},
    )
    assert page.status_code == 200
    assert "Appareils de la réservation modifiés" in text_of(page.text)
    assert [i.item for i in (await get_loan(booking.number)).items] == [fleet.tags[2]]


async def test_the_hand_over_form_keeps_what_was_typed_when_it_refuses(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    late_tag = fleet.tags[1]
    booking = await fleet.reserve([late_tag], day(60), day(64))
    await overdue_loan(fleet, [late_tag])
    await move_onto(booking, TODAY, day(4))
    await login(client, fleet.world.staff)
    page = await post_form(
        client,
        f"/loans/{booking.number}/remise",
        {
            "items": [late_tag],
            f"present:{late_tag}": "1",
            f"note:{late_tag}": "Coque fendue à l'angle",
            "signer_name": "Claire Lebrun",
            "signature_typed": "1",
        },
    )
    assert page.status_code == 409
    assert "en retard" in text_of(page.text)
    assert 'value="Coque fendue à l&#39;angle"' in page.text
    assert f'name="working:{late_tag}" value="1">' in page.text  # left unticked
    assert f'name="present:{late_tag}" value="1" checked>' in page.text


async def test_a_loan_is_handed_over_early_when_its_devices_are_free_from_today(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[0]
    booking = await fleet.reserve([tag], day(3), day(6))
    handed = await check_out_loan(fleet.staff, booking.number, [schemas.CheckoutLine(item=tag)])
    assert handed.status == "checked_out"
    assert (handed.start_date, handed.due_date) == (TODAY, day(6))
    item = await Item.objects().get(Item.asset_tag == tag)
    row = await Booking.objects().get(Booking.item == item.id)
    assert (row.start_date, row.end_date) == (TODAY, day(6))


async def test_an_early_hand_over_is_refused_when_a_device_is_taken_before_the_start(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[0]
    other = await fleet.reserve([tag], TODAY, day(1))
    booking = await fleet.reserve([tag], day(3), day(6))
    with pytest.raises(DomainError) as caught:
        await check_out_loan(fleet.staff, booking.number, [schemas.CheckoutLine(item=tag)])
    assert caught.value.code == "unavailable"
    assert caught.value.extra["conflicts"][0]["loan"] == other.number
    assert (await get_loan(booking.number)).start_date == day(3)


async def test_an_early_hand_over_is_refused_when_it_would_exceed_the_borrowers_cap(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    from tests.equipment.test_booking_rules import _set_rules

    await _set_rules(client, fleet, min_notice_days=0)  # at most 2 devices at once
    await fleet.reserve(fleet.tags[:2], TODAY, day(2))
    later = await fleet.reserve([fleet.tags[2]], day(3), day(6))  # 3 devices, never at once
    with pytest.raises(DomainError) as caught:  # handed over today, it would overlap the first
        await check_out_loan(fleet.staff, later.number, [schemas.CheckoutLine(item=fleet.tags[2])])
    assert caught.value.code == "too_many_items"
    assert (await get_loan(later.number)).start_date == day(3)
