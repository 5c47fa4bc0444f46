"""The OpenAPI document is a contract: every JSON answer and body of /api/v1 has a real schema.

A client generated from /schema/openapi.json must know the shape of every successful answer and
of every body it sends. These tests read the document as a client does (over HTTP) and walk each
operation's 2xx answers and request body down to their leaves: an absent schema, ``{}`` (any
value), an object without properties or an array without items is a hole in the contract. An
answer that is not JSON (a PDF, a CSV) must say its real media type instead of passing as JSON,
and an operation that reads its body by hand (a PDF, a CSV file, a form) must document it.
"""

from __future__ import annotations

import inspect
from typing import Any

from litestar.routes import HTTPRoute

from tests.conftest import _shared_app

METHODS = ("get", "post", "put", "patch", "delete")
API = "/api/v1/"


def holes(schema: Any, components: dict[str, Any], where: str, seen: frozenset[str]) -> list[str]:
    """The places under ``schema`` where any value would conform (a schema that says nothing)."""
    if not isinstance(schema, dict) or not schema:
        return [f"{where}: no schema"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return holes(components[name], components, f"{where}→{name}", seen | {name})
    found: list[str] = []
    alternatives = schema.get("oneOf") or schema.get("anyOf") or schema.get("allOf")
    if alternatives:
        for alternative in alternatives:
            found += holes(alternative, components, where, seen)
        return found
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if kinds == {None} and "const" not in schema and "enum" not in schema:
        return [f"{where}: no type"]
    if "object" in kinds:
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        if not properties and not (isinstance(extra, dict) and extra):
            return [f"{where}: object without properties"]
        for name, child in properties.items():
            found += holes(child, components, f"{where}.{name}", seen)
        if isinstance(extra, dict) and extra:
            found += holes(extra, components, f"{where}.*", seen)
    if "array" in kinds:
        if "items" not in schema:
            return [f"{where}: array without items"]
        found += holes(schema["items"], components, f"{where}[]", seen)
    return found


def api_operations(document: dict[str, Any], prefix: str = API) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        if path.startswith(prefix)
        for method, operation in item.items()
        if method in METHODS
    ]


async def openapi(client) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


async def test_every_successful_json_answer_of_the_api_has_a_schema(client):
    """Under /api/v1 and elsewhere in the document too (/health, the directory's open data)."""
    document = await openapi(client)
    components = document.get("components", {}).get("schemas", {})
    found = []
    for name, operation in api_operations(document, prefix="/"):
        for status, answer in operation.get("responses", {}).items():
            if not status.startswith("2"):
                continue
            for media, content in (answer.get("content") or {}).items():
                if "json" in media:
                    found += holes(content.get("schema"), components, f"{name} {status}", set())
    assert not found, "\n".join(found)


async def test_every_json_request_body_of_the_api_has_a_schema(client):
    document = await openapi(client)
    components = document.get("components", {}).get("schemas", {})
    found = []
    for name, operation in api_operations(document):
        body = operation.get("requestBody") or {}
        for media, content in (body.get("content") or {}).items():
            if "json" in media:
                found += holes(content.get("schema"), components, f"{name} body", set())
    assert not found, "\n".join(found)


READS = ("request.body()", "request.form()", "request.json()")


def _reads_its_body_by_hand(route_handler: Any) -> bool:
    """The handler reads the request's bytes itself, or through a helper of its module that does
    (``await uploaded(request)``)."""
    source = inspect.getsource(route_handler.fn)
    module = inspect.getmodule(route_handler.fn)
    helpers = [
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and any(read in inspect.getsource(value) for read in READS)
    ]
    return any(read in source for read in READS) or any(f"{h}(request" in source for h in helpers)


async def test_operations_that_read_a_raw_body_document_it(client):
    """A handler that reads the raw body (PDF, CSV, form) says what it expects in the document."""
    document = await openapi(client)
    raw = []
    for route in _shared_app().routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(API):
            continue
        for handler in route.route_handlers:
            if handler.include_in_schema and _reads_its_body_by_hand(handler):
                raw += [(m.lower(), route.path_format) for m in handler.http_methods]
    # the two CSV imports, the signed-slip check, the funder's branding, the catalogue's photos
    assert len(raw) >= 6
    missing = []
    for method, path in raw:
        body = document["paths"][path][method].get("requestBody") or {}
        content = body.get("content") or {}
        if not content or any(not c.get("schema") for c in content.values()):
            missing.append(f"{method.upper()} {path}: {content}")
    assert not missing, "\n".join(missing)


async def test_the_signed_slip_check_documents_its_pdf_body(client):
    document = await openapi(client)
    body = document["paths"]["/api/v1/slips/check"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/pdf"]["schema"] == {"type": "string", "format": "binary"}


FILES = {".pdf": "application/pdf", ".csv": "text/csv", ".xml": "application/xml"}


async def test_files_the_api_answers_are_documented_as_files_not_json(client):
    """A PDF, CSV or XML answer says its media type; no success answer is a bare JSON string.
    Everywhere in the document, the open-data files of the directory (/lieux/…) too."""
    document = await openapi(client)
    wrong = []
    for name, operation in api_operations(document, prefix="/"):
        for status, answer in operation.get("responses", {}).items():
            if not status.startswith("2"):
                continue
            content = answer.get("content") or {}
            suffix = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
            expected = FILES.get(f".{suffix}")
            if expected and list(content) != [expected]:
                wrong.append(f"{name} {status}: {list(content)}, expected {expected}")
            for media, body in content.items():
                if "json" in media and body.get("schema") == {"type": "string"}:
                    wrong.append(f"{name} {status}: a bare string documented as JSON")
    assert not wrong, "\n".join(wrong)
