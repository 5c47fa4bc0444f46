"""Editing an organisation: staff change everything, a site's agents its public details only;
bad input gets a French message and a stable code; every change is audited with old and new."""

from __future__ import annotations

import json

import pytest

from organisations.tables import Organisation
from passnum.tables import AuditEntry
from tests.factories import World, login

SIRET = "73282932000074"  # valid SIRET, valid SIREN check digit


async def patch(client, person, organisation_id, body):
    return await client.patch(
        f"/api/v1/organisations/{organisation_id}", json=body, headers=await person.bearer()
    )


async def test_staff_edit_every_field_and_the_change_is_audited_with_old_and_new(client, world):
    body = {
        "name": "Mairie de Terre-et-Marais (Sainteny)",
        "siret": "732 829 320 00074",
        "legal_representative": "Mme Claire Lebrun, maire",
        "phone": "02 33 05 55 51",
        "typology": ["MUNI"],
        "services": [
            "Aide aux démarches administratives",
            "Accès internet et matériel informatique",
        ],
        "publics": ["Seniors"],
        "website": "https://terre-et-marais.fr",
        "acceslibre_url": "https://acceslibre.beta.gouv.fr/app/50-terre-et-marais/a/mairie/erp/x/",
        "appointment_url": "https://www.rdv-solidarites.fr/",
    }
    response = await patch(client, world.staff, world.site_id, body)
    assert response.status_code == 200, response.text
    org = response.json()
    assert org["phone"] == "+33233055551"  # stored E.164
    assert org["siret"] == SIRET
    assert org["typology"] == ["MUNI"] and org["publics"] == ["Seniors"]
    assert org["services"][1] == "Accès internet et matériel informatique"
    entry = await AuditEntry.objects().where(AuditEntry.action == "update").first()
    changes = json.loads(entry.changes) if isinstance(entry.changes, str) else entry.changes
    assert changes["name"] == {"old": "Mairie de Terre-et-Marais", "new": body["name"]}
    assert changes["phone"] == {"old": "", "new": "+33233055551"}
    assert entry.user_email == world.staff.email


async def test_the_directory_shows_the_phone_french_style(client, world):
    await patch(
        client,
        world.staff,
        world.site_id,
        {"phone": "+33 2 33 05 55 51", "siret": SIRET, "address": "1 place", "postcode": "50500"},
    )
    page = await client.get("/lieux")
    assert "02\u00a033\u00a005\u00a055\u00a051" in page.text
    assert 'href="tel:+33233055551"' in page.text
    data = (await client.get("/lieux/donnees.json")).json()
    assert {r["telephone"] for r in data if r["nom"].startswith("Mairie de Terre")} == {
        "+33233055551"
    }


async def test_a_site_agent_edits_the_public_details_of_their_own_site(client, world):
    response = await patch(
        client, world.site_agent, world.site_id, {"phone": "0233055552", "publics": ["Jeunes"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == "+33233055552"


async def test_a_site_agent_cannot_change_the_name_or_siret_of_their_site(client, world):
    response = await patch(
        client, world.site_agent, world.site_id, {"name": "Autre", "siret": SIRET}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "field_not_editable"
    assert "Seul le Département peut modifier" in response.json()["message"]
    org = await Organisation.objects().get(Organisation.id == world.site_id)
    assert org.name == "Mairie de Terre-et-Marais" and org.siret != SIRET


async def test_a_site_agent_cannot_edit_another_site(client, world):
    response = await patch(client, world.site_agent, world.other_site_id, {"phone": "0233055552"})
    assert (response.status_code, response.json()["error"]) == (404, "not_found")
    response = await patch(client, world.prescriber, world.prescriber_org_id, {"phone": "0233"})
    assert (response.status_code, response.json()["error"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"siret": "73282932000075"}, "invalid_siret", "n'est pas valide"),
        ({"siret": "73282932100007"}, "invalid_siret", "SIREN"),  # SIRET Luhn ok, SIREN not
        ({"phone": "02 33"}, "invalid_phone", "téléphone"),
        ({"phone": "abc"}, "invalid_phone", "téléphone"),
        ({"name": "=HYPERLINK(1)"}, "name_formula", "formule"),
        ({"rna": "W12"}, "invalid_rna", "RNA"),
        ({"services": ["Cours de cuisine"]}, "unknown_choice", "liste nationale"),
        ({"typology": ["XYZ"]}, "unknown_choice", "liste nationale"),
        ({"publics": ["Tous"]}, "unknown_choice", "liste nationale"),
        ({"acceslibre_url": "https://example.org/x"}, "invalid", "acceslibre"),
        ({"appointment_url": "rdv"}, "invalid", "adresse web"),
    ],
)
async def test_bad_input_gets_a_french_message_and_a_stable_code(client, world, body, code, words):
    response = await patch(client, world.staff, world.site_id, body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == code
    assert words in response.json()["message"]
    assert await AuditEntry.count().where(AuditEntry.action == "update") == 0


async def test_a_siret_already_used_is_refused(client, world):
    assert (await patch(client, world.staff, world.site_id, {"siret": SIRET})).status_code == 200
    response = await patch(client, world.staff, world.other_site_id, {"siret": SIRET})
    assert (response.status_code, response.json()["error"]) == (409, "duplicate_siret")


async def test_an_association_without_siret_is_identified_by_its_rna(client, world):
    response = await patch(
        client,
        world.staff,
        world.site_id,
        {
            "kind": "association",
            "rna": "w502001234",
            "siret": "",
            "address": "1 place",
            "postcode": "50500",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["rna"] == "W502001234"
    data = (await client.get("/lieux/donnees.json")).json()
    assert "W502001234" in {r["pivot"] for r in data}


async def test_a_qualified_site_cannot_lose_its_siret(client, world):
    await patch(client, world.staff, world.site_id, {"siret": SIRET})
    response = await patch(client, world.staff, world.site_id, {"siret": ""})
    assert (response.status_code, response.json()["error"]) == (409, "qualification_needs_siret")


async def test_staff_edit_an_organisation_from_its_page(client, world: World):
    await login(client, world.staff)
    page = await client.get(f"/lieux/{world.site_id}/coordonnees")
    assert 'name="legal_representative"' in page.text
    from tests.factories import csrf_header

    response = await client.post(
        f"/lieux/{world.site_id}/coordonnees",
        data={
            "name": "Mairie de Terre-et-Marais",
            "phone": "02 33 05 55 53",
            "services": ["Aide aux démarches administratives"],
        },
        headers=csrf_header(client),
        follow_redirects=False,
    )
    assert response.status_code in (302, 303), response.text
    page = await client.get(f"/staff/organisations/{world.site_id}")
    assert "Mairie de Terre-et-Marais" in page.text and "50564" in page.text  # kept
    assert "02\u00a033\u00a005\u00a055\u00a053" in page.text
    response = await client.post(
        f"/lieux/{world.site_id}/coordonnees",
        data={"name": "Mairie", "phone": "12"},
        headers=csrf_header(client),
    )
    assert response.status_code == 422
    assert "Le numéro de téléphone « 12 »" in response.text


async def test_a_site_agent_page_offers_only_the_public_details(client, world: World):
    await login(client, world.site_agent)
    page = await client.get(f"/lieux/{world.site_id}/coordonnees")
    assert page.status_code == 200
    assert 'name="phone"' in page.text and 'name="name"' not in page.text
    assert 'name="siret"' not in page.text
    other = await client.get(f"/lieux/{world.other_site_id}/coordonnees")
    assert other.status_code == 404
