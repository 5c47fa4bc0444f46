"""On the demo's data, every JSON answer staff read is what the OpenAPI document describes.

Schemathesis fuzzes each operation but mostly without identifiers of real records (it sees 404s);
here every list staff may read is read, then the detail of its first record, and each answer is
validated against its documented schema (``tests.openapi_check.assert_documented``).
"""

from __future__ import annotations

from datetime import timedelta

from composition.demo import load_demo
from passnum import clock
from tests.factories import create_token
from tests.openapi_check import assert_documented
from tests.trust.test_permissions_matrix import EXPECTED

STAFF = "agent@demo.passnum.fr"
FILES = (".pdf", ".csv", ".xml", ".ics")


async def test_every_json_answer_staff_read_on_the_demo_is_what_the_document_describes(client):
    await load_demo()
    headers = {"Authorization": f"Bearer {await create_token(STAFF, 'tests')}"}
    document = (await client.get("/schema/openapi.json")).json()

    async def read(path: str) -> object:
        return await assert_documented(client, await client.get(path, headers=headers))

    lists = [
        path
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        and "{" not in path
        and "get" in item
        and not path.endswith(FILES)
        and ("staff" in EXPECTED[f"GET {path}"].split() or EXPECTED[f"GET {path}"] == "public")
    ]
    today, later = clock.today(), clock.today() + timedelta(days=14)
    queries = {  # the lists that need a question
        "/api/v1/availability": f"?start={today}&end={later}",
        "/api/v1/availability/calendar": f"?start={today}",
        "/api/v1/catalogue": f"?start_date={today}&end_date={later}",
    }
    read_lists = {path: await read(path + queries.get(path, "")) for path in lists}

    def first(path: str, key: str = "id") -> object:
        rows = read_lists[path]
        return rows[0][key] if isinstance(rows, list) and rows else None

    details = {
        "/api/v1/batches/{}": first("/api/v1/batches"),
        "/api/v1/joint-statements/{}": first("/api/v1/joint-statements", "batch_id"),
        "/api/v1/funders/{}/branding": first("/api/v1/batches", "funder_id"),
        "/api/v1/items/{}": first("/api/v1/items", "asset_tag"),
        "/api/v1/items/{}/history": first("/api/v1/items", "asset_tag"),
        "/api/v1/items/{}/last-seen": first("/api/v1/items", "asset_tag"),
        "/api/v1/kits/{}": first("/api/v1/kits"),
        "/api/v1/loans/{}": first("/api/v1/loans", "number"),
        "/api/v1/loans/{}/signatures": first("/api/v1/loans", "number"),
        "/api/v1/loan-requests/{}": first("/api/v1/loan-requests"),
        "/api/v1/credit-notes/{}": first("/api/v1/credit-notes"),
        "/api/v1/statements/{}": first("/api/v1/statements"),
        "/api/v1/site-applications/{}": first("/api/v1/site-applications"),
        "/api/v1/payment-runs/{}": first("/api/v1/payment-runs"),
        "/api/v1/stock-takes/{}": first("/api/v1/stock-takes"),
        "/api/v1/organisations/{}": first("/api/v1/organisations"),
    }
    read_details = [template for template, value in details.items() if value is not None]
    for template in read_details:
        await read(template.format(details[template]))
    assert len(lists) >= 25 and len(read_details) >= 10, (lists, read_details)
