"""Helpers for the generated OpenAPI document: the error body, times.

Every error answer has one JSON shape (``ERROR_BODY``, component ``Error``); the codes each
operation can answer are added by the composition root (``composition.openapi_errors``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.openapi.spec import OpenAPI, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from passnum import clock

ERROR_BODY = Schema(
    type=OpenAPIType.OBJECT,
    required=["error", "message"],
    properties={
        "error": Schema(type=OpenAPIType.STRING, description="Code stable (ex. already_redeemed)"),
        "message": Schema(type=OpenAPIType.STRING, description="Message en français"),
    },
    additional_properties=True,
)


# What the document says of a time. Answers: RFC 3339 ``date-time``, offset required (stored times
# get the operator's offset on the way out, ``clock.WithOffsets``). What clients send: the offset
# may be left out, the time is then the operator's wall clock (``clock.to_stored``).
ANSWER_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$"
INPUT_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$"


def answer_datetime() -> str:
    example = clock.aware(datetime(2026, 11, 26, 9, 30)).isoformat()
    return (
        f"Date et heure RFC 3339 avec son décalage horaire, dans le fuseau du service "
        f"({clock.zone().key}) (ex. {example})"
    )


def input_datetime() -> str:
    example = clock.aware(datetime(2026, 11, 26, 9, 30)).isoformat()
    return (
        f"Date et heure ISO 8601 ; le décalage horaire est facultatif : sans lui, l'heure est lue "
        f"dans le fuseau du service, {clock.zone().key} (PASSNUM_TIMEZONE) "
        f"(ex. {example} ou {example[:19]})"
    )


def _document_times(node: object, schemas: dict[str, Any], *, sent: bool, seen: set[str]) -> None:
    """Describe every time under ``node`` as an answer's or as what a client sends (``sent``),
    following references into the components."""
    if isinstance(node, Reference):
        name = node.ref.rsplit("/", 1)[-1]
        if name not in seen and name in schemas:
            seen.add(name)
            _document_times(schemas[name], schemas, sent=sent, seen=seen)
        return
    if not isinstance(node, Schema):
        return
    if node.format == OpenAPIFormat.DATE_TIME or node.pattern in (ANSWER_PATTERN, INPUT_PATTERN):
        if sent:  # RFC 3339 "date-time" requires the offset a client may leave out
            node.format, node.pattern, node.description = None, INPUT_PATTERN, input_datetime()
        elif node.pattern != INPUT_PATTERN:  # a schema also sent keeps the lenient description
            node.format, node.pattern = OpenAPIFormat.DATE_TIME, ANSWER_PATTERN
            node.description = answer_datetime()
        return
    additional = node.additional_properties
    for child in [
        *(node.properties or {}).values(),
        *(node.one_of or []),
        *(node.any_of or []),
        *(node.all_of or []),
        *(node.prefix_items or []),
        node.items,
        additional if isinstance(additional, Schema | Reference) else None,
    ]:
        _document_times(child, schemas, sent=sent, seen=seen)


def document_times_in(schema: OpenAPI) -> None:
    """Times in answers are documented as RFC 3339 with their offset; times in request bodies and
    parameters as ISO 8601 whose offset may be left out (read in the operator's zone)."""
    schemas = dict((schema.components.schemas or {}) if schema.components else {})
    operations = [
        operation
        for item in (schema.paths or {}).values()
        for operation in (item.get, item.put, item.post, item.delete, item.patch)
        if operation is not None
    ]
    answered, sent = set[str](), set[str]()
    for operation in operations:  # answers first: a schema both answered and sent ends lenient
        for response in (operation.responses or {}).values():
            for media in (getattr(response, "content", None) or {}).values():
                _document_times(media.schema, schemas, sent=False, seen=answered)
    for operation in operations:
        for media in (getattr(operation.request_body, "content", None) or {}).values():
            _document_times(media.schema, schemas, sent=True, seen=sent)
        for parameter in operation.parameters or []:
            _document_times(getattr(parameter, "schema", None), schemas, sent=True, seen=sent)
