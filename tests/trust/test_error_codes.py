"""The error codes of the API are a contract: catalogued, documented per operation, checked.

Each app's catalogue (``errors.REFUSALS``, the kernel's ``passnum.refusals``) holds its codes with
their HTTP status and French message; the OpenAPI document lists, for each operation, the codes
read from the code that raises them (composition/openapi_errors.py); every test of the suite fails
if the API answers a code its operation's documentation does not list (tests/error_codes_check.py).
These tests prove that check catches what it should, and keep the catalogues honest.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest
from litestar import Litestar, get
from litestar.openapi import OpenAPIConfig
from litestar.testing import AsyncTestClient

from composition.openapi_errors import (
    CATALOGUES,
    PACKAGES,
    document_error_codes,
    operation_codes,
    reach,
)
from passnum.auth.guards import PUBLIC
from passnum.error_codes import Code, Reach
from passnum.errors import EXCEPTION_HANDLERS, DomainError, wire_code
from tests.error_codes_check import undocumented

ROOT = Path(__file__).parents[2]
CATALOGUE_MODULES = set(CATALOGUES) | {"passnum.errors"}


# -- fake routes: one whose refusal the reading can see, one it cannot ---------------------------


def _seen_refusal() -> DomainError:
    return DomainError("fake_listed", "Refus prévu.", 409)


@get("/api/v1/fake/listed", opt=PUBLIC, sync_to_thread=False)
def listed_route() -> None:
    raise _seen_refusal()


HIDDEN = "fake_hidden"


@get("/api/v1/fake/hidden", opt=PUBLIC, sync_to_thread=False)
def hidden_route() -> None:
    raise DomainError(HIDDEN, "Refus que la documentation ne connaît pas.", 409)  # refuses: other


def _fake_app() -> Litestar:
    app = Litestar(
        route_handlers=[listed_route, hidden_route],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(title="fake", version="1"),
    )
    document_error_codes(app, Reach(CATALOGUES, (*PACKAGES, "tests")))
    return app


async def test_a_code_raised_by_a_route_or_its_helpers_is_in_its_documentation() -> None:
    operations = operation_codes(_fake_app(), Reach(CATALOGUES, (*PACKAGES, "tests")))
    assert Code(409, "fake_listed") in operations[("get", "/api/v1/fake/listed")]
    assert Code(409, "fake_hidden") not in operations[("get", "/api/v1/fake/hidden")]


async def test_the_check_reports_a_code_the_documentation_does_not_list() -> None:
    from tests import error_codes_check

    app = _fake_app()
    start = len(error_codes_check._answered)
    async with AsyncTestClient(app=app) as client:
        listed = await client.get("/api/v1/fake/listed")
        hidden = await client.get("/api/v1/fake/hidden")
    assert (listed.status_code, listed.json()["error"]) == (409, "fake_listed")
    assert (hidden.status_code, hidden.json()["error"]) == (409, "fake_hidden")
    answered = error_codes_check._answered[start:]
    del error_codes_check._answered[start:]  # this test's own failure is the one checked here
    assert undocumented(answered) == ["GET /api/v1/fake/hidden answered 409 'fake_hidden'"]


async def test_the_published_document_lists_codes_with_one_error_body(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"error", "message"}
    redeem = schema["paths"]["/api/v1/redemptions"]["post"]["responses"]
    body = redeem["409"]["content"]["application/json"]["schema"]
    assert body["allOf"][0] == {"$ref": "#/components/schemas/Error"}
    assert "already_redeemed" in body["allOf"][1]["properties"]["error"]["enum"]
    assert (
        "- `already_redeemed` : « Ce chèque a déjà été utilisé le {when}"
        in redeem["409"]["description"]
    )
    assert (
        "not_site_agent"
        in redeem["403"]["content"]["application/json"]["schema"]["allOf"][1]["properties"][
            "error"
        ]["enum"]
    )


async def test_an_empty_or_broken_body_is_refused_with_a_documented_code(client, world) -> None:
    """Found by the API fuzzing: an empty or cut JSON body is ``bad_request`` (JSON nested too
    deep is ``malformed_json``); all are in the document (the check after each test compares)."""
    staff = {**await world.staff.bearer(), "Content-Type": "application/json"}
    empty = await client.post("/api/v1/loans", content=b"\n", headers=staff)
    cut = await client.post("/api/v1/loans", content=b"{", headers=staff)
    deep = await client.post("/api/v1/loans", content=b"[" * 5000, headers=staff)
    assert (empty.status_code, empty.json()["error"]) == (400, "bad_request")
    assert (cut.status_code, cut.json()["error"]) == (400, "bad_request")
    assert (deep.status_code, deep.json()["error"]) == (400, "malformed_json")


# -- the reading of the code is complete --------------------------------------------------------


def test_every_refusal_of_the_api_is_read_without_guessing(client) -> None:
    """A computed code names what it can be (``# refuses: …``); every key is in its catalogue."""
    from tests.conftest import _shared_app

    operation_codes(_shared_app())
    assert sorted(set(reach().problems)) == []


# -- the catalogues ------------------------------------------------------------------------------


def _project_modules() -> list[ModuleType]:
    modules = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        modules.append(root)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if "piccolo_migrations" in info.name or info.name.endswith("__main__"):
                continue
            modules.append(importlib.import_module(info.name))
    return modules


def test_every_code_of_a_catalogue_is_raised_somewhere() -> None:
    raised: set[tuple[str, str]] = set()
    for module in _project_modules():
        raised |= reach().raised_keys(module)
    dead = [
        f"{catalogue}: {key}"
        for catalogue, refusals in CATALOGUES.items()
        for key in refusals
        if (catalogue, key) not in raised
    ]
    assert dead == []


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
def test_every_code_has_an_error_status_and_a_french_message(catalogue: str) -> None:
    for key, (status, message) in CATALOGUES[catalogue].items():
        assert 400 <= status < 600, key
        assert wire_code(key).islower() and " " not in key, key
        assert message.strip(), key
        assert message[0].isupper() or message.startswith("{"), key  # "{noun} pèse…"
        assert message.rstrip().endswith((".", "!", "?", "»", ")")) or message == "{detail}", key


def _inline_messages(module: ModuleType) -> list[str]:
    """DomainError (or a subclass) built with its message written on the spot."""
    found = []
    tree = ast.parse(Path(module.__file__ or "").read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        callee = reach()._resolve(node.func, vars(module), None)
        if not (isinstance(callee, type) and issubclass(callee, DomainError)):
            continue
        if isinstance(node.args[1], (ast.Constant, ast.JoinedStr)):
            found.append(f"{module.__name__}:{node.lineno}")
    return found


def test_refusals_take_their_message_from_a_catalogue() -> None:
    inline = [
        where
        for module in _project_modules()
        if module.__name__ not in CATALOGUE_MODULES
        for where in _inline_messages(module)
    ]
    assert inline == []
