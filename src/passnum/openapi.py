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
