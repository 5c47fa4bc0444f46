"""The error codes of every API operation, in the OpenAPI document, read from the code.

For each operation, :class:`passnum.error_codes.Reach` follows the route handler (and its guards
and dependencies) through the services it calls and collects the refusals they raise; to these
are added what the layers around every handler answer:

- the authentication middleware (a bearer token unknown or malformed: 401) on every operation;
- the access guard (401 not signed in, 403 not allowed) on operations that are not public;
- the rate limit (429 ``rate_limited``) on operations that declare one (``opt["rate_limit"]``);
- the request's parsing: 400 ``invalid`` when the handler takes parameters; 400
  ``bad_request`` (an empty or unreadable body), 400 ``malformed_json`` and 413 ``too_large``
  when it reads a JSON body (not ``malformed_json`` for a form or a file); 422
  ``out_of_range`` when it takes an integer (a number too large for the database); 404
  ``not_found`` when its path has parameters (a value the router matches to no route);
- 503 ``unavailable`` on every operation (the database cannot be reached).

Each error status of an operation is documented once, with the body ``Error`` (a component) and
the list of its codes (``error`` as an ``enum``). tests/trust/test_error_codes.py compares that
list with what the API answers during the tests.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from litestar import Litestar
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    Reference,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.routes import HTTPRoute

import equipment.errors
import organisations.errors
import passnum.refusals
import reimbursements.errors
import reporting.errors
import territory.errors
import vouchers.errors
from passnum.auth.guards import access_guard
from passnum.auth.middleware import PassnumAuthenticationMiddleware
from passnum.error_codes import Code, Reach
from passnum.errors import FRAMEWORK_MESSAGES, Refusals
from passnum.openapi import ERROR_BODY

CATALOGUES: dict[str, Refusals] = {
    module.__name__: module.REFUSALS
    for module in (
        passnum.refusals,
        territory.errors,
        organisations.errors,
        vouchers.errors,
        equipment.errors,
        reimbursements.errors,
        reporting.errors,
    )
}
PACKAGES = (
    "passnum",
    "territory",
    "organisations",
    "vouchers",
    "equipment",
    "reimbursements",
    "reporting",
    "composition",
    "printing",
)
EVERY_OPERATION = frozenset({Code(503, "unavailable")})
NO_ROUTE = Code(404, "not_found")
BODY = frozenset({Code(400, "malformed_json"), Code(413, "too_large"), Code(400, "bad_request")})
NOT_PARAMETERS = frozenset({"self", "request", "state", "scope", "headers", "cookies", "socket"})
STATUS_TEXT = {
    400: "Requête mal formée ou données invalides",
    401: "Authentification requise ou jeton invalide",
    403: "Accès refusé",
    404: "Introuvable",
    409: "Conflit avec l'état actuel",
    413: "Requête trop volumineuse",
    422: "Données refusées",
    429: "Trop de requêtes",
    503: "Service momentanément indisponible",
}
ERROR_REF = Reference(ref="#/components/schemas/Error")


@cache
def reach() -> Reach:
    return Reach(CATALOGUES, PACKAGES)


def _takes(handler: Any) -> tuple[bool, bool, bool]:
    """Whether the handler takes parameters, a body, an integer."""
    dependencies = set(handler.resolve_dependencies())
    fields = {
        name: field
        for name, field in handler.parsed_fn_signature.parameters.items()
        if name not in NOT_PARAMETERS and name not in dependencies
    }
    integer = any(
        f.is_subclass_of(int) and not f.is_subclass_of(bool)
        for f in fields.values()
        if not f.is_optional or f.inner_types
    )
    return bool(fields), "data" in fields, integer


def _starts(handler: Any) -> list[Any]:
    """What runs for a request to ``handler``: itself, its dependencies, the authentication
    middleware, its guards (not the access guard on a public route)."""
    dependencies = [p.dependency for p in handler.resolve_dependencies().values()]
    guards = handler.resolve_guards()
    if handler.opt.get("public"):
        guards = [g for g in guards if g is not access_guard]
    auth = PassnumAuthenticationMiddleware.authenticate_request
    return [handler.fn, *dependencies, auth, *guards]


def handler_codes(handler: Any, found: Reach | None = None) -> frozenset[Code]:
    """Every code one route handler can answer (see the module's docstring)."""
    found = found or reach()
    codes = set(found.codes(*_starts(handler)))
    if handler.opt.get("rate_limit"):
        codes.add(Code(429, "rate_limited"))
    parameters, body, integer = _takes(handler)
    if parameters:
        codes.add(Code(400, "invalid"))
    read = found.reads(handler.fn)
    if body or "json" in read:
        codes |= BODY
    elif read:
        codes |= {Code(413, "too_large"), Code(400, "bad_request")}
    if integer:
        codes.add(Code(422, "out_of_range"))
    return frozenset(codes | EVERY_OPERATION)


def _operations(app: Litestar) -> list[tuple[str, str, Any]]:
    """``(method, path, handler)`` of each documented operation."""
    return [
        (method.lower(), route.path_format, handler)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if handler.resolve_include_in_schema()
        for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"})
    ]


def operation_codes(
    app: Litestar, found: Reach | None = None
) -> dict[tuple[str, str], frozenset[Code]]:
    """``(method, path)`` of each documented operation → the codes it can answer."""
    operations: dict[tuple[str, str], frozenset[Code]] = {}
    for method, path, handler in _operations(app):
        codes = handler_codes(handler, found)
        if "{" in path:  # a path naming no route (a value the router refuses)
            codes |= {NO_ROUTE}
        operations[(method, path)] = codes
    return operations


def error_response(
    status: int, codes: list[str], said: dict[Code, list[str]] | None = None
) -> OpenAPIResponse:
    """One status's answer: the Error body, its codes, each with the messages it can say."""
    lines = [f"{STATUS_TEXT.get(status, 'Refus')}, `error` :", ""]
    for code in codes:
        messages = (said or {}).get(Code(status, code)) or [
            m for m in [FRAMEWORK_MESSAGES.get((status, code))] if m
        ]
        told = " / ".join(f"« {m} »" for m in sorted(messages))
        lines.append(f"- `{code}`" + (f" : {told}" if told else ""))
    return OpenAPIResponse(
        description="\n".join(lines),
        content={
            "application/json": OpenAPIMediaType(
                schema=Schema(
                    all_of=[
                        ERROR_REF,
                        Schema(
                            type=OpenAPIType.OBJECT,
                            properties={"error": Schema(type=OpenAPIType.STRING, enum=codes)},
                        ),
                    ]
                )
            )
        },
    )


def document_error_codes(app: Litestar, found: Reach | None = None) -> None:
    """Replace each operation's error responses by the codes it can answer, grouped by status."""
    schema = app.openapi_schema
    if schema.components.schemas is None:
        schema.components.schemas = {}
    schema.components.schemas["Error"] = ERROR_BODY
    found = found or reach()
    codes_of = operation_codes(app, found)
    for method, path, handler in _operations(app):
        codes = codes_of[(method, path)]
        said: dict[Code, list[str]] = defaultdict(list)
        for code, message in found.messages(*_starts(handler)):
            said[code].append(message)
        path_item = (schema.paths or {}).get(path)
        operation = getattr(path_item, method, None) if path_item else None
        if operation is None:
            continue
        responses = {
            status: response
            for status, response in (operation.responses or {}).items()
            if not status.startswith(("4", "5"))
        }
        by_status: dict[int, set[str]] = defaultdict(set)
        for code in codes:
            by_status[code.status].add(code.code)
        for status in sorted(by_status):
            responses[str(status)] = error_response(status, sorted(by_status[status]), said)
        operation.responses = responses


def documented_codes(schema: dict[str, Any]) -> dict[tuple[str, str], set[Code]]:
    """The codes the published document (as JSON) lists, per ``(method, path)``."""
    documented: dict[tuple[str, str], set[Code]] = {}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = documented[(method, path)] = set()
            for status, response in operation["responses"].items():
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                for part in body.get("allOf", []):
                    enum = part.get("properties", {}).get("error", {}).get("enum", [])
                    codes |= {Code(int(status), c) for c in enum}
    return documented
