"""Times in the API: answers carry their offset, bodies may leave it out, the document says so.

Times are stored as the operator's wall clock (Paris, ``PASSNUM_TIMEZONE``) without an offset;
every answer gives them back with it (``2027-02-01T00:30:00+01:00``): each answer type holding a
datetime inherits ``clock.WithOffsets``. A client may send a time with an offset (converted) or
without (read as Paris time). The OpenAPI document describes both, apart: RFC 3339 ``date-time``
with an offset for answers, an optional offset for what clients send.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from datetime import datetime
from typing import Any

import msgspec
from litestar.response import Response
from litestar.routes import HTTPRoute

from passnum import clock
from tests.conftest import _shared_app

API = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")


def answer_types(annotation: Any) -> typing.Iterator[type]:
    """The Structs and dataclasses an answer annotation can hold, at any depth."""
    seen: set[Any] = set()

    def walk(tp: Any) -> typing.Iterator[type]:
        if tp in seen:
            return
        seen.add(tp)
        if isinstance(tp, type) and (
            issubclass(tp, msgspec.Struct) or dataclasses.is_dataclass(tp)
        ):
            yield tp
            for field_type in typing.get_type_hints(tp).values():
                yield from walk(field_type)
        for arg in typing.get_args(tp):
            yield from walk(arg)

    yield from walk(annotation)


def holds_a_time(tp: type) -> list[str]:
    return [
        name
        for name, field_type in typing.get_type_hints(tp).items()
        if not name.startswith("_")
        and (field_type is datetime or datetime in typing.get_args(field_type))
    ]


def test_every_answer_type_holding_a_time_gives_it_the_operators_offset() -> None:
    answers: dict[type, set[str]] = {}
    for route in _shared_app().routes:
        if not (isinstance(route, HTTPRoute) and route.path.startswith(API)):
            continue
        for handler in route.route_handlers:
            annotation = handler.parsed_fn_signature.return_type.annotation
            if typing.get_origin(annotation) is Response:
                annotation = typing.get_args(annotation)[0]
            for tp in answer_types(annotation):
                if holds_a_time(tp):
                    answers.setdefault(tp, set()).add(
                        f"{sorted(handler.http_methods)} {route.path}"
                    )
    assert len(answers) >= 30, sorted(t.__name__ for t in answers)  # the walk found the answers
    without = [
        f"{tp.__module__}.{tp.__qualname__} {holds_a_time(tp)} (answered by {sorted(routes)[0]})"
        for tp, routes in answers.items()
        if not issubclass(tp, clock.WithOffsets)
    ]
    assert not without, "answer types whose times would leave without an offset:\n" + "\n".join(
        sorted(without)
    )


def test_with_offsets_gives_a_stored_time_its_paris_offset_in_structs_and_dataclasses() -> None:
    class Seen(msgspec.Struct, clock.WithOffsets):
        at: datetime
        other: datetime | None = None

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Row(clock.WithOffsets):
        le: datetime

    winter, summer = datetime(2027, 2, 1, 0, 30), datetime(2027, 7, 1, 0, 30)
    assert msgspec.json.encode(Seen(winter, summer)) == (
        b'{"at":"2027-02-01T00:30:00+01:00","other":"2027-07-01T00:30:00+02:00"}'
    )
    assert msgspec.json.encode(Row(le=winter)) == b'{"le":"2027-02-01T00:30:00+01:00"}'
    assert msgspec.convert({"at": "2027-02-01T00:30:00"}, Seen).at == clock.aware(winter)


# --- The document ------------------------------------------------------------------------------


def _time_schemas(
    node: Any, components: dict[str, Any], where: str, seen: frozenset[str]
) -> typing.Iterator[tuple[str, dict[str, Any]]]:
    """Every schema of a time under ``node`` (following $ref): (where, schema)."""
    if isinstance(node, list):
        for child in node:
            yield from _time_schemas(child, components, where, seen)
        return
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _time_schemas(components[name], components, name, seen | {name})
        return
    if node.get("type") == "string" and (
        node.get("format") == "date-time" or "T" in str(node.get("pattern", ""))
    ):
        yield where, node
        return
    for key in ("properties", "items", "oneOf", "anyOf", "allOf", "additionalProperties"):
        child = node.get(key)
        if key == "properties" and isinstance(child, dict):
            for name, prop in child.items():
                yield from _time_schemas(prop, components, f"{where}.{name}", seen)
        elif child is not None:
            yield from _time_schemas(child, components, where, seen)


async def _document_times(client) -> tuple[dict[str, dict], dict[str, dict]]:
    """The times of answers and the times clients send, as the served document describes them."""
    document = (await client.get("/schema/openapi.json")).json()
    components = document["components"]["schemas"]
    answers: dict[str, dict] = {}
    inputs: dict[str, dict] = {}
    for path, item in document["paths"].items():
        if not path.startswith(API):
            continue
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            for status, answer in operation.get("responses", {}).items():
                for media in answer.get("content", {}).values():
                    for where, schema in _time_schemas(
                        media.get("schema"), components, "", frozenset()
                    ):
                        answers[f"{method.upper()} {path} {status} {where}"] = schema
            sent = [
                media.get("schema")
                for media in operation.get("requestBody", {}).get("content", {}).values()
            ] + [p.get("schema") for p in operation.get("parameters", [])]
            for where, schema in _time_schemas(sent, components, "", frozenset()):
                inputs[f"{method.upper()} {path} {where}"] = schema
    return answers, inputs


async def test_the_document_says_answers_carry_their_offset_and_bodies_may_leave_it_out(client):
    answers, inputs = await _document_times(client)
    assert len(answers) >= 40, list(answers)
    for where, schema in answers.items():
        assert schema.get("format") == "date-time", where  # RFC 3339: the offset is required
        assert "2026-11-26T09:30:00+01:00" in schema.get("description", ""), (where, schema)
        assert "sans fuseau" not in schema.get("description", ""), where
        pattern = re.compile(schema["pattern"])
        assert pattern.search("2027-02-01T00:30:00+01:00") and pattern.search(
            "2027-01-31T23:30:00Z"
        )
        assert not pattern.search("2027-02-01T00:30:00"), (where, "a time without offset passes")

    # The one time clients send today: an offline scan's phone clock.
    assert any("/api/v1/redemptions/batch" in where and "scanned_at" in where for where in inputs)
    for where, schema in inputs.items():
        assert schema.get("format") != "date-time", where  # it would require the offset
        description = schema.get("description", "")
        assert "facultatif" in description and "Europe/Paris" in description, (where, description)
        pattern = re.compile(schema["pattern"])
        assert pattern.search("2027-02-01T00:30:00") and pattern.search("2027-01-31T23:30:00Z")
        assert pattern.search("2027-02-01T00:30:00+01:00"), where

    def components_of(places: dict[str, dict]) -> set[str]:
        return {w.rsplit(" ", 1)[-1].split(".")[0] for w in places} - {""}

    shared = components_of(answers) & components_of(inputs)
    assert not shared, f"one schema both answered and sent, documented once: {shared}"
