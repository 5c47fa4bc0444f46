"""Staff reserve, hand over and take back equipment through the HTML pages (real HTTP)."""

from __future__ import annotations

import io

import pytest
from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from equipment.inventory import get_item
from equipment.loans import get_loan
from tests.equipment.conftest import TODAY, Fleet, day
from tests.factories import login, post_form, text_of


def loan_form(fleet: Fleet, tags: list[str], start=TODAY, due=None, **extra) -> dict:
    return {
        "borrower_id": str(fleet.borrower_id),
        "contact_name": "Claire Lebrun",
        "contact_phone": "02 33 00 00 01",
        "contact_email": "claire.lebrun@tessy.test",
        "purpose": "Atelier numérique",
        "start_date": start.isoformat(),
        "due_date": (due or day(7)).isoformat(),
        "items": tags,
        **extra,
    }


async def reserve_by_page(client: AsyncTestClient, fleet: Fleet, tags: list[str]) -> str:
    response = await post_form(client, "/equipment/loans/new", loan_form(fleet, tags))
    assert response.status_code == 200, text_of(response.text)
    assert "Réservation enregistrée" in response.text
    return str(response.url).split("/loans/")[1].split("?")[0]


async def test_staff_sees_free_items_for_the_dates_and_reserves_one(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    page = await client.get(
        "/equipment/loans/new",
        params={
            "borrower_id": fleet.borrower_id,
            "start_date": TODAY.isoformat(),
            "due_date": day(7).isoformat(),
            "item_type": "tablet",
        },
    )
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Appareils libres (2)" in text and fleet.tags[1] in text
    assert fleet.tags[0] not in text  # the laptop is filtered out by type

    number = await reserve_by_page(client, fleet, [fleet.tags[1]])
    loan = await get_loan(number)
    assert loan.status == "reserved" and [i.item for i in loan.items] == [fleet.tags[1]]

    again = await client.get(
        "/equipment/loans/new",
        params={"start_date": day(3).isoformat(), "due_date": day(4).isoformat()},
    )
    assert fleet.tags[1] not in text_of(again.text).split("Appareils libres")[1]


async def test_a_booked_item_is_refused_with_the_conflict_in_french(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    number = await reserve_by_page(client, fleet, [fleet.tags[0]])
    refused = await post_form(
        client, "/equipment/loans/new", loan_form(fleet, [fleet.tags[0]], day(7), day(9))
    )
    assert refused.status_code == 409
    text = text_of(refused.text)
    assert "Ce matériel est déjà réservé sur ces dates" in text
    assert f"{fleet.tags[0]} (prêt {number} du" in text
    assert 'value="Claire Lebrun"' in refused.text  # the form keeps what was typed


async def test_a_missing_date_is_explained_on_the_form(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    refused = await post_form(
        client, "/equipment/loans/new", loan_form(fleet, [fleet.tags[0]]) | {"due_date": ""}
    )
    assert refused.status_code == 422
    assert "Indiquez la date de retour" in text_of(refused.text)


# The borrower signs at the counter; here with the keyboard alternative (tests/equipment/
# test_signatures.py draws on the pad).
TYPED_SIGNATURE = {"signer_name": "Claire Lebrun", "signature_typed": "1"}


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


async def hand_over(client: AsyncTestClient, number: str, tags: list[str]) -> None:
    screen = await client.get(f"/loans/{number}/remise")
    assert screen.status_code == 200 and "Présent" in screen.text
    data = {"items": tags, **TYPED_SIGNATURE}
    for tag in tags:
        data |= {f"present:{tag}": "1", f"working:{tag}": "1", f"note:{tag}": "Rayure capot"}
    done = await post_form(client, f"/loans/{number}/remise", data)
    assert done.status_code == 200 and "Matériel remis" in done.text, text_of(done.text)


async def test_hand_over_then_the_loan_slip_lists_the_asset_tag(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    tag = fleet.tags[0]
    number = await reserve_by_page(client, fleet, [tag])
    await hand_over(client, number, [tag])
    assert (await get_item(tag)).status == "on_loan"
    line = (await get_loan(number)).items[0]
    assert line.checkout_checklist == {"present": True, "working": True, "accessories_ok": False}

    slip = await client.get(f"/loans/{number}/bon-de-pret.pdf")
    assert slip.status_code == 200 and slip.headers["content-type"] == "application/pdf"
    text = pdf_text(slip.content)
    assert tag in text and number in text and "Rayure capot" in text


@pytest.mark.parametrize(
    ("state", "status"), [("wiped", "available"), ("not_wiped", "maintenance")]
)
async def test_return_with_wipe_confirmed_frees_the_item_and_without_sends_it_to_maintenance(
    client: AsyncTestClient, fleet: Fleet, state: str, status: str
) -> None:
    await login(client, fleet.world.staff)
    tag = fleet.tags[0]
    number = await reserve_by_page(client, fleet, [tag])
    await hand_over(client, number, [tag])
    screen = await client.get(f"/loans/{number}/retour")
    assert "données personnelles" in screen.text and "chargeur" in screen.text
    done = await post_form(
        client,
        f"/loans/{number}/retour",
        {
            "items": [tag],
            f"state:{tag}": state,
            f"missing:{tag}": ["chargeur"],
            **TYPED_SIGNATURE,
        },
    )
    assert done.status_code == 200 and "Retour enregistré" in done.text, text_of(done.text)
    assert (await get_item(tag)).status == status
    loan = await get_loan(number)
    assert loan.status == "returned" and loan.items[0].missing_accessories == ["chargeur"]
    slip = await client.get(f"/loans/{number}/bon-de-retour.pdf")
    assert slip.status_code == 200 and tag in pdf_text(slip.content)


async def test_a_return_without_choosing_the_wipe_answer_is_refused_and_nothing_changes(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    tag = fleet.tags[0]
    number = await reserve_by_page(client, fleet, [tag])
    await hand_over(client, number, [tag])
    refused = await post_form(
        client, f"/loans/{number}/retour", {"items": [tag], f"state:{tag}": "pending"}
    )
    assert refused.status_code == 422
    assert "données effacées" in text_of(refused.text)
    assert (await get_item(tag)).status == "on_loan"


async def test_a_partial_return_then_a_loss_closes_the_loan(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    first, second = fleet.tags[1], fleet.tags[2]
    number = await reserve_by_page(client, fleet, [first, second])
    await hand_over(client, number, [first, second])
    partial = await post_form(
        client,
        f"/loans/{number}/retour",
        {
            "items": [first, second],
            f"state:{first}": "wiped",
            f"state:{second}": "pending",
            **TYPED_SIGNATURE,
        },
    )
    assert partial.status_code == 200
    assert (await get_loan(number)).status == "partially_returned"
    lost = await post_form(client, f"/loans/{number}/perte", {"lost": [second], "note": "Volé"})
    assert lost.status_code == 200 and "Perte enregistrée" in lost.text
    assert (await get_loan(number)).status == "returned"
    assert (await get_item(second)).status == "lost"


async def test_cancelling_a_reservation_frees_its_dates(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    number = await reserve_by_page(client, fleet, [fleet.tags[0]])
    done = await post_form(client, f"/loans/{number}/annuler", {"reason": "Atelier reporté"})
    assert "Réservation annulée" in done.text
    again = await post_form(client, "/equipment/loans/new", loan_form(fleet, [fleet.tags[0]]))
    assert "Réservation enregistrée" in again.text


async def test_extending_a_loan_into_another_booking_is_refused_in_french(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    tag = fleet.tags[0]
    first = await reserve_by_page(client, fleet, [tag])
    later = await fleet.reserve([tag], day(10), day(12))
    refused = await post_form(
        client, f"/loans/{first}/prolonger", {"due_date": day(11).isoformat()}
    )
    assert refused.status_code == 409
    assert f"{tag} (prêt {later.number} du" in text_of(refused.text)
    done = await post_form(client, f"/loans/{first}/prolonger", {"due_date": day(9).isoformat()})
    assert "Prêt prolongé" in done.text
    assert (await get_loan(first)).due_date == day(9)
