"""What Litestar cannot guess from a handler's signature, stated on the handler itself.

A handler that reads its body by hand (a signed PDF to check, a CSV file to import, a multipart
form with a logo) has no ``data`` parameter, so the generated document would show no body at all;
a handler that answers a file (a PDF, a CSV) would be documented as JSON. Both are declared with
``operation_class=`` on the route, next to the code that reads or writes the bytes::

    @post("/check", operation_class=raw_body("application/pdf", "Le PDF signé"))
    @get("/slip.pdf", operation_class=file_answer("application/pdf"))
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    RequestBody,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

BINARY = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)


TEXT = Schema(type=OpenAPIType.STRING)


def form(required: tuple[str, ...] = (), **fields: Schema) -> Schema:
    """A multipart form's fields (files: ``BINARY``), for :func:`raw_body`."""
    return Schema(type=OpenAPIType.OBJECT, properties={**fields}, required=list(required) or None)


def raw_body(media_type: str, description: str, schema: Schema = BINARY) -> type[Operation]:
    """The operation of a handler that reads its body itself: its media type and shape."""

    @dataclass
    class WithRawBody(Operation):
        def __post_init__(self) -> None:
            self.request_body = RequestBody(
                content={media_type: OpenAPIMediaType(schema=schema)},
                description=description,
                required=True,
            )

    return WithRawBody


def file_answer(media_type: str) -> type[Operation]:
    """The operation of a handler whose success answer is a file (bytes), not JSON."""

    @dataclass
    class WithFileAnswer(Operation):
        def __post_init__(self) -> None:
            for status, answer in (self.responses or {}).items():
                if status.startswith("2") and isinstance(answer, OpenAPIResponse):
                    answer.content = {media_type: OpenAPIMediaType(schema=BINARY)}

    return WithFileAnswer
