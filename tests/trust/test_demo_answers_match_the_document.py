"""On the demo's data, every JSON answer each role reads is what the OpenAPI document describes.

Schemathesis fuzzes each operation but mostly without identifiers of real records (it sees 404s);
here every list a role may read is read, then the detail of its first record, and each answer is
validated against its documented schema (``tests.openapi_check.assert_documented``). Every time
in those answers carries its offset (``2027-02-01T00:30:00+01:00``): a time without one would
leave a client to guess the zone. The demo has no stock take or loan request: staff open one and a
commune asks for one first, so their times are read too.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from composition.demo import load_demo
from passnum import clock
from tests.factories import create_token
from tests.openapi_check import assert_documented
from tests.trust.test_permissions_matrix import EXPECTED

STAFF = "agent@demo.passnum.fr"
OTHERS = {
    "funder": "financeur@demo.passnum.fr",
    "prescriber": "prescriptrice@demo.passnum.fr",
    "site_agent": "conseiller.itinerant@demo.passnum.fr",
    "borrower": "mairie.emprunteuse@demo.passnum.fr",
}
FILES = (".pdf", ".csv", ".xml", ".ics")
EXPORTS = ("redemptions", "booklets", "statements", "loans", "items")
# Anything a client would read as a date and a time, with or without its offset.
DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?P<offset>Z|[+-]\d{2}:?\d{2})?"
)
# detail path → (the list its identifier comes from, the field holding it)
DETAILS = {
    "/api/v1/batches/{}": ("/api/v1/batches", "id"),
    "/api/v1/joint-statements/{}": ("/api/v1/joint-statements", "batch_id"),
    "/api/v1/funders/{}/branding": ("/api/v1/batches", "funder_id"),
    "/api/v1/items/{}": ("/api/v1/items", "asset_tag"),
    "/api/v1/items/{}/history": ("/api/v1/items", "asset_tag"),
    "/api/v1/items/{}/last-seen": ("/api/v1/items", "asset_tag"),
    "/api/v1/kits/{}": ("/api/v1/kits", "id"),
    "/api/v1/loans/{}": ("/api/v1/loans", "number"),
    "/api/v1/loans/{}/signatures": ("/api/v1/loans", "number"),
    "/api/v1/loan-requests/{}": ("/api/v1/loan-requests", "id"),
    "/api/v1/credit-notes/{}": ("/api/v1/credit-notes", "id"),
    "/api/v1/statements/{}": ("/api/v1/statements", "id"),
    "/api/v1/site-applications/{}": ("/api/v1/site-applications", "id"),
    "/api/v1/payment-runs/{}": ("/api/v1/payment-runs", "id"),
    "/api/v1/stock-takes/{}": ("/api/v1/stock-takes", "id"),
    "/api/v1/organisations/{}": ("/api/v1/organisations", "id"),
    "/api/v1/organisations/{}/bank-details": ("/api/v1/me", "memberships"),
    "/api/v1/handouts/{}": ("/api/v1/handouts", "booklet_number"),
}


def times_without_offset(body: object, where: str = "") -> list[str]:
    """Every string of a JSON answer that reads as a date-time but carries no offset."""
    if isinstance(body, dict):
        return [f for k, v in body.items() for f in times_without_offset(v, f"{where}/{k}")]
    if isinstance(body, list):
        return [f for i, v in enumerate(body) for f in times_without_offset(v, f"{where}/{i}")]
    if isinstance(body, str):
        match = DATE_TIME.fullmatch(body)
        if match and not match["offset"]:
            return [f"{where}: {body}"]
    return []


def may_read(role: str, path: str) -> bool:
    allowed = EXPECTED.get(f"GET {path}", "")
    return allowed == "public" or role in allowed.split()


async def read_all(client: AsyncTestClient, role: str, email: str) -> dict[str, Any]:
    """Every JSON list ``role`` may read, the detail of each list's first record and the exports,
    each checked against the document: path read → answer."""
    headers = {"Authorization": f"Bearer {await create_token(email, 'tests')}"}
    document = (await client.get("/schema/openapi.json")).json()
    answers: dict[str, Any] = {}

    async def read(path: str) -> object:
        response = await client.get(path, headers=headers)
        answers[path] = await assert_documented(client, response)
        return answers[path]

    lists = [
        path
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        and "{" not in path
        and "get" in item
        and not path.endswith(FILES)
        and may_read(role, path)
    ]
    today, later = clock.today(), clock.today() + timedelta(days=14)
    queries = {  # the lists that need a question
        "/api/v1/availability": f"?start={today}&end={later}",
        "/api/v1/availability/calendar": f"?start={today}",
        "/api/v1/catalogue": f"?start_date={today}&end_date={later}",
    }
    read_lists = {path: await read(path + queries.get(path, "")) for path in lists}

    def first(path: str, key: str) -> object:
        rows = read_lists.get(path)
        if key == "memberships" and isinstance(rows, dict):  # /me: the caller's organisation
            rows = [{"memberships": m["organisation_id"]} for m in rows["memberships"]]
        return rows[0][key] if isinstance(rows, list) and rows else None

    for template, (source, key) in DETAILS.items():
        value = first(source, key)
        if value is not None and may_read_template(role, template):
            await read(template.format(value))
    if may_read(role, "/api/v1/exports/{name}"):
        for name in EXPORTS:
            if role == "staff" or name in ("redemptions", "booklets"):
                await read(f"/api/v1/exports/{name}")
    return answers


def may_read_template(role: str, template: str) -> bool:
    """``/api/v1/loans/{}`` is in EXPECTED as ``/api/v1/loans/{number}``: match by shape."""
    shape = re.escape(template).replace(r"\{\}", r"\{[^/]+\}")
    return any(
        re.fullmatch(rf"GET {shape}", route) and (allowed == "public" or role in allowed.split())
        for route, allowed in EXPECTED.items()
    )


async def add_what_the_demo_lacks(client: AsyncTestClient) -> None:
    """A stock take that saw a device (its last-seen time) and a commune's loan request."""
    staff = {"Authorization": f"Bearer {await create_token(STAFF, 'tests')}"}
    take = await client.post("/api/v1/stock-takes", headers=staff)
    assert take.status_code == 201, take.text
    items = (await client.get("/api/v1/items", headers=staff)).json()
    scanned = await client.post(
        f"/api/v1/stock-takes/{take.json()['id']}/scans",
        json={"code": items[0]["asset_tag"]},
        headers=staff,
    )
    assert scanned.status_code in (200, 201), scanned.text
    borrower = {"Authorization": f"Bearer {await create_token(OTHERS['borrower'], 'tests')}"}
    asked = await client.post(
        "/api/v1/loan-requests",
        json={
            "start_date": (clock.today() + timedelta(days=20)).isoformat(),
            "due_date": (clock.today() + timedelta(days=21)).isoformat(),
            "contact_name": "Claire Lebrun",
            "contact_email": "claire.lebrun@demo.passnum.fr",
            "purpose": "Atelier tablettes",
            "types": {"tablet": 2},
        },
        headers=borrower,
    )
    assert asked.status_code == 201, asked.text


async def test_every_json_answer_staff_read_on_the_demo_is_documented_with_its_offsets(client):
    await load_demo()
    await add_what_the_demo_lacks(client)
    answers = await read_all(client, "staff", STAFF)
    assert len(answers) >= 25 + 10, list(answers)  # the lists, then the details
    naive = [
        f"{path}{field}" for path, body in answers.items() for field in times_without_offset(body)
    ]
    assert not naive, "times without an offset:\n" + "\n".join(naive[:30])
    times = [path for path, body in answers.items() if re.search(r"T\d\d:\d\d", str(body))]
    assert len(times) >= 10, times  # the check above saw times to check


async def test_every_json_answer_the_other_roles_read_on_the_demo_is_documented_with_offsets(
    client,
):
    await load_demo()
    await add_what_the_demo_lacks(client)
    naive: list[str] = []
    for role, email in OTHERS.items():
        answers = await read_all(client, role, email)
        assert len(answers) >= 3, (role, list(answers))
        naive += [
            f"{role} {path}{field}"
            for path, body in answers.items()
            for field in times_without_offset(body)
        ]
    assert not naive, "times without an offset:\n" + "\n".join(naive[:30])
