"""A loan from reservation to return, through the real JSON API, with its printed slips."""

from __future__ import annotations

import io

from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from tests.equipment.conftest import TODAY, Fleet, day


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def _reserve(client: AsyncTestClient, fleet: Fleet, headers: dict, tags: list[str]) -> dict:
    response = await client.post(
        "/api/v1/loans",
        json={
            "borrower_id": fleet.borrower_id,
            "contact_name": "Claire Lebrun",
            "contact_phone": "02 33 00 00 01",
            "start_date": TODAY.isoformat(),
            "due_date": day(14).isoformat(),
            "purpose": "Permanence numérique",
            "items": tags,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_reserve_hand_over_return_wiped_and_the_item_is_available_again(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    tag = fleet.tags[0]
    loan = await _reserve(client, fleet, headers, [tag])
    assert loan["status"] == "reserved" and loan["number"].startswith("PR-")
    number = loan["number"]

    refused = await client.post(
        "/api/v1/loans",
        json={
            **{k: loan[k] for k in ("borrower_id", "contact_name")},
            "items": [tag],
            "start_date": day(14).isoformat(),
            "due_date": day(15).isoformat(),
        },
        headers=headers,
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "unavailable" and body["message"]
    assert body["conflicts"] == [
        {
            "item": tag,
            "from": TODAY.isoformat(),
            "to": day(14).isoformat(),
            "reason": "loan",
            "loan": number,
        }
    ]

    out = await client.post(
        f"/api/v1/loans/{number}/checkout",
        json={"lines": [{"item": tag, "accessories_ok": False, "note": "Housse absente"}]},
        headers=headers,
    )
    assert out.status_code == 200, out.text
    assert out.json()["status"] == "checked_out"
    assert (await client.get(f"/api/v1/items/{tag}", headers=headers)).json()["status"] == "on_loan"

    slip = await client.get(f"/api/v1/loans/{number}/slip.pdf", headers=headers)
    assert slip.status_code == 200
    assert slip.headers["content-type"] == "application/pdf"
    text = pdf_text(slip.content)
    assert tag in text and number in text and "SN-0000" in text and "Housse absente" in text

    back = await client.post(
        f"/api/v1/loans/{number}/checkin",
        json={"lines": [{"item": tag, "data_wiped": True}]},
        headers=headers,
    )
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "returned"
    item = (await client.get(f"/api/v1/items/{tag}", headers=headers)).json()
    assert item["status"] == "available"
    assert item["qr_url"] == f"https://passnum.test/i/{tag}"
    returned = await client.get(f"/api/v1/loans/{number}/return-slip.pdf", headers=headers)
    assert "Bon de retour" in pdf_text(returned.content)


async def test_a_device_returned_without_wiping_goes_to_maintenance(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    tags = fleet.tags[1:3]
    number = (await _reserve(client, fleet, headers, tags))["number"]
    lines = [{"item": t} for t in tags]
    await client.post(f"/api/v1/loans/{number}/checkout", json={"lines": lines}, headers=headers)

    missing_confirmation = await client.post(
        f"/api/v1/loans/{number}/checkin", json={"lines": [{"item": tags[0]}]}, headers=headers
    )
    assert missing_confirmation.status_code == 400
    assert missing_confirmation.json()["error"] == "invalid"

    partial = await client.post(
        f"/api/v1/loans/{number}/checkin",
        json={
            "lines": [{"item": tags[0], "data_wiped": False, "missing_accessories": ["chargeur"]}]
        },
        headers=headers,
    )
    assert partial.json()["status"] == "partially_returned"
    item = (await client.get(f"/api/v1/items/{tags[0]}", headers=headers)).json()
    assert item["status"] == "maintenance"
    repairs = (await client.get(f"/api/v1/maintenance?item={tags[0]}", headers=headers)).json()
    assert "données personnelles non effacées" in repairs[0]["description"]

    lost = await client.post(
        f"/api/v1/loans/{number}/loss", json={"items": [tags[1]], "note": "Volée"}, headers=headers
    )
    assert lost.json()["status"] == "returned"
    assert (await client.get(f"/api/v1/items/{tags[1]}", headers=headers)).json()[
        "status"
    ] == "lost"
    history = (await client.get(f"/api/v1/items/{tags[1]}/history", headers=headers)).json()
    assert history["loans"][0]["number"] == number


async def test_only_staff_reach_the_fleet_api(client: AsyncTestClient, fleet: Fleet) -> None:
    prescriber = await fleet.world.prescriber.bearer()
    assert (await client.get("/api/v1/items", headers=prescriber)).status_code == 403
    assert (await client.get("/api/v1/loans")).status_code == 401


async def test_label_sheet_has_every_asset_tag(client: AsyncTestClient, fleet: Fleet) -> None:
    headers = await fleet.world.staff.bearer()
    response = await client.get(
        f"/api/v1/inventory/labels.pdf?tags={fleet.tags[0]},{fleet.tags[3]}&start=5",
        headers=headers,
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert fleet.tags[0] in text and fleet.tags[3] in text and fleet.tags[1] not in text
