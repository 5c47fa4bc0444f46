"""The public directory of qualified sites, its open data, and opening slots edited by sites."""

from __future__ import annotations

import csv
import io
import json
from datetime import time
from html import unescape

from organisations.hours import Slot, osm_opening_hours, short_labels
from organisations.tables import OpeningSlot, Organisation
from passnum.csvout import FrenchExcel
from tests.factories import login, make_organisation, post_form, text_of


def test_slots_read_as_plain_french_and_as_osm_opening_hours():
    wednesday = Slot(1, 2, time(9), time(12))
    afternoon = Slot(2, 2, time(14), time(17, 30))
    thursday = Slot(3, 3, time(9), time(12))
    assert wednesday.label == "mercredi 9 h – 12 h"
    assert afternoon.label == "mercredi 14 h – 17 h 30"
    assert short_labels([thursday, wednesday]) == ["mercredi matin", "jeudi matin"]
    assert short_labels([afternoon, wednesday]) == ["mercredi matin et après-midi"]
    assert osm_opening_hours([wednesday]) == "We 09:00-12:00"
    assert osm_opening_hours([afternoon, wednesday, thursday]) == (
        "We 09:00-12:00,14:00-17:30; Th 09:00-12:00"
    )
    assert osm_opening_hours([wednesday, thursday]) == "We,Th 09:00-12:00"


async def _qualify(org_id: int, services: str = "") -> None:
    await Organisation.update(
        {Organisation.site_status: "qualified", Organisation.services: services}
    ).where(Organisation.id == org_id)


async def test_anyone_finds_qualified_sites_with_their_slots_without_logging_in(client, world):
    await _qualify(world.site_id, "Démarches administratives\nMessagerie")
    await _qualify(world.other_site_id, "Messagerie")
    suspended = await make_organisation("Mairie suspendue", "site", commune="Périers")
    await Organisation.update({Organisation.site_status: "suspended"}).where(
        Organisation.id == suspended
    )
    await OpeningSlot.insert(
        OpeningSlot(organisation=world.site_id, weekday=2, opens=time(9), closes=time(12))
    )
    page = text_of((await client.get("/lieux")).text)
    assert "Mairie de Terre-et-Marais" in page and "Bibliothèque de Périers" in page
    assert "mercredi matin" in page and "mercredi 9 h – 12 h" in page
    assert "Mairie suspendue" not in page
    filtered = text_of((await client.get("/lieux?service=Démarches administratives")).text)
    assert "Mairie de Terre-et-Marais" in filtered and "Bibliothèque de Périers" not in filtered
    by_commune = text_of((await client.get("/lieux?commune=Périers")).text)
    assert "Bibliothèque de Périers" in by_commune and "Mairie de Terre-et-Marais" not in by_commune


async def test_open_data_follows_the_national_schema_in_json_and_excel_csv(client, world):
    await _qualify(world.site_id, "Messagerie\nAide aux démarches administratives")
    # Published with a SIRET (the schema's pivot) and the address the schema requires only.
    identified = {"siret": "73282932000074", "address": "1 place de la Mairie", "postcode": "50190"}
    await Organisation.update(identified).where(Organisation.id == world.site_id)
    await Organisation.update({Organisation.site_status: "suspended"}).where(
        Organisation.id == world.other_site_id
    )
    await OpeningSlot.insert(
        OpeningSlot(organisation=world.site_id, weekday=2, opens=time(9), closes=time(12))
    )
    records = (await client.get("/lieux/donnees.json")).json()
    assert len(records) == 1
    record = records[0]
    assert record["nom"] == "Mairie de Terre-et-Marais"
    assert record["code_insee"] == "50564"
    assert record["horaires"] == "We 09:00-12:00"
    # Only the schema's own services are published (a free-text line is not).
    assert record["services"] == ["Aide aux démarches administratives"]
    assert record["frais_a_charge"] == ["Gratuit sous condition"]
    assert {"id", "pivot", "commune", "adresse", "date_maj", "source"} <= record.keys()

    response = await client.get("/lieux/donnees.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), FrenchExcel))
    assert rows[0][:3] == ["id", "pivot", "nom"]
    assert rows[1][rows[0].index("horaires")] == "We 09:00-12:00"
    assert rows[1][rows[0].index("nom")] == "Mairie de Terre-et-Marais"
    assert json.dumps(record, ensure_ascii=False)


async def test_site_agent_edits_their_own_opening_slots_and_the_directory_shows_them(client, world):
    await _qualify(world.site_id)
    await login(client, world.site_agent)
    url = f"/lieux/{world.site_id}/horaires"
    response = await post_form(
        client, url, {"weekday": "2", "opens": "09:00", "closes": "12:00", "note": ""}
    )
    assert response.status_code == 200
    assert "mercredi 9 h – 12 h" in text_of(response.text)
    slot = await OpeningSlot.objects().first()
    assert (slot.organisation, slot.weekday, slot.opens) == (world.site_id, 2, time(9))
    refused = await post_form(
        client, url, {"weekday": "2", "opens": "14:00", "closes": "12:00", "note": ""}
    )
    assert refused.status_code == 422
    message = "L'heure de fermeture doit être après l'heure d'ouverture."
    assert message in unescape(text_of(refused.text))
    assert "mercredi matin" in text_of((await client.get("/lieux")).text)
    await post_form(client, f"{url}/{slot.id}/supprimer", {})
    assert await OpeningSlot.count() == 0


async def test_site_agent_cannot_edit_another_sites_slots(client, world):
    await login(client, world.site_agent)
    response = await client.get(f"/lieux/{world.other_site_id}/horaires")
    assert response.status_code == 404
    refused = await post_form(
        client,
        f"/lieux/{world.other_site_id}/horaires",
        {"weekday": "1", "opens": "09:00", "closes": "12:00"},
    )
    assert refused.status_code == 404
    assert await OpeningSlot.count() == 0


async def test_staff_edits_any_sites_slots_and_prescribers_cannot(client, world):
    await login(client, world.prescriber)
    assert (await client.get(f"/lieux/{world.site_id}/horaires")).status_code == 403
    await login(client, world.staff)
    response = await post_form(
        client,
        f"/lieux/{world.other_site_id}/horaires",
        {"weekday": "5", "opens": "10:00", "closes": "12:30", "note": "sur rendez-vous"},
    )
    assert "samedi 10 h – 12 h 30" in text_of(response.text)
