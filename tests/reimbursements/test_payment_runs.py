"""Paying the sites with a file: staff put submitted statements in a payment run; the bank gets a
SEPA credit transfer file (pain.001.001.03, valid against the official XSD), the public accounting
software a CSV of mandates for the sites paid through the treasury; marking the run paid pays each
statement with the run's reference, once."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal

import httpx
import pytest
import sepaxml
import xmlschema

from organisations.tables import Organisation
from passnum import storage
from reimbursements.tables import PaymentRunItem, Statement
from tests.factories import login, make_organisation, post_form, text_of
from tests.reimbursements.test_numbered_statements import drafts
from tests.trust import test_unique_races

APRIL = datetime(2026, 4, 10, 9, 0)
# The official ISO 20022 schema, as sepaxml ships it (its header names iso20022.org as source).
XSD = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
pg_server = test_unique_races.pg_server

BANK = {
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP882",
    "holder": "Association Le Clic",
    "valid_from": "2026-01-01",
}
TREASURY = {
    "iban": "FR7630001007941234567890185",
    "bic": "BDFEFRPPCCT",
    "holder": "Trésor public — régie de Saint-Lô",
    "valid_from": "2026-01-01",
    "regie": True,
}


async def bank_details(client, headers, site_id: int, details: dict) -> None:
    answer = await client.post(
        f"/api/v1/organisations/{site_id}/bank-details", json=details, headers=headers
    )
    assert answer.status_code in (200, 201), answer.text


async def submitted(client, headers, *site_ids: int, totals: tuple[int, ...] = ()) -> list[int]:
    ids = await drafts(*site_ids)
    for statement_id, total in zip(ids, totals, strict=False):
        await Statement.update({Statement.total_cents: total}).where(Statement.id == statement_id)
    answer = await client.post(
        "/api/v1/statements/submit", json={"statement_ids": ids}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return ids


async def test_staff_pay_sites_with_a_sepa_file_and_the_treasury_with_a_csv_of_mandates(
    client, world, clock_at
):
    clock_at(APRIL)
    headers = await world.staff.bearer()
    await Organisation.update({Organisation.siret: "21500564400017"}).where(
        Organisation.id == world.other_site_id
    )
    third = await make_organisation("Médiathèque de Coutances", "site")
    await bank_details(client, headers, world.site_id, BANK)
    await bank_details(client, headers, third, {**BANK, "holder": "Médiathèque de Coutances"})
    await bank_details(client, headers, world.other_site_id, TREASURY)
    by_transfer, by_treasury, other = await submitted(
        client, headers, world.site_id, world.other_site_id, third, totals=(12340, 5000, 990)
    )

    created = await client.post(
        "/api/v1/payment-runs",
        json={"statement_ids": [by_transfer, by_treasury, other], "execution_date": "2026-04-14"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    run = created.json()
    assert run["reference"] == "VR-2026-0001" and run["state"] == "prepared"
    assert (run["total_cents"], run["transfer_cents"], run["treasury_cents"]) == (
        18330,
        13330,
        5000,
    )

    sepa = await client.get(f"/api/v1/payment-runs/{run['id']}/sepa.xml", headers=headers)
    assert sepa.status_code == 200 and sepa.headers["content-type"].startswith("application/xml")
    xmlschema.XMLSchema(XSD).validate(sepa.text)  # raises when the file is not valid
    root = ET.fromstring(sepa.content)  # noqa: S314 - the file we just built
    amounts = [Decimal(a.text) for a in root.iterfind(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)]
    assert sorted(amounts) == [Decimal("9.90"), Decimal("123.40")]
    assert Decimal(root.find(".//p:GrpHdr/p:CtrlSum", NS).text) == Decimal("133.30")
    assert root.find(".//p:GrpHdr/p:NbOfTxs", NS).text == "2"
    assert root.find(".//p:ReqdExctnDt", NS).text == "2026-04-14"
    ibans = {i.text for i in root.iterfind(".//p:CdtrAcct/p:Id/p:IBAN", NS)}
    assert ibans == {BANK["iban"]}  # the treasury's account is not in the bank's file
    assert root.find(".//p:DbtrAcct/p:Id/p:IBAN", NS).text == "FR7630001007941234567890185"
    ends = {e.text for e in root.iterfind(".//p:EndToEndId", NS)}
    assert ends == {"RL-2026-0001", "RL-2026-0003"}

    mandates = await client.get(f"/api/v1/payment-runs/{run['id']}/mandats.csv", headers=headers)
    assert mandates.status_code == 200
    rows = list(csv.reader(io.StringIO(mandates.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Numéro", "SIRET", "Nom", "IBAN", "Montant", "Période"]
    assert rows[1:] == [
        [
            "RL-2026-0002",
            "21500564400017",
            (
                await Organisation.select(Organisation.name).where(
                    Organisation.id == world.other_site_id
                )
            )[0]["name"],
            TREASURY["iban"],
            "50,00",
            "01/03/2026 au 28/03/2026",
        ]
    ]
    for key in ("VR-2026-0001-sepa.xml", "VR-2026-0001-mandats.csv"):
        assert await storage.exists(f"reimbursements/virements/{key}")

    paid = await client.post(
        f"/api/v1/payment-runs/{run['id']}/paid", json={"paid_on": "2026-04-10"}, headers=headers
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["state"] == "paid" and paid.json()["paid_on"] == "2026-04-10"
    statements = await Statement.select(
        Statement.status, Statement.paid_on, Statement.payment_reference
    )
    assert {(s["status"], s["paid_on"], s["payment_reference"]) for s in statements} == {
        ("paid", date(2026, 4, 10), "VR-2026-0001")
    }


async def test_a_site_without_validated_bank_details_cannot_be_put_in_a_run(
    client, world, clock_at
):
    clock_at(APRIL)
    headers = await world.staff.bearer()
    await bank_details(client, headers, world.site_id, BANK)
    ids = await submitted(client, headers, world.site_id, world.other_site_id)
    refused = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": ids}, headers=headers
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "no_bank_details"
    other = await Organisation.select(Organisation.name).where(
        Organisation.id == world.other_site_id
    )
    assert f"« {other[0]['name']} »" in body["message"] and "Rien n'a été créé" in body["message"]
    assert await PaymentRunItem.count() == 0
    drafted = await drafts(world.site_id, month=date(2026, 2, 1))
    not_submitted = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": drafted}, headers=headers
    )
    assert not_submitted.status_code == 409
    assert not_submitted.json()["error"] == "not_submitted"
    (zero,) = await submitted(
        client, headers, await make_organisation("Mairie de Marigny", "site"), totals=(0,)
    )
    nothing = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": [zero]}, headers=headers
    )
    assert nothing.status_code == 422 and nothing.json()["error"] == "nothing_to_pay"


async def test_a_statement_is_paid_once_never_in_two_runs_nor_paid_again(client, world, clock_at):
    clock_at(APRIL)
    headers = await world.staff.bearer()
    await bank_details(client, headers, world.site_id, BANK)
    await bank_details(client, headers, world.other_site_id, TREASURY)
    first, second = await submitted(client, headers, world.site_id, world.other_site_id)
    run = (
        await client.post("/api/v1/payment-runs", json={"statement_ids": [first]}, headers=headers)
    ).json()
    again = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": [first, second]}, headers=headers
    )
    assert again.status_code == 409 and again.json()["error"] == "already_in_run"
    alone = await client.post(
        f"/api/v1/statements/{first}/payment",
        json={"paid_on": "2026-04-10", "reference": "MANDAT-1"},
        headers=headers,
    )
    assert alone.status_code == 409 and alone.json()["error"] == "in_payment_run"
    no_csv = await client.get(f"/api/v1/payment-runs/{run['id']}/mandats.csv", headers=headers)
    assert no_csv.status_code == 404 and no_csv.json()["error"] == "no_such_file"

    paid = await client.post(
        f"/api/v1/payment-runs/{run['id']}/paid", json={"paid_on": "2026-04-10"}, headers=headers
    )
    assert paid.status_code == 200
    twice = await client.post(
        f"/api/v1/payment-runs/{run['id']}/paid", json={"paid_on": "2026-04-10"}, headers=headers
    )
    assert twice.status_code == 409 and twice.json()["error"] == "already_paid"
    later = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": [first]}, headers=headers
    )
    assert later.status_code == 409 and later.json()["error"] == "not_submitted"
    # the second statement is still free, and gets the next run's reference
    next_run = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": [second]}, headers=headers
    )
    assert next_run.status_code == 201 and next_run.json()["reference"] == "VR-2026-0002"


async def test_staff_create_and_pay_a_run_from_the_pages(client, world, clock_at):
    clock_at(APRIL)
    headers = await world.staff.bearer()
    await bank_details(client, headers, world.site_id, BANK)
    ready, blocked = await submitted(client, headers, world.site_id, world.other_site_id)
    await login(client, world.staff)
    assert 'href="/virements"' in (await client.get("/")).text
    listing = await client.get("/virements")
    assert listing.status_code == 200
    text = text_of(listing.text)
    assert "RL-2026-0001" in text and "Coordonnées bancaires non validées" in text
    assert f'value="{blocked}"' not in listing.text  # no box to tick for the unpayable site
    created = await post_form(client, "/virements/", {"statement_ids": [str(ready)]})
    assert created.status_code in (200, 303), created.text
    statement_page = text_of((await client.get(f"/releves/{ready}")).text)
    assert "Ce relevé est dans le virement VR-2026-0001 : il sera payé avec lui" in statement_page
    assert "Enregistrer le paiement" not in statement_page
    page = await client.get("/virements/1")
    assert "Virement VR-2026-0001" in text_of(page.text)
    assert "Télécharger le fichier de virement SEPA" in page.text
    refused = await post_form(client, "/virements/", {"statement_ids": [str(blocked)]})
    assert refused.status_code == 422
    assert "coordonnées bancaires validées" in text_of(refused.text)
    await post_form(client, "/virements/1/paiement", {"paid_on": "2026-04-10"})
    assert "Payé, le 10/04/2026" in text_of((await client.get("/virements/1")).text)
    assert (await Statement.select(Statement.payment_reference).where(Statement.id == ready))[0][
        "payment_reference"
    ] == "VR-2026-0001"


@pytest.mark.postgres_only
async def test_on_postgresql_runs_created_at_once_never_share_a_statement(pg_server, world):
    """``passnum serve --workers 2``: 10 runs asked at once for overlapping statements."""
    headers = await world.staff.bearer()
    sites = [await make_organisation(f"Mairie n°{i}", "site") for i in range(6)]
    async with httpx.AsyncClient(headers=headers, timeout=60, base_url=pg_server) as http:
        for site in sites:
            answer = await http.post(f"/api/v1/organisations/{site}/bank-details", json=BANK)
            assert answer.status_code in (200, 201), answer.text
        ids = await drafts(*sites)
        assert (
            await http.post("/api/v1/statements/submit", json={"statement_ids": ids})
        ).status_code == 200
        bodies = [{"statement_ids": ids[n % 5 : n % 5 + 2]} for n in range(10)]
        answers = await asyncio.gather(*(http.post("/api/v1/payment-runs", json=b) for b in bodies))
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"already_in_run"}
    taken = [r["statement"] for r in await PaymentRunItem.select(PaymentRunItem.statement)]
    assert len(taken) == len(set(taken))
    assert sum(a.status_code == 201 for a in answers) >= 1
