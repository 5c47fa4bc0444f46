"""Helpers for the generated OpenAPI document: the error body, local timestamps.

Every error answer has one JSON shape (``ERROR_BODY``, component ``Error``); the codes each
operation can answer are added by the composition root (``composition.openapi_errors``).
"""

from __future__ import annotations

from litestar.openapi.spec import OpenAPI, Schema
from litestar.openapi.spec.enums import OpenAPIType

ERROR_BODY = Schema(
    type=OpenAPIType.OBJECT,
    required=["error", "message"],
    properties={
        "error": Schema(type=OpenAPIType.STRING, description="Code stable (ex. already_redeemed)"),
        "message": Schema(type=OpenAPIType.STRING, description="Message en français"),
    },
    additional_properties=True,
)


LOCAL_DATETIME = "Date et heure locales du service, ISO 8601 sans fuseau (ex. 2026-11-26T09:30:00)"


def document_local_datetimes(node: object) -> None:
    """Timestamps are stored and returned as the service's local time, without an offset.

    RFC 3339 ``date-time`` requires an offset, so documenting them as such would be untrue; they
    are documented as strings with their exact shape instead.
    """
    if isinstance(node, Schema):
        if node.format == "date-time":
            node.format = None
            node.description = node.description or LOCAL_DATETIME
            node.pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$"
        children = [
            *(node.properties or {}).values(),
            *(node.one_of or []),
            *(node.any_of or []),
            *(node.all_of or []),
            node.items,
        ]
        for child in children:
            document_local_datetimes(child)


def document_local_datetimes_in(schema: OpenAPI) -> None:
    for component in (schema.components.schemas or {}).values():
        document_local_datetimes(component)
