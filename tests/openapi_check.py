"""Check a real answer against the schema the OpenAPI document gives for it.

``await assert_documented(client, response)`` finds the operation the request went to (method and
path template), takes the documented schema of the answer's status code and validates the JSON
body with it: a story test then proves, on real data, that what the API answers is what the
document promises (schemathesis does the same on generated requests, mostly without data).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from litestar.testing import AsyncTestClient

_documents: dict[int, dict[str, Any]] = {}


async def _document(client: AsyncTestClient) -> dict[str, Any]:
    key = id(client.app)
    if key not in _documents:
        _documents[key] = (await client.get("/schema/openapi.json")).json()
    return _documents[key]


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    # A concrete path wins over a templated one (/exports/statistics before /exports/{name}).
    for template, item in sorted(document["paths"].items(), key=lambda t: t[0].count("{")):
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path}: not in the OpenAPI document")


async def assert_documented(client: AsyncTestClient, response: httpx.Response) -> Any:
    """The answer's JSON, after checking it against its documented schema."""
    document = await _document(client)
    request = response.request
    operation = _operation(document, request.method, request.url.path)
    answer = operation["responses"].get(str(response.status_code))
    assert answer, f"{request.method} {request.url.path}: {response.status_code} not documented"
    media = answer["content"]["application/json"]
    schema = {**media["schema"], "components": document["components"]}
    body = response.json()
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, "\n".join(
        f"{request.method} {request.url.path}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in errors[:10]
    )
    return body
