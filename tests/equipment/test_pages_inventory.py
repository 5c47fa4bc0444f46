"""Staff keep the inventory through the pages: filters, add and correct, CSV, labels, item page."""

from __future__ import annotations

import html
import io

from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from equipment.inventory import get_item, list_items
from equipment.loans import cancel_loan
from equipment.maintenance import list_maintenance
from tests.equipment.conftest import Fleet, day
from tests.factories import login, post_form
from tests.factories import text_of as raw_text


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))


async def test_the_inventory_filters_by_type_status_and_search(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    tablets = text_of((await client.get("/equipment", params={"item_type": "tablet"})).text)
    assert "2 appareil(s)" in tablets and fleet.tags[1] in tablets and fleet.tags[0] not in tablets
    found = text_of((await client.get("/equipment", params={"q": "SN-0003"})).text)
    assert "1 appareil(s)" in found and fleet.tags[3] in found
    none = text_of((await client.get("/equipment", params={"status": "lost"})).text)
    assert "Aucun appareil ne correspond" in none


async def test_staff_add_an_item_and_correct_it(client: AsyncTestClient, fleet: Fleet) -> None:
    await login(client, fleet.world.staff)
    form = {
        "item_type": "projector",
        "brand": "Epson",
        "model": "EB-W06",
        "serial": "VP-777",
        "value": "549,90",
        "accessories": "télécommande, câble HDMI",
        "purchase_date": "2024-09-01",
        "notes": "",
        "asset_tag": "",
        "status": "available",
    }
    created = await post_form(client, "/equipment/items/new", form)
    assert created.status_code == 200 and "Appareil ajouté au parc" in created.text
    tag = str(created.url).split("/i/")[1].split("?")[0]
    item = await get_item(tag)
    assert item.declared_value_cents == 54_990 and item.accessories == [
        "télécommande",
        "câble HDMI",
    ]

    duplicate = await post_form(client, "/equipment/items/new", form)
    assert duplicate.status_code == 409
    assert "Le numéro de série VP-777 existe déjà" in text_of(duplicate.text)

    edit = await client.get(f"/equipment/items/{tag}/edit")
    assert 'value="549,90"' in edit.text
    changed = await post_form(
        client, f"/equipment/items/{tag}/edit", form | {"model": "EB-W07", "value": "abc"}
    )
    assert changed.status_code == 422 and "Montant illisible" in text_of(changed.text)
    changed = await post_form(client, f"/equipment/items/{tag}/edit", form | {"model": "EB-W07"})
    assert "Fiche modifiée" in changed.text
    assert (await get_item(tag)).model == "EB-W07"


CSV_OK = "type;marque;modele;numero_serie;valeur_declaree\nTablette;Samsung;Tab A9;CSV-1;229,90\n"
CSV_BAD = CSV_OK + "Grille-pain;X;Y;CSV-2;10\nTablette;Samsung;Tab A9;CSV-1;229,90\n"


async def test_a_csv_with_a_bad_row_is_previewed_with_reasons_and_nothing_is_imported(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    files = {"file": ("inventaire.csv", CSV_BAD.encode("cp1252"), "text/csv")}
    preview = await post_form(client, "/equipment/import", {}, files=files)
    assert preview.status_code == 200
    text = text_of(preview.text)
    assert "2 ligne(s) refusée(s)" in text and "type inconnu « Grille-pain »" in text
    assert "doublon de la ligne 2" in text and "/equipment/import/confirm" not in preview.text
    forced = await post_form(client, "/equipment/import/confirm", {"csv_text": CSV_BAD})
    assert forced.status_code == 422 and "rien n'a été importé" in text_of(forced.text)
    assert len(await list_items()) == 4


async def test_a_clean_csv_is_previewed_then_imported(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    files = {"file": ("inventaire.csv", CSV_OK.encode(), "text/csv")}
    preview = await post_form(client, "/equipment/import", {}, files=files)
    assert "Importer ces 1 appareil(s)" in text_of(preview.text)
    assert len(await list_items()) == 4  # the preview writes nothing
    done = await post_form(client, "/equipment/import/confirm", {"csv_text": CSV_OK})
    assert "1 appareil(s) importé(s)" in text_of(done.text)
    assert [i.serial for i in await list_items(q="CSV-1")] == ["CSV-1"]
    export = await client.get("/equipment/inventaire.csv")
    assert export.status_code == 200 and "CSV-1" in export.content.decode("utf-8-sig")


async def test_a_label_sheet_starts_at_the_chosen_position(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    assert "Commencer à l'étiquette" in (await client.get("/equipment/labels")).text
    sheet = await client.get("/equipment/labels.pdf", params={"tags": fleet.tags[0], "start": "5"})
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    assert fleet.tags[0] in PdfReader(io.BytesIO(sheet.content)).pages[0].extract_text()
    refused = await client.get("/equipment/labels.pdf", params={"start": "99"})
    assert refused.status_code == 422 and "La position de départ va de 1 à 24" in refused.text


async def test_the_item_page_shows_bookings_and_takes_a_maintenance_record(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], day(2), day(5))
    page = await client.get(f"/i/{tag}")
    assert page.status_code == 200
    assert loan.number in text_of(page.text) and "Mairie de Tessy-Bocage" in text_of(page.text)

    refused = await post_form(
        client,
        f"/i/{tag}/maintenance",
        {"start_date": day(4).isoformat(), "end_date": day(6).isoformat(), "description": "Écran"},
    )
    assert refused.status_code == 409
    assert f"prêt {loan.number}" in text_of(refused.text)

    repair = {"start_date": day(-1).isoformat(), "description": "Clavier changé", "cost": "45"}
    open_ended = await post_form(client, f"/i/{tag}/maintenance", repair)
    assert open_ended.status_code == 409  # without an end it would hold the reserved days too
    assert f"prêt {loan.number}" in text_of(open_ended.text)
    await cancel_loan(fleet.staff, loan.number)

    added = await post_form(client, f"/i/{tag}/maintenance", repair)
    assert added.status_code == 200 and "Maintenance enregistrée" in added.text
    record = (await list_maintenance(tag))[0]
    assert record.cost_cents == 4500 and record.end_date is None
    assert (await get_item(tag)).status == "maintenance"
    closed = await post_form(
        client, f"/i/{tag}/maintenance/{record.id}/close", {"end_date": day(-1).isoformat()}
    )
    assert closed.status_code == 200
    assert (await get_item(tag)).status == "available"


async def test_someone_who_scans_a_found_label_sees_whom_to_call_and_nothing_else(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[0]
    await fleet.reserve([tag], day(1), day(3))
    page = await client.get(f"/i/{tag}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "appartient au Département de la Manche" in text and tag in text
    assert "SN-0000" not in text and "Tessy" not in text and "PR-" not in text
    assert "<script" not in (await client.get("/i/<script>")).text
