"""The borrower's pages and the staff page of requests, through the real forms (CSRF, session)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from passnum.auth.actor import Role
from tests.equipment.conftest import Fleet, day
from tests.equipment.test_loan_requests import add_tablet_kit
from tests.factories import login, make_person, post_form, text_of
from tests.vouchers.pages_helpers import seen


async def test_a_commune_asks_on_its_pages_staff_approve_on_theirs_and_the_slip_downloads(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    kit_id = await add_tablet_kit(fleet, client)
    await login(client, fleet.world.borrower)
    home = await client.get("/")
    assert "Demander du matériel" in home.text
    dates = {"start_date": day(8).isoformat(), "due_date": day(9).isoformat()}
    page = await client.get("/emprunter", params=dates)
    assert page.status_code == 200
    assert "Tablette — 10 libre(s)" in text_of(page.text) and "Valise 8 tablettes" in page.text
    bad = await post_form(client, "/emprunter", {**dates, "contact_name": "Claire Lebrun"})
    assert bad.status_code == 422 and "Demandez au moins un appareil ou un kit" in bad.text
    sent = await post_form(
        client,
        "/emprunter",
        {
            **dates,
            "contact_name": "Claire Lebrun",
            "contact_email": "claire.lebrun@tessy.test",
            "purpose": "Atelier du mercredi",
            "type_tablet": "8",
        },
        follow_redirects=False,
    )
    assert sent.status_code in (302, 303), sent.text
    mine = await client.get(sent.headers["location"])
    assert "8 × Tablette" in mine.text and "En attente de réponse" in mine.text

    client.cookies.clear()
    await login(client, fleet.world.staff)
    staff_page = await client.get("/equipment/demandes")
    assert "Mairie de Tessy-Bocage" in staff_page.text and "Atelier du mercredi" in staff_page.text
    request_id = staff_page.text.split("/equipment/demandes/")[1].split("/")[0]
    refused = await post_form(
        client, f"/equipment/demandes/{request_id}/decision", {"decision": "decline"}
    )
    assert refused.status_code == 422 and "Indiquez la raison du refus" in refused.text
    approved = await post_form(
        client,
        f"/equipment/demandes/{request_id}/decision",
        {"decision": "approve", "kits": str(kit_id)},
        follow_redirects=False,
    )
    assert approved.status_code in (302, 303), approved.text

    client.cookies.clear()
    await login(client, fleet.world.borrower)
    mine = await client.get("/emprunter/demandes")
    assert "Acceptée" in mine.text and "PR-" in mine.text
    link = mine.text.split('href="/emprunter/prets/')[1].split('"')[0]
    slip = await client.get(f"/emprunter/prets/{link}")
    assert slip.status_code == 200 and slip.headers["content-type"] == "application/pdf"

    other = await make_person("bib@lessay-contact.test", fleet.other_borrower_id, Role.borrower)
    client.cookies.clear()
    await login(client, other)
    assert (await client.get(f"/emprunter/prets/{link}")).status_code == 404
    theirs = await client.get("/emprunter/demandes")
    assert "Tessy" not in theirs.text and "PR-" not in theirs.text
    assert (await client.get("/equipment/demandes", follow_redirects=False)).status_code == 403


async def test_a_borrower_extends_its_loan_on_its_page_and_a_refusal_is_explained(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    loan = await fleet.reserve([fleet.tags[1]], day(3), day(4))
    await login(client, fleet.world.borrower)
    page = await client.get("/emprunter/demandes")
    assert f"/emprunter/prets/{loan.number}/prolonger" in page.text
    url = f"/emprunter/prets/{loan.number}/prolonger"
    unreadable = await post_form(client, url, {"due_date": "demain"})
    assert unreadable.status_code == 422 and "pas une date" in text_of(unreadable.text)
    done = await post_form(client, url, {"due_date": day(6).isoformat()}, follow_redirects=False)
    assert done.status_code in (302, 303), done.text
    shown = await client.get(done.headers["location"])
    assert f"Prêt {loan.number} prolongé" in shown.text
    again = await post_form(client, url, {"due_date": day(7).isoformat()})
    assert again.status_code == 409 and "prolongé 1 fois" in text_of(again.text)


async def test_a_borrower_choosing_a_day_already_past_is_told_so_before_filling_the_form(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.borrower)
    past = {"start_date": day(-3).isoformat(), "due_date": day(2).isoformat()}
    today = f"{day(0):%d/%m/%Y}"
    told = f"La date de début est déjà passée : choisissez-la à partir d'aujourd'hui, le {today}."

    page = await client.get("/emprunter", params=past)
    assert page.status_code == 422
    assert told in seen(page) and "Combien d'appareils" not in page.text
    sent = await post_form(
        client, "/emprunter", {**past, "contact_name": "Claire Lebrun", "type_tablet": "1"}
    )
    assert sent.status_code == 422
    assert told in seen(sent) and "0 jour(s)" not in sent.text


async def test_a_borrower_typing_too_long_a_contact_or_purpose_is_told_which_and_how_long(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.borrower)
    form = {
        "start_date": day(8).isoformat(),
        "due_date": day(9).isoformat(),
        "contact_name": "Claire Lebrun",
        "contact_phone": "02 33 00 00 00",
        "contact_email": "claire.lebrun@tessy.test",
        "purpose": "Atelier du mercredi",
        "type_tablet": "1",
    }
    for field, length, told in (
        ("contact_name", 121, "Personne à contacter : 120 caractères au plus."),
        ("contact_phone", 31, "Son téléphone : 30 caractères au plus."),
        ("purpose", 501, "Objet du prêt : 500 caractères au plus."),
    ):
        sent = await post_form(client, "/emprunter", {**form, field: "a" * length})
        assert sent.status_code == 422, (field, sent.text)
        assert told in seen(sent), field
        assert "a" * length in sent.text  # what was typed is kept, to be shortened
    assert "Aucune demande pour l'instant" in seen(await client.get("/emprunter/demandes"))
