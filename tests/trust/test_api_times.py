"""Times in the API: answers carry their offset.

Times are stored as the operator's wall clock (Paris, ``PASSNUM_TIMEZONE``) without an offset;
every answer gives them back with it (``2027-02-01T00:30:00+01:00``): each answer type holding a
datetime inherits ``clock.WithOffsets``. A client may send a time with an offset (converted) or
without (read as Paris time). The OpenAPI document describes both, apart: RFC 3339 ``date-time``
with an offset for answers, an optional offset for what clients send.
"""

from __future__ import annotations

import dataclasses
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
