"""Staff create print runs, activate them once paid and allocate booklets; each organisation sees
its own stock; funders see their own batches."""

from __future__ import annotations

import time
from datetime import timedelta

from passnum import clock
from passnum.errors import DomainError
from tests.vouchers.conftest import actor_of, make_batch, numbers_of
from vouchers import schemas
from vouchers import services as svc
from vouchers.codes import is_valid_code, parse_booklet_number
from vouchers.tables import Booklet, Cheque


def batch_json(world, **extra) -> dict:
    return {
        "funder_id": world.operator_id,
        "label": "Département 2026",
        "booklet_count": 3,
        "valid_from": clock.today().isoformat(),
        "valid_until": (clock.today() + timedelta(days=365)).isoformat(),
        **extra,
    }


async def test_staff_create_a_draft_batch_then_activate_it_once_paid(client, world):
    headers = await world.staff.bearer()
    created = await client.post("/api/v1/batches", json=batch_json(world), headers=headers)
    assert created.status_code == 201, created.text
    batch = created.json()
    assert batch["status"] == "draft" and batch["face_value_cents"] == 1000
    assert batch["grace_days"] == 31 and batch["booklets_by_status"] == {"in_stock": 3}
    assert parse_booklet_number(batch["first_number"]) == batch["first_number"]
    codes = [r["code"] for r in await Cheque.select(Cheque.code)]
    assert len(codes) == 15 and all(is_valid_code(c) for c in codes)
    activated = await client.post(
        f"/api/v1/batches/{batch['id']}/activate",
        json={"amount_cents": 15000, "payment_reference": "Titre 12", "paid_on": "2026-01-15"},
        headers=headers,
    )
    assert activated.status_code == 200 and activated.json()["status"] == "active"
    assert activated.json()["paid_at"].startswith("2026-01-15")
    again = await client.post(f"/api/v1/batches/{batch['id']}/activate", headers=headers)
    assert (again.status_code, again.json()["error"]) == (409, "batch_already_active")


async def test_batch_numbers_follow_on_from_the_previous_batch(world):
    first = await make_batch(world, count=2, active=False)
    second = await make_batch(world, count=2, active=False)
    assert int(second.first_number[:7]) == int(first.last_number[:7]) + 1


async def test_invalid_batches_are_refused_with_the_faulty_field(client, world):
    headers = await world.staff.bearer()
    for extra, field in [
        ({"booklet_count": 0}, "booklet_count"),
        ({"valid_until": "2000-01-01"}, "valid_until"),
        ({"funder_id": world.prescriber_org_id}, "funder_id"),
        ({"allowed_insee_codes": ["123"]}, "allowed_insee_codes"),
        ({"allowed_site_ids": [world.prescriber_org_id]}, "allowed_site_ids"),
    ]:
        response = await client.post(
            "/api/v1/batches", json=batch_json(world, **extra), headers=headers
        )
        assert response.status_code == 422, extra
        assert response.json()["field"] == field


async def test_only_staff_create_batches_and_funders_see_only_their_own(client, world):
    assert (
        await client.post(
            "/api/v1/batches", json=batch_json(world), headers=await world.prescriber.bearer()
        )
    ).status_code == 403
    await make_batch(world, count=1)
    caf = await make_batch(world, count=1, funder_id=world.funder_id, label="CAF 2026")
    seen = await client.get("/api/v1/batches", headers=await world.funder.bearer())
    assert [b["label"] for b in seen.json()] == ["CAF 2026"]
    other = await client.get(f"/api/v1/batches/{caf.id - 1}", headers=await world.funder.bearer())
    assert other.status_code == 404


async def test_staff_allocate_by_count_and_by_number_range_and_move_stock(client, world):
    batch = await make_batch(world, count=10)
    numbers = await numbers_of(batch)
    headers = await world.staff.bearer()
    by_count = await client.post(
        "/api/v1/allocations",
        json={"to_organisation_id": world.prescriber_org_id, "batch_id": batch.id, "count": 4},
        headers=headers,
    )
    assert by_count.status_code == 201, by_count.text
    assert (by_count.json()["first_number"], by_count.json()["last_number"]) == (
        numbers[0],
        numbers[3],
    )
    by_range = await client.post(
        "/api/v1/allocations",
        json={
            "to_organisation_id": world.other_prescriber_org_id,
            "first_number": numbers[8],
            "last_number": f"{numbers[9][:4]} {numbers[9][4:]}",
        },
        headers=headers,
    )
    assert by_range.json()["count"] == 2
    moved = await client.post(
        "/api/v1/allocations",
        json={
            "from_organisation_id": world.prescriber_org_id,
            "to_organisation_id": world.other_prescriber_org_id,
            "count": 1,
        },
        headers=headers,
    )
    assert moved.json()["first_number"] == numbers[0]
    too_many = await client.post(
        "/api/v1/allocations",
        json={"to_organisation_id": world.prescriber_org_id, "count": 99},
        headers=headers,
    )
    assert (too_many.status_code, too_many.json()["error"]) == (409, "not_enough_stock")
    taken = await client.post(
        "/api/v1/allocations",
        json={"to_organisation_id": world.prescriber_org_id, "first_number": numbers[9]},
        headers=headers,
    )
    assert taken.json()["error"] == "not_enough_stock"
    mine = await client.get("/api/v1/stock", headers=await world.prescriber.bearer())
    assert [(s["available"], s["first_number"]) for s in mine.json()] == [(3, numbers[1])]
    everything = await client.get("/api/v1/stock", headers=headers)
    assert sorted(s["available"] for s in everything.json()) == [3, 3, 4]
    peek = await client.get(
        f"/api/v1/stock?organisation_id={world.other_prescriber_org_id}",
        headers=await world.prescriber.bearer(),
    )
    assert peek.status_code == 403


async def test_allocating_to_a_non_prescriber_is_refused(world):
    batch = await make_batch(world, count=1)
    staff = await actor_of(world.staff)
    try:
        await svc.move_booklets(
            staff, schemas.StockMoveIn(to_organisation_id=world.site_id, batch_id=batch.id, count=1)
        )
    except DomainError as error:
        assert error.extra["field"] == "to_organisation_id"
    else:
        raise AssertionError("allocation to a site accepted")


async def test_a_batch_of_ten_thousand_booklets_is_created_in_one_go(world):
    started = time.perf_counter()
    batch = await make_batch(world, count=10_000, active=False)
    elapsed = time.perf_counter() - started
    print(f"\n10,000 booklets / 50,000 cheques created in {elapsed:.2f} s")
    assert batch.booklets_by_status == {"in_stock": 10_000}
    assert await Cheque.count() == 50_000
    assert await Booklet.count().where(Booklet.batch == batch.id) == 10_000
