"""A print run is written whole or not at all, and staff can delete a draft one (issue 14, 2).

A batch valid until 9999-12-31 used to answer 422 after its batch, booklet and cheques were
committed; from then on the batch list answered 422 for everyone and nothing could remove it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from passnum import clock
from passnum.tables import AuditEntry
from tests.factories import login, post_form
from tests.vouchers.conftest import make_batch
from tests.vouchers.pages_helpers import seen
from vouchers.tables import Batch, Booklet, Cheque


def batch_json(world, **extra) -> dict:
    return {
        "funder_id": world.operator_id,
        "label": "Département 2026",
        "booklet_count": 2,
        "valid_from": clock.today().isoformat(),
        "valid_until": (clock.today() + timedelta(days=365)).isoformat(),
        **extra,
    }


async def test_a_validity_whose_dates_leave_the_calendar_writes_nothing(client, world):
    headers = await world.staff.bearer()
    for extra in (
        {"valid_until": "9999-12-31"},
        {"valid_until": "9999-12-31", "grace_days": 0},
        {"valid_from": "1999-12-31"},
        {"valid_until": "2999-12-31", "grace_days": 1},
    ):
        response = await client.post(
            "/api/v1/batches", json=batch_json(world, **extra), headers=headers
        )
        assert response.status_code == 422, (extra, response.text)
        assert response.json()["error"] == "invalid"
        assert response.json()["field"] in ("valid_from", "valid_until"), response.json()
        assert "31/12/2999" in response.json()["message"]
    assert (await Batch.count(), await Booklet.count(), await Cheque.count()) == (0, 0, 0)
    listing = await client.get("/api/v1/batches", headers=headers)
    assert listing.status_code == 200 and listing.json() == []


async def test_staff_delete_a_draft_batch_with_its_booklets_and_cheques(client, world):
    headers = await world.staff.bearer()
    kept = await make_batch(world, count=2, active=False)
    draft = (await client.post("/api/v1/batches", json=batch_json(world), headers=headers)).json()
    assert await Cheque.count() == 20

    assert (
        await client.delete(f"/api/v1/batches/{draft['id']}", headers=headers)
    ).status_code == 204
    assert [b["id"] for b in (await client.get("/api/v1/batches", headers=headers)).json()] == [
        kept.id
    ]
    assert (await Booklet.count(), await Cheque.count()) == (2, 10)
    entry = await AuditEntry.objects().get(
        (AuditEntry.entity == "batch") & (AuditEntry.action == "delete")
    )
    assert entry.entity_id == str(draft["id"]) and entry.user_email == world.staff.email
    again = await client.delete(f"/api/v1/batches/{draft['id']}", headers=headers)
    assert (again.status_code, again.json()["error"]) == (404, "batch_not_found")


async def test_an_active_batch_cannot_be_deleted_and_only_staff_delete(client, world):
    active = await make_batch(world, count=1, active=True)
    draft = await make_batch(world, count=1, active=False)
    staff = await world.staff.bearer()
    refused = await client.delete(f"/api/v1/batches/{active.id}", headers=staff)
    assert (refused.status_code, refused.json()["error"]) == (409, "batch_not_draft")
    assert "activé" in refused.json()["message"]
    funder = await client.delete(f"/api/v1/batches/{draft.id}", headers=await world.funder.bearer())
    assert funder.status_code == 403
    assert await Batch.count() == 2


async def test_a_batch_written_before_the_check_lists_and_can_be_deleted(client, world):
    """A production database may already hold one: it must not keep the list down."""
    await Batch.insert(
        Batch(
            funder=world.operator_id,
            label="Tirage jusqu'en 9999",
            booklet_count=0,
            first_serial=1,
            face_value_cents=1000,
            valid_from=clock.today(),
            valid_until=date(9999, 12, 31),
            grace_days=31,
            status="draft",
        )
    )
    headers = await world.staff.bearer()
    listing = await client.get("/api/v1/batches", headers=headers)
    assert listing.status_code == 200, listing.text
    batch_id = listing.json()[0]["id"]
    await login(client, world.staff)
    assert "Tirage jusqu'en 9999" in seen(await client.get("/staff/tirages"))
    page = await client.get(f"/staff/tirages/{batch_id}")
    assert page.status_code == 200 and "Supprimer ce brouillon" in seen(page)
    unticked = await post_form(client, f"/staff/tirages/{batch_id}/supprimer", {})
    assert unticked.status_code == 422 and "Cochez la case" in seen(unticked)
    assert await Batch.count() == 1  # the box is checked by the server, not only the browser
    response = await post_form(
        client, f"/staff/tirages/{batch_id}/supprimer", {"confirmation": "oui"}
    )
    assert response.status_code == 200, response.text
    assert re.search(r"Tirage « Tirage jusqu.en 9999 » supprimé", seen(response))
    assert await Batch.count() == 0


async def test_the_delete_button_is_offered_on_drafts_only(client, world):
    active = await make_batch(world, count=1, active=True)
    await login(client, world.staff)
    assert "Supprimer ce brouillon" not in seen(await client.get(f"/staff/tirages/{active.id}"))
    refused = await post_form(
        client, f"/staff/tirages/{active.id}/supprimer", {"confirmation": "oui"}
    )
    assert refused.status_code == 409 and "ne peut plus être supprimé" in seen(refused)
    assert await Batch.count() == 1
