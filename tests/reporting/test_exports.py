"""Exports: the JSON API pages through every row once and scopes funders to their print runs;
the CSV files open in French Excel and round-trip through ``csv`` with the declared dialect."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import fields
from datetime import date, datetime

from passnum.csvout import BOM, FrenchExcel
from passnum.vocabulary import label
from reimbursements.statements import build_statements
from reporting.exports import EXPORTS
from tests.factories import login
from tests.openapi_check import assert_documented
from tests.reporting.dataset import generate
from tests.reporting.fleet import generate_fleet


async def all_pages(client, headers: dict, name: str, limit: int) -> tuple[list[dict], int]:
    items, after, calls = [], 0, 0
    while after is not None:
        response = await client.get(
            f"/api/v1/exports/{name}", params={"after_id": after, "limit": limit}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = await assert_documented(client, response)
        assert len(body["items"]) <= limit
        items += body["items"]
        after, calls = body["next_after_id"], calls + 1
    return items, calls


async def test_json_export_pages_through_every_redemption_exactly_once(client, world):
    data = await generate(world, booklets=30)
    redeemed = {c.id for c in data.cheques if c.redeemed_at}
    items, calls = await all_pages(client, await world.staff.bearer(), "redemptions", limit=7)
    ids = [r["id"] for r in items]
    assert len(ids) == len(set(ids)) and set(ids) == redeemed
    assert ids == sorted(ids)
    assert calls == -(-len(redeemed) // 7) + 1  # every page, then one empty answer


async def test_funder_exports_only_their_own_print_runs_and_no_staff_dataset(client, world):
    data = await generate(world, booklets=30)
    funder = await world.funder.bearer()
    own_booklets = {b.id for b in data.booklets if b.funder_id == world.funder_id}
    own_cheques = {c.id for b in data.booklets if b.funder_id == world.funder_id for c in b.cheques}
    own_redeemed = {
        c for c in own_cheques if any(x.id == c and x.redeemed_at for x in data.cheques)
    }
    assert own_booklets and len(own_booklets) < len(data.booklets)
    booklets, _ = await all_pages(client, funder, "booklets", limit=5)
    assert {r["id"] for r in booklets} == own_booklets
    assert {r["financeur"] for r in booklets} == {"CAF de la Manche"}
    redemptions, _ = await all_pages(client, funder, "redemptions", limit=500)
    assert {r["id"] for r in redemptions} == own_redeemed
    for name in ("loans", "items", "statements"):
        response = await client.get(f"/api/v1/exports/{name}", headers=funder)
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
    everything, _ = await all_pages(client, await world.staff.bearer(), "booklets", limit=500)
    assert len(everything) == len(data.booklets)


def read_french_excel(body: bytes) -> list[list[str]]:
    """Checks the bytes Excel sees first, then parses with the dialect the export declares."""
    assert body.startswith(BOM.encode("utf-8"))
    text = body.decode("utf-8").removeprefix(BOM)
    assert text.splitlines()[0].count(";") >= 5 and "," not in text.splitlines()[0]
    rows = list(csv.reader(io.StringIO(text, newline=""), FrenchExcel))
    assert all(len(r) == len(rows[0]) for r in rows)
    return rows


async def download(client, name: str) -> list[dict]:
    response = await client.get(f"/statistiques/exports/{name}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # the charset once
    assert f'filename="{name}.csv"' in response.headers["content-disposition"]
    header, *rows = read_french_excel(response.content)
    return [dict(zip(header, r, strict=True)) for r in rows]


async def test_redemptions_csv_opens_in_french_excel_with_decimal_comma_and_french_dates(
    client, world
):
    data = await generate(world, booklets=20)
    await login(client, world.staff)
    rows = await download(client, "redemptions")
    by_id = {int(r["id"]): r for r in rows}
    redeemed = [(b, c) for b in data.booklets for c in b.cheques if c.redeemed_at]
    assert set(by_id) == {c.id for _, c in redeemed}
    for booklet, cheque in redeemed:
        row = by_id[cheque.id]
        assert row["encaisse_le"] == cheque.redeemed_at.strftime("%d/%m/%Y %H:%M")
        euros = f"{booklet.face_value_cents // 100},{booklet.face_value_cents % 100:02d}"
        assert row["valeur_euros"] == euros  # "10,00" or "15,00"
        assert row["cheque"] == cheque.code
    assert {r["lieu"] for r in rows} <= {"Mairie de Terre-et-Marais", "Bibliothèque de Périers"}
    assert any(r["lieu"] == "Bibliothèque de Périers" for r in rows)  # accents intact


async def test_loans_and_items_csv_open_in_french_excel(client, world):
    fleet = await generate_fleet(world.borrower_id)
    await login(client, world.staff)
    loans = await download(client, "loans")
    assert len(loans) == len(fleet.loans)
    first = next(r for r in loans if r["numero"] == "P-2026-0001")
    assert first["debut"] == "20/02/2026" and first["retour_prevu"] == "10/03/2026"
    assert first["emprunteur"] == "Mairie de Tessy-Bocage" and first["materiels"] == "2"
    items = await download(client, "items")
    assert len(items) == len(fleet.items)
    laptop = next(r for r in items if r["numero_inventaire"] == "MAN-00001")
    assert laptop["valeur_euros"] == "450,50"
    assert laptop["date_achat"] == date(2025, 9, 1).strftime("%d/%m/%Y")
    assert laptop["modele"] == "ThinkPad élève"


def as_csv_cell(value: object) -> str:
    """What the CSV for people shows for a JSON value of the same export (dates in French)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?", text):
        # JSON times carry the Paris offset; the CSV shows the same wall-clock time
        return datetime.fromisoformat(text).strftime("%d/%m/%Y %H:%M")
    return text


async def test_each_json_export_gives_integer_cents_and_its_csv_the_same_rows_in_euros(
    client, world
):
    await generate(world, booklets=20)
    await build_statements(date(2026, 3, 1))
    await generate_fleet(world.borrower_id)
    await login(client, world.staff)
    bearer = await world.staff.bearer()
    money_columns = labelled = 0
    for name in ("redemptions", "booklets", "statements", "loans", "items"):
        items, _ = await all_pages(client, bearer, name, limit=500)
        rows = await download(client, name)
        assert len(items) == len(rows) > 0, name
        for item, row in zip(items, rows, strict=True):
            assert not [k for k in item if "euro" in k], name  # amounts are *_cents in JSON
            for key, value in item.items():
                if key.endswith("_cents"):
                    money_columns += 1
                    assert isinstance(value, int), (name, key, value)
                    euros = row[key.removesuffix("_cents") + "_euros"]
                    assert euros == f"{value // 100},{value % 100:02d}", (name, key)
                elif key in EXPORTS[name].labels:
                    labelled += 1
                    assert row[key] == label(EXPORTS[name].labels[key], value), (name, key)
                    assert value is None or row[key] != value, (name, key, value)  # French
                else:
                    assert row[key] == as_csv_cell(value), (name, key)
    assert money_columns > 0 and labelled > 0
    cheque = (await all_pages(client, bearer, "redemptions", limit=1))[0][0]
    assert cheque["valeur_cents"] in (1000, 1500)  # a 10 € or 15 € cheque
    items = {r["numero_inventaire"]: r for r in (await all_pages(client, bearer, "items", 500))[0]}
    assert items["MAN-00001"]["valeur_cents"] == 45050
    laptop = next(
        r for r in await download(client, "items") if r["numero_inventaire"] == "MAN-00001"
    )
    assert laptop["valeur_euros"] == "450,50" and laptop["type"] == "Ordinateur portable"
    statuses = {r["statut"] for r in await download(client, "statements")}
    assert statuses == {"Brouillon"}  # JSON: "draft"
    kinds = {(r["activite"], r["lieu_activite"]) for r in await download(client, "redemptions")}
    assert ("Accompagnement individuel", "Sur place") in kinds


async def test_the_booklet_export_names_the_commune_and_its_intercommunality(client, world):
    from tests.reporting.test_statistics import COMMUNE_NAMES, EPCI_OF

    data = await generate(world, booklets=20)
    items, _ = await all_pages(client, await world.staff.bearer(), "booklets", limit=500)
    facts = {b.id: b for b in data.booklets}
    for row in items:
        fact = facts[row["id"]]
        expected = (
            (COMMUNE_NAMES[fact.insee], EPCI_OF[fact.insee]) if fact.issued_at else (None, None)
        )
        assert (row["commune"], row["intercommunalite"]) == expected


def test_each_export_documents_its_rows_with_exactly_its_columns():
    """The JSON rows' documented shape (OpenAPI) names the export's columns, in their order."""
    for name, export in EXPORTS.items():
        assert [f.name for f in fields(export.row)] == export.header, name
