"""Prescribers' pages through real HTTP: stock, handing out a booklet, the receipt for the person,
the booklets handed out with where their cheques were used, cancelling and replacing."""

from __future__ import annotations

import pytest

from tests.factories import login, post_form
from tests.vouchers.conftest import actor_of, codes_of
from tests.vouchers.pages_helpers import seen
from vouchers import schemas
from vouchers import services as svc
from vouchers.tables import Beneficiary, Booklet

PERSON = {
    "reference": "Dossier 2026-0099",
    "insee_code": "50502",
    "age_band": "60_69",
    "social_status": "retired",
    "needs": ["health", "admin"],
    "consent": "yes",
}


async def test_a_prescriber_sees_the_stock_of_their_organisation(client, scene):
    await login(client, scene.world.prescriber)
    response = await client.get("/carnets")
    assert response.status_code == 200
    text = seen(response)
    assert "Département 2026" in text and f"{scene.allocated} à {scene.allocated}" in text


async def test_a_prescriber_hands_out_a_booklet_and_gets_a_receipt_for_the_person(client, scene):
    await login(client, scene.world.prescriber)
    form = await client.get("/carnets/remettre")
    assert form.status_code == 200 and "Accès aux droits" in seen(form)
    response = await post_form(
        client, "/carnets/remettre", {"booklet_number": scene.allocated, **PERSON}
    )
    assert response.status_code == 200
    assert str(response.url).endswith(f"/carnets/{scene.allocated}/recu?remis=1")
    text = seen(response)
    assert "Gardez ce carnet" in text and scene.allocated in text
    assert "/lieux" in text and "02 33 05 55 50" in text
    assert "jusqu'au" in text and "5 chèques de 10,00" in text
    booklet = await Booklet.select().where(Booklet.number == scene.allocated).first()
    assert booklet["status"] == "issued"
    person = await Beneficiary.select().where(Beneficiary.id == booklet["beneficiary"]).first()
    assert (person["insee_code"] == "50502" and person["needs"] == '["admin", "health"]') or (
        person["needs"] == ["admin", "health"]
    )


async def test_handing_out_without_consent_is_explained_and_the_form_kept(client, scene):
    await login(client, scene.world.prescriber)
    data = {"booklet_number": scene.allocated, **PERSON}
    del data["consent"]
    response = await post_form(client, "/carnets/remettre", data)
    assert response.status_code == 422
    assert "Cochez la case de consentement" in seen(response)
    assert 'value="Dossier 2026-0099"' in response.text
    assert (await Booklet.select().where(Booklet.number == scene.allocated).first())[
        "status"
    ] == "allocated"


@pytest.mark.parametrize(
    "number, status, message",
    [("1234", 422, "Numéro de carnet mal saisi"), ("issued", 409, "déjà été remis")],
)
async def test_a_wrong_booklet_number_is_explained(client, scene, number, status, message):
    await login(client, scene.world.prescriber)
    number = scene.issued if number == "issued" else number
    response = await post_form(client, "/carnets/remettre", {"booklet_number": number, **PERSON})
    assert response.status_code == status
    assert message in seen(response)


async def test_a_prescriber_cannot_hand_out_another_organisations_booklet(client, scene):
    await login(client, scene.world.other_prescriber)
    response = await post_form(
        client, "/carnets/remettre", {"booklet_number": scene.allocated, **PERSON}
    )
    assert response.status_code == 409
    assert "pas dans le stock de votre structure" in seen(response)


async def test_the_prescriber_sees_how_many_cheques_were_used_and_where(client, scene):
    agent = await actor_of(scene.world.site_agent)
    await svc.redeem_cheque(agent, schemas.RedemptionIn(code=scene.codes[0], activity="workshop"))
    await login(client, scene.world.prescriber)
    response = await client.get("/carnets/remis")
    text = seen(response)
    assert scene.issued in text and "1 sur 5" in text
    assert "Mairie de Terre-et-Marais" in text and "Dossier CMS 2026-0042" in text


async def test_a_lost_booklet_is_cancelled_then_replaced_for_the_same_person(client, scene):
    await login(client, scene.world.prescriber)
    form = await client.get(f"/carnets/{scene.issued}/annuler")
    assert form.status_code == 200 and "Perdu" in seen(form)
    response = await post_form(
        client, f"/carnets/{scene.issued}/annuler", {"reason": "lost", "note": "sac volé"}
    )
    assert response.status_code == 200
    text = seen(response)
    assert "annulé" in text and "5 chèque(s)" in text
    replace = await client.get(f"/carnets/remettre?remplace={scene.issued}")
    assert f"remplace le carnet annulé n° {scene.issued}" in seen(replace)
    response = await post_form(
        client,
        "/carnets/remettre",
        {"booklet_number": scene.allocated, "replaces": scene.issued},
    )
    assert response.status_code == 200, seen(response)
    assert f"remplace le carnet n° {scene.issued}" in seen(response)
    old, new = [
        await Booklet.select().where(Booklet.number == n).first()
        for n in (scene.issued, scene.allocated)
    ]
    assert new["beneficiary"] == old["beneficiary"]


async def test_a_cancellation_needs_a_reason_from_the_list(client, scene):
    await login(client, scene.world.prescriber)
    response = await post_form(client, f"/carnets/{scene.issued}/annuler", {"reason": "bored"})
    assert response.status_code == 422 and "Choisissez un motif" in seen(response)


async def test_another_organisation_cannot_cancel_or_read_the_receipt(client, scene):
    await login(client, scene.world.other_prescriber)
    response = await post_form(client, f"/carnets/{scene.issued}/annuler", {"reason": "lost"})
    assert response.status_code == 403
    assert (await client.get(f"/carnets/{scene.issued}/recu")).status_code == 403
    listing = seen(await client.get("/carnets/remis"))
    assert scene.issued not in listing and "Dossier CMS" not in listing
    assert (await codes_of(scene.issued))[0] not in listing


async def test_a_postcode_that_is_also_another_communes_code_asks_which_commune_is_meant(
    client, scene
):
    await login(client, scene.world.prescriber)
    # 50200 is Coutances' postcode and Ger's INSEE code (60 km apart): never guessed.
    data = {"booklet_number": scene.allocated, **PERSON, "insee_code": "50200"}
    response = await post_form(client, "/carnets/remettre", data)
    assert response.status_code == 422
    text = seen(response)
    assert "Plusieurs communes répondent à « 50200 »" in text
    assert "Ger (50200)" in text and "Coutances (50147)" in text and "Choisissez-en une" in text
    assert 'value="Dossier 2026-0099"' in response.text
    booklet = await Booklet.select().where(Booklet.number == scene.allocated).first()
    assert booklet["status"] == "allocated"
    picked = await post_form(
        client, "/carnets/remettre", {**data, "insee_code": "Coutances (50147)"}
    )
    assert picked.status_code == 200 and "de Coutances" in seen(picked)
