"""The phone of a loan's contact goes through the project's one phone rule (organisations.editing
.e164): a number staff cannot call back (« pas de tel », « 123 ») is refused next to the field,
what was typed kept; a good one is stored in E.164 and read back as the French write it, on the
pages, the loan slip and the calendar. Empty stays allowed: the phone is optional.
"""

from __future__ import annotations

import io
from html import unescape

from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from equipment.tables import Loan, LoanRequest
from tests.equipment.conftest import TODAY, Fleet, day
from tests.equipment.test_loan_requests import wednesday_workshop
from tests.factories import login, post_form, text_of
from tests.vouchers.pages_helpers import seen

REFUSED = "Le numéro de téléphone « {raw} » n'est pas valide (ex. 02 33 05 55 50)."


def request_form(**changes: str) -> dict[str, str]:
    return {
        "start_date": day(8).isoformat(),
        "due_date": day(9).isoformat(),
        "contact_name": "Claire Lebrun",
        "contact_phone": "02 33 00 00 00",
        "contact_email": "claire.lebrun@tessy.test",
        "purpose": "Atelier du mercredi",
        "type_tablet": "1",
        **changes,
    }


def staff_loan_form(fleet: Fleet, **changes: str) -> dict:
    return {
        "borrower_id": str(fleet.borrower_id),
        "contact_name": "Claire Lebrun",
        "contact_phone": "02 33 00 00 01",
        "contact_email": "claire.lebrun@tessy.test",
        "purpose": "Atelier numérique",
        "start_date": TODAY.isoformat(),
        "due_date": day(7).isoformat(),
        "items": [fleet.tags[1]],
        **changes,
    }


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


async def test_a_commune_asking_with_no_callable_phone_is_told_next_to_the_field(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.borrower)
    for typed in ("pas de tel", "123", "02 33 00 00"):
        sent = await post_form(client, "/emprunter", request_form(contact_phone=typed))

        assert sent.status_code == 422, (typed, sent.text)
        assert REFUSED.format(raw=typed) in seen(sent)
        # Next to the field, which says it is wrong; what was typed is kept to be corrected.
        field = sent.text.split('id="contact_phone"')[1].split("<label")[0]
        assert 'aria-invalid="true"' in field and 'value="' + typed + '"' in field
        assert REFUSED.format(raw=typed) in unescape(text_of(field))
        assert 'value="Atelier du mercredi"' in sent.text
    assert await LoanRequest.count() == 0
    assert "Aucune demande pour l'instant" in seen(await client.get("/emprunter/demandes"))


async def test_a_good_phone_is_kept_in_e164_and_staff_read_it_the_french_way(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.borrower)
    sent = await post_form(
        client,
        "/emprunter",
        request_form(contact_phone="+33 2 33 00 00 00"),
        follow_redirects=False,
    )
    assert sent.status_code in (302, 303), seen(sent)
    [row] = await LoanRequest.select(LoanRequest.contact_phone)
    assert row["contact_phone"] == "+33233000000"

    client.cookies.clear()
    await login(client, fleet.world.staff)
    page = await client.get("/equipment/demandes")
    assert "Claire Lebrun 02 33 00 00 00" in seen(page)
    assert "+33233000000" not in page.text


async def test_an_empty_phone_stays_allowed(client: AsyncTestClient, fleet: Fleet) -> None:
    await login(client, fleet.world.borrower)
    sent = await post_form(
        client, "/emprunter", request_form(contact_phone=""), follow_redirects=False
    )
    assert sent.status_code in (302, 303), seen(sent)
    [row] = await LoanRequest.select(LoanRequest.contact_phone)
    assert row["contact_phone"] == ""


async def test_the_api_refuses_a_bad_phone_with_a_stable_code(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    borrower = await fleet.world.borrower.bearer()
    asked = await client.post(
        "/api/v1/loan-requests",
        json={**wednesday_workshop(), "contact_phone": "pas de tel"},
        headers=borrower,
    )
    assert asked.status_code == 422, asked.text
    assert asked.json()["error"] == "invalid_phone"
    assert asked.json()["field"] == "contact_phone"
    assert asked.json()["message"] == REFUSED.format(raw="pas de tel")

    good = await client.post(
        "/api/v1/loan-requests",
        json={**wednesday_workshop(), "contact_phone": "0590 12 34 56"},  # Guadeloupe
        headers=borrower,
    )
    assert good.status_code == 201, good.text
    assert good.json()["contact_phone"] == "+590590123456"

    staff = await fleet.world.staff.bearer()
    loan = await client.post(
        "/api/v1/loans",
        json={
            "borrower_id": fleet.borrower_id,
            "contact_name": "Claire Lebrun",
            "contact_phone": "123",
            "start_date": TODAY.isoformat(),
            "due_date": day(7).isoformat(),
            "items": [fleet.tags[1]],
        },
        headers=staff,
    )
    assert loan.status_code == 422, loan.text
    assert (loan.json()["error"], loan.json()["field"]) == ("invalid_phone", "contact_phone")
    assert await Loan.count() == 0


async def test_staff_reserving_are_told_at_the_first_step_and_the_slip_prints_it_the_french_way(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    first = dict(staff_loan_form(fleet, contact_phone="pas de tel"))
    first.pop("items")
    step_one = await client.get("/equipment/loans/new", params=first)
    assert step_one.status_code == 422
    assert REFUSED.format(raw="pas de tel") in seen(step_one)
    assert 'value="pas de tel"' in step_one.text

    refused = await post_form(
        client, "/equipment/loans/new", staff_loan_form(fleet, contact_phone="pas de tel")
    )
    assert refused.status_code == 422
    assert REFUSED.format(raw="pas de tel") in seen(refused)
    assert await Loan.count() == 0

    done = await post_form(client, "/equipment/loans/new", staff_loan_form(fleet))
    assert done.status_code == 200 and "Réservation enregistrée" in done.text, seen(done)
    [loan] = await Loan.select(Loan.number, Loan.contact_phone)
    assert loan["contact_phone"] == "+33233000001"
    assert "Claire Lebrun 02 33 00 00 01" in seen(done)
    listed = await client.get("/equipment/loans")
    assert "02 33 00 00 01" in seen(listed) and "+33233000001" not in listed.text

    slip = await client.get(f"/loans/{loan['number']}/bon-de-pret.pdf")
    assert slip.status_code == 200
    assert "02 33 00 00 01" in " ".join(pdf_text(slip.content).split())


async def test_a_request_approved_carries_its_phone_to_the_loan(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    borrower = await fleet.world.borrower.bearer()
    asked = await client.post(
        "/api/v1/loan-requests",
        json={**wednesday_workshop(), "types": {"tablet": 1}},
        headers=borrower,
    )
    assert asked.status_code == 201, asked.text
    staff = await fleet.world.staff.bearer()
    decided = await client.post(
        f"/api/v1/loan-requests/{asked.json()['id']}/decision",
        json={"decision": "approve"},
        headers=staff,
    )
    assert decided.status_code == 200, decided.text
    loan = await client.get(f"/api/v1/loans/{decided.json()['loan']}", headers=staff)
    assert loan.json()["contact_phone"] == "+33233000000"
