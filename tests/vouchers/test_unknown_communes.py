"""A commune that does not exist is refused wherever a person gives one for a pass numérique —
the hand-out (API and form) and a print run's perimeter (API and form) — in French with the stable
code ``unknown_commune``; an old code is kept as the current commune's."""

from __future__ import annotations

import json
from html import unescape

from tests.factories import login, post_form
from tests.vouchers.test_handout import PERSON
from tests.vouchers.test_pages_prescriber import PERSON as FORM_PERSON
from tests.vouchers.test_pages_staff import batch_form
from vouchers.tables import Batch, Beneficiary, Booklet


async def test_the_hand_out_api_refuses_an_unknown_commune(client, scene):
    response = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": scene.allocated, "beneficiary": {**PERSON, "insee_code": "99999"}},
        headers=await scene.world.prescriber.bearer(),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["error"], body["field"]) == ("unknown_commune", "insee_code")
    assert "« 99999 » est inconnue" in body["message"]
    booklet = await Booklet.select(Booklet.status).where(Booklet.number == scene.allocated).first()
    assert booklet["status"] != "issued"


async def test_an_old_code_is_kept_as_the_current_commune(client, scene):
    response = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": scene.allocated, "beneficiary": {**PERSON, "insee_code": "50527"}},
        headers=await scene.world.prescriber.bearer(),
    )
    assert response.status_code == 201, response.text
    booklet = await Booklet.select().where(Booklet.number == scene.allocated).first()
    person = await Beneficiary.select().where(Beneficiary.id == booklet["beneficiary"]).first()
    assert person["insee_code"] == "50147"  # Coutances


async def test_the_hand_out_form_refuses_an_unknown_commune_and_takes_a_picked_one(client, scene):
    await login(client, scene.world.prescriber)
    data = {"booklet_number": scene.allocated, **FORM_PERSON, "insee_code": "99999"}
    refused = await post_form(client, "/carnets/remettre", data)
    assert refused.status_code == 422
    assert "La commune « 99999 » est inconnue" in unescape(refused.text)
    # Without JavaScript, a name that names one commune is enough.
    data["insee_code"] = "sainte mere eglise"
    taken = await post_form(client, "/carnets/remettre", data)
    assert taken.status_code == 200, unescape(taken.text)[-2000:]
    booklet = await Booklet.select().where(Booklet.number == scene.allocated).first()
    person = await Beneficiary.select().where(Beneficiary.id == booklet["beneficiary"]).first()
    assert person["insee_code"] == "50523"


async def test_a_print_run_perimeter_refuses_an_unknown_commune(client, world):
    from tests.vouchers.test_batches_and_stock import batch_json

    response = await client.post(
        "/api/v1/batches",
        json=batch_json(world, allowed_insee_codes=["50147", "99999"]),
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 422, response.text
    assert (response.json()["error"], response.json()["field"]) == (
        "unknown_commune",
        "allowed_insee_codes",
    )
    await login(client, world.staff)
    page = await post_form(client, "/staff/tirages", batch_form(world, allowed_insee_codes="99999"))
    assert page.status_code == 422
    assert "La commune « 99999 » est inconnue" in unescape(page.text)
    assert await Batch.count() == 0


async def test_a_print_run_perimeter_can_name_an_intercommunality(client, world):
    from territory.tables import Commune
    from tests.vouchers.test_batches_and_stock import batch_json

    # CC Coutances Mer et Bocage (SIREN 200067023) and one commune outside it (Saint-Lô).
    response = await client.post(
        "/api/v1/batches",
        json=batch_json(world, allowed_insee_codes=["200067023", "50502"]),
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 201, response.text
    members = await Commune.select(Commune.code).where(Commune.epci_code == "200067023")
    assert len(members) > 40
    stored = (await Batch.select(Batch.allowed_insee_codes).first())["allowed_insee_codes"]
    stored = stored if isinstance(stored, list) else json.loads(stored)
    assert sorted(stored) == sorted({r["code"] for r in members} | {"50502"})
    unknown = await client.post(
        "/api/v1/batches",
        json=batch_json(world, allowed_insee_codes=["999999999"]),
        headers=await world.staff.bearer(),
    )
    assert (unknown.status_code, unknown.json()["error"]) == (422, "unknown_epci")


async def test_the_forms_offer_the_commune_picker(client, scene):
    await login(client, scene.world.prescriber)
    form = (await client.get("/carnets/remettre")).text
    assert 'data-commune maxlength="120"' in form and "/static/commune-combobox.js" in form
    script = await client.get("/static/commune-combobox.js")
    assert script.status_code == 200 and 'setAttribute("role", "combobox")' in script.text


async def test_the_print_run_page_names_the_perimeter_communes(client, world):
    from tests.vouchers.conftest import make_batch

    batch = await make_batch(world, count=1, active=False, allowed_insee_codes=["50147", "50502"])
    await login(client, world.staff)
    page = unescape((await client.get(f"/staff/tirages/{batch.id}")).text)
    assert "communes Coutances, Saint-Lô" in page and "50147" not in page
