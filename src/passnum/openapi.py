"""Document the error answers every API operation can give, in one place.

Handlers raise DomainError or framework exceptions that all share one JSON shape; declaring them
per handler would repeat the same lines everywhere, so they are added to the generated schema.
"""

from __future__ import annotations

from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, Schema
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
ERROR_STATUSES = {
    "400": "Requête mal formée",
    "401": "Authentification requise ou jeton invalide",
    "403": "Accès refusé",
    "404": "Introuvable",
    "409": "Conflit avec l'état actuel",
    "413": "Requête trop volumineuse",
    "422": "Données invalides",
    "429": "Trop de requêtes",
}


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


def document_errors(schema: OpenAPI) -> None:
    for path_item in (schema.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(path_item, method, None)
            if operation is None:
                continue
            responses = operation.responses if operation.responses is not None else {}
            for status, description in ERROR_STATUSES.items():
                responses[status] = OpenAPIResponse(
                    description=description,
                    content={"application/json": OpenAPIMediaType(schema=ERROR_BODY)},
                )
            operation.responses = responses
    for component in (schema.components.schemas or {}).values():
        document_local_datetimes(component)
