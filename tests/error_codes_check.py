"""Every error the API answers during the tests is listed for its operation in the OpenAPI document.

The kernel's error handlers all answer through ``passnum.errors._respond``; while the tests run it
also records, for an API request, the operation (method and path template) and the code and status
answered. After each test, every answer of an operation the document describes must be among the
codes the document lists for it (``composition.openapi_errors``, read from the code): otherwise the
test fails, naming the operation and the code. The document is the one the app publishes at
``/schema/openapi.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from passnum.error_codes import Code

_answered: list[tuple[Any, str, str, Code]] = []
# By app id, with the app kept so that its id is not reused (the tests build a handful of apps).
_documents: dict[int, tuple[Any, dict[tuple[str, str], set[Code]]]] = {}


def _install() -> None:
    from passnum import errors

    original = errors._respond
    if getattr(original, "records_answers", False):
        return

    def respond(request: Any, status: int, code: str, *args: Any, **kwargs: Any) -> Any:
        template = request.scope.get("path_template")
        if errors.is_api(request) and template:
            _answered.append((request.app, request.method.lower(), template, Code(status, code)))
        return original(request, status, code, *args, **kwargs)

    respond.records_answers = True  # type: ignore[attr-defined]
    errors._respond = respond


def documented(app: Any) -> dict[tuple[str, str], set[Code]]:
    """The codes ``app``'s published document lists, per (method, path)."""
    from composition.openapi_errors import documented_codes

    if id(app) not in _documents:
        try:
            schema = app.openapi_schema.to_schema()
        except Exception:  # an app without a document: nothing to compare
            schema = {}
        _documents[id(app)] = (app, documented_codes(schema))
    return _documents[id(app)][1]


def undocumented(answered: list[tuple[Any, str, str, Code]]) -> list[str]:
    """Answers whose code the document does not list for their operation."""
    problems = []
    for app, method, template, code in answered:
        path = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", template)
        listed = documented(app).get((method, path))
        if listed is None:
            continue  # not in the document (pages, routes hidden from it)
        if code not in listed:
            problems.append(f"{method.upper()} {path} answered {code.status} {code.code!r}")
    return sorted(set(problems))


@pytest.fixture(autouse=True)
def error_codes_documented() -> Iterator[None]:
    _install()
    start = len(_answered)
    yield
    problems = undocumented(_answered[start:])
    del _answered[start:]
    if problems:
        pytest.fail(
            "The API answered error codes its OpenAPI document does not list for the operation "
            "(composition/openapi_errors.py reads them from the code: raise them through the "
            "app's errors.refuse, or name computed codes with « # refuses: … »):\n  "
            + "\n  ".join(problems),
            pytrace=False,
        )
