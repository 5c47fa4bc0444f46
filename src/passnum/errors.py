"""Domain errors with stable codes, and the handlers that show them as JSON or as a French page.

Every app raises :class:`DomainError` (or a subclass) with a code from its own fixed set; the API
answers ``{"error": code, "message": "…"}`` and pages show the French message with what to do.

Each app keeps its set in its ``errors`` module: ``REFUSALS`` (code → HTTP status, French message)
and ``refuse(code, **extra)`` built on :func:`refusal`; the kernel's own are in
:mod:`passnum.refusals`, the framework's below (``HTTP_CODES``). The OpenAPI document lists, per
route, the codes read from the code that raises them (:mod:`passnum.error_codes`).
"""

from __future__ import annotations

import logging
import re
import socket
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from passnum.db import is_unreachable
from passnum.settings import get_settings

logger = logging.getLogger("passnum")


Refusals = Mapping[str, tuple[int, str]]
"""A catalogue: key → (HTTP status, French message template).

The key is the code sent to clients, or ``code.variant`` when one code has several messages
(``not_found.loan``, ``not_found.kit``): the variant only picks the message, clients read
``code``. Templates are filled with the refusal's values; ``{phone}`` is the operator's."""


class DomainError(Exception):
    """A refusal the user can act on: a stable code, a French message and an HTTP status."""

    def __init__(self, code: str, message: str, status_code: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status_code = status_code
        self.extra = extra

    @property
    def field(self) -> str | None:
        """The form field to fix, if the refusal names one (pages mark it and say it beside it)."""
        return self.extra.get("field")


def wire_code(key: str) -> str:
    """The code clients read for a catalogue key (``not_found.loan`` → ``not_found``)."""
    return key.split(".", 1)[0]


def refusal(
    refusals: Refusals, key: str, /, *, kind: type[DomainError] | None = None, **extra: Any
) -> DomainError:
    """The DomainError (or ``kind``, a subclass) for ``key`` of a catalogue; ``extra`` fills the
    message and is returned in the body, except keys starting with ``_`` that only fill the
    message."""
    status, template = refusals[key]
    values = {"phone": get_settings().operator_phone, **extra}
    message = template.format(**{k.lstrip("_"): v for k, v in values.items()})
    body = {k: v for k, v in extra.items() if not k.startswith("_")}
    return (kind or DomainError)(wire_code(key), message, status, **body)


# Stable codes and French messages for the framework's own refusals.
HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "La requête est mal formée."),
    401: ("unauthorized", "Vous devez vous connecter pour accéder à cette page."),
    403: ("forbidden", "Vous n'avez pas accès à cette page ou à cette action."),
    404: ("not_found", "Cette page n'existe pas."),
    405: ("method_not_allowed", "Cette action n'est pas possible ici."),
    413: ("too_large", "La requête est trop volumineuse."),
    429: ("rate_limited", "Trop de tentatives. Patientez un moment puis réessayez."),
    500: (
        "internal",
        "Une erreur inattendue s'est produite. Réessayez ; si elle persiste, contactez le support.",
    ),
    503: ("unavailable", "Le service est momentanément indisponible."),
}
CSRF_MESSAGE = "Le formulaire a expiré ou n'est pas valide. Rechargez la page, puis recommencez."
INVALID = ("invalid", "Certaines données sont invalides ou manquantes.")
MALFORMED_JSON = ("malformed_json", "Le corps de la requête n'est pas un JSON valide.")
OUT_OF_RANGE = ("out_of_range", "Une valeur saisie est hors des limites acceptées.")
# The framework's answers beyond HTTP_CODES, by (status, code): for the OpenAPI document.
FRAMEWORK_MESSAGES = {
    (400, INVALID[0]): INVALID[1],
    (400, MALFORMED_JSON[0]): MALFORMED_JSON[1],
    (403, "csrf_failed"): CSRF_MESSAGE,
    (422, OUT_OF_RANGE[0]): OUT_OF_RANGE[1],
    **{(status, code): message for status, (code, message) in HTTP_CODES.items()},
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _respond(
    request: Request,
    status: int,
    code: str,
    message: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if is_api(request):
        body = {"error": code, "message": message, **(extra or {})}
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    return Template(
        template_name="passnum/error.html",
        context={"status": status, "code": code, "message": message, **(extra or {})},
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    return _respond(request, exc.status_code, exc.code, exc.message, exc.extra)


def http_error_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, NotAuthorizedException) and not is_api(request):
        return Redirect(path=f"/login?next={request.url.path}")
    code, message = HTTP_CODES.get(status, ("error", "La requête n'a pas pu aboutir."))
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException):
        code, message = INVALID
        if isinstance(exc.extra, list):
            extra["details"] = [
                {"key": e.get("key"), "message": e.get("message")}
                for e in exc.extra
                if isinstance(e, dict)
            ]
    elif status == 403 and "csrf" in str(exc.detail).lower():
        code, message = "csrf_failed", CSRF_MESSAGE
    elif status == 400 and exc.detail and "json" in str(exc.detail).lower():
        code, message = MALFORMED_JSON
    headers = dict(exc.headers or {})
    if status == 429 and "RateLimit-Reset" in headers:
        headers["Retry-After"] = str(headers["RateLimit-Reset"])
    return _respond(request, status, code, message, extra, headers=headers)


def out_of_range_handler(request: Request, exc: Exception) -> Response:
    """A number too large for the database (an id of 30 digits…) is bad input, not a crash."""
    return _respond(request, 422, *OUT_OF_RANGE)


class PassnumRequest(Request):
    """Litestar's request, except that JSON nested too deep for the decoder (a thousand ``[``)
    is malformed input (400 ``malformed_json``), not a RecursionError answered 500."""

    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError:
            raise ClientException("Malformed JSON: nested too deep") from None


def static_path_not_found(request: Request, exc: ValueError) -> Response:
    """A static path the file system cannot even look up (a NUL byte: ``/static/a%00.css``)
    names no file: 404, like any other missing one."""
    return http_error_handler(request, NotFoundException())


# A unique index refused a value a concurrent request took between the service's check and its
# insert. Each app names its unique columns with the refusal its check gives (``UNIQUE_REFUSALS``
# in its errors module, gathered by the composition root); any other unique index gets this.
UNIQUE_FALLBACK = (
    "duplicate",
    "Cette valeur vient d'être enregistrée par une autre demande : elle existe déjà. "
    "Rechargez la page pour la voir.",
)
UniqueRefusals = Mapping[tuple[str, str], tuple[str, str]]


def violated_unique(exc: Exception) -> tuple[str, str] | None:
    """``(table, "column[,column…]")`` of the unique index a write hit, on either engine, or
    ``("index", name)`` for a unique index on an expression, or None when the error is something
    else (a foreign key, a NOT NULL…)."""
    if isinstance(exc, asyncpg.exceptions.UniqueViolationError):
        # The server's fields, which asyncpg sets on the error without declaring them.
        detail, constraint, table = (
            getattr(exc, field, None) for field in ("detail", "constraint_name", "table_name")
        )
        match = re.match(r"Key \(([^)]*)\)=", detail or "")
        if match is None and constraint:  # an index on an expression, e.g. lower(serial)
            return ("index", constraint)
        columns = match[1].replace(" ", "").replace('"', "") if match else ""
        return (table or "", columns)
    if isinstance(exc, sqlite3.IntegrityError):
        named = re.match(r"UNIQUE constraint failed: index '([^']+)'", str(exc))
        if named:
            return ("index", named[1])
        match = re.match(r"UNIQUE constraint failed: (.+)", str(exc))
        if match:
            pairs = [p.strip().split(".", 1) for p in match[1].split(",")]
            return (pairs[0][0], ",".join(p[-1] for p in pairs))
    return None


def unique_violation_handler(
    refusals: UniqueRefusals,
) -> Callable[[Request, Exception], Response]:
    """The handler answering a lost race on a unique value with its rule's 409."""

    def handler(request: Request, exc: Exception) -> Response:
        where = violated_unique(exc)
        if where is None:
            return internal_error_handler(request, exc)
        code, message = refusals.get(where, UNIQUE_FALLBACK)
        logger.info("Unique value taken meanwhile on %s.%s: %s", *where, code)
        return _respond(request, 409, code, message)

    return handler


def integrity_handlers(refusals: UniqueRefusals) -> dict[type[Exception], Any]:
    """Exception handlers for both engines' integrity errors."""
    handler = unique_violation_handler(refusals)
    return {
        asyncpg.exceptions.UniqueViolationError: handler,
        sqlite3.IntegrityError: handler,
    }


def internal_error_handler(request: Request, exc: Exception) -> Response:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path)
    code, message = HTTP_CODES[500]
    return _respond(request, HTTP_500_INTERNAL_SERVER_ERROR, code, message)


def unreachable_database_handler(request: Request, exc: Exception) -> Response:
    """The database cannot be reached: 503 ``unavailable`` until it is back (passnum.db)."""
    if not is_unreachable(exc):
        return internal_error_handler(request, exc)
    logger.warning("Database unreachable on %s %s: %s", request.method, request.url.path, exc)
    code, message = HTTP_CODES[503]
    return _respond(request, 503, code, message, headers={"Retry-After": "5"})


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    OverflowError: out_of_range_handler,  # SQLite: integer beyond 64 bits
    asyncpg.exceptions.DataError: out_of_range_handler,  # PostgreSQL: the same, or a year 0
    # The database is down or unreachable (each checked by is_unreachable).
    ConnectionError: unreachable_database_handler,
    socket.gaierror: unreachable_database_handler,
    TimeoutError: unreachable_database_handler,
    asyncpg.PostgresConnectionError: unreachable_database_handler,
    asyncpg.CannotConnectNowError: unreachable_database_handler,
    asyncpg.ConnectionDoesNotExistError: unreachable_database_handler,
    sqlite3.OperationalError: unreachable_database_handler,
    Exception: internal_error_handler,
}
