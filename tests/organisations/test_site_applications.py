"""A structure applies without an account, staff qualify it (its contact is invited by e-mail,
sets a password and scans) or refuse it with a reason; bad input gets French messages."""

from __future__ import annotations

import re

import pytest

from organisations.tables import Organisation
from passnum import tasks
from tests.factories import csrf_header

APPLICATION = {
    "name": "Espace numérique de Périers",
    "kind": "association",
    "siret": "73282932000074",
    "legal_representative": "M. Paul Martin, président",
    "address": "2 rue du Pont",
    "postcode": "50190",
    "commune": "Périers",
    "insee_code": "50394",
    "phone": "02 33 46 00 00",
    "email": "contact@epn-periers.test",
    "contact_first_name": "Lucie",
    "contact_last_name": "Durand",
    "contact_email": "lucie@epn-periers.test",
    "services": ["Aide aux démarches administratives"],
    "opening_hours": "Mardi 14 h – 17 h",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP882",
    "account_holder": "Association EPN Périers",
    "charter_accepted": True,
}


async def apply(client, **changes):
    return await client.post("/api/v1/site-applications", json={**APPLICATION, **changes})


async def decide(client, world, application_id, **body):
    return await client.post(
        f"/api/v1/site-applications/{application_id}/decision",
        json=body,
        headers=await world.staff.bearer(),
    )


async def test_a_structure_applies_and_staff_qualify_it_its_contact_is_invited(
    client, world, smtp_server
):
    response = await apply(client)
    assert response.status_code == 201, response.text
    application = response.json()
    assert application["status"] == "pending" and application["iban"].endswith("0189")
    listed = await client.get("/api/v1/site-applications", headers=await world.staff.bearer())
    assert [a["name"] for a in listed.json()] == ["Espace numérique de Périers"]

    response = await decide(client, world, application["id"], decision="qualify")
    assert response.status_code == 200, response.text
    decided = response.json()
    assert decided["status"] == "qualified" and decided["organisation_id"]
    org = await Organisation.objects().get(Organisation.id == decided["organisation_id"])
    assert org.is_site and org.site_status == "qualified" and org.siret == APPLICATION["siret"]
    assert org.phone == "+33233460000"
    await tasks.work_until_idle()  # the invitation goes through the queue
    [invitation] = smtp_server.messages
    assert invitation["To"] == "lucie@epn-periers.test"
    link = re.search(r"https?://\S+/invitation/\S+", invitation.get_body().get_content())
    assert link

    again = await decide(client, world, application["id"], decision="refuse", reason="x")
    assert (again.status_code, again.json()["error"]) == (409, "already_decided")


async def test_staff_refuse_an_application_with_a_reason(client, world):
    application = (await apply(client)).json()
    response = await decide(client, world, application["id"], decision="refuse")
    assert (response.status_code, response.json()["error"]) == (422, "invalid")
    response = await decide(
        client, world, application["id"], decision="refuse", reason="Hors du département"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert response.json()["decision_reason"] == "Hors du département"
    assert not await Organisation.exists().where(Organisation.name == APPLICATION["name"])


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"siret": "73282932000075"}, "invalid_siret"),
        ({"siret": "", "rna": ""}, "identifier_required"),
        ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "invalid_iban"),
        ({"bic": "AGRIFRP"}, "invalid_bic"),
        ({"phone": "12"}, "invalid_phone"),
        ({"name": "=1+1"}, "name_formula"),
        ({"charter_accepted": False}, "charter_not_accepted"),
        ({"account_holder": ""}, "invalid"),
    ],
)
async def test_bad_applications_are_refused_in_french(client, world, changes, code):
    response = await apply(client, **changes)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == code
    assert response.json()["message"]


async def test_an_application_with_a_siret_already_used_is_refused(client, world):
    await client.patch(
        f"/api/v1/organisations/{world.site_id}",
        json={"siret": APPLICATION["siret"]},
        headers=await world.staff.bearer(),
    )
    response = await apply(client)
    assert (response.status_code, response.json()["error"]) == (409, "duplicate_siret")


async def test_the_application_page_works_without_an_account(client, world):
    page = await client.get("/lieux/devenir-lieu-qualifie")
    assert page.status_code == 200 and "charte" in page.text.lower()
    form = {k: v for k, v in APPLICATION.items() if k not in ("services", "charter_accepted")}
    form |= {"services": APPLICATION["services"], "charter_accepted": "1"}
    refused = await client.post("/lieux/devenir-lieu-qualifie", data=form)
    assert refused.status_code == 403  # no CSRF token
    response = await client.post(
        "/lieux/devenir-lieu-qualifie", data=form, headers=csrf_header(client)
    )
    assert response.status_code == 200, response.text
    assert "Candidature reçue" in response.text
    response = await client.post(
        "/lieux/devenir-lieu-qualifie",
        data={**form, "iban": "FR00"},
        headers=csrf_header(client),
    )
    assert response.status_code == 422 and "IBAN" in response.text
