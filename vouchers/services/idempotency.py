"""Idempotent requests: the same user retrying with the same ``Idempotency-Key`` gets the original
response (success or refusal) instead of a second effect; a duplicate still in flight gets 409
``in_progress`` with ``Retry-After``. The first request claims the key with an insert that the
database refuses on conflict, so two simultaneous retries cannot both run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import msgspec

from passnum.clock import stamp
from passnum.errors import DomainError
from vouchers.errors import invalid, refuse
from vouchers.tables import IdempotencyRecord

ABANDONED_AFTER = timedelta(minutes=2)  # an in-flight claim older than this was a crash


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def error_body(error: DomainError) -> dict[str, Any]:
    """The API's error body, as passnum.errors renders a DomainError."""
    return {"error": error.code, "message": error.message, **error.extra}


async def _call(call: Callable[[], Awaitable[msgspec.Struct]], status_code: int) -> StoredResponse:
    try:
        result = await call()
    except DomainError as error:
        return StoredResponse(error.status_code, error_body(error))
    return StoredResponse(status_code, msgspec.to_builtins(result))


async def _claim(scope: str, fingerprint: str) -> StoredResponse | None:
    """None when this request now owns the key; otherwise what to answer instead."""
    claimed = (
        await IdempotencyRecord.insert(
            IdempotencyRecord(scope=scope, fingerprint=fingerprint, created_at=stamp())
        )
        .on_conflict(target=IdempotencyRecord.scope, action="DO NOTHING")
        .returning(IdempotencyRecord.id)
    )
    if claimed:
        return None
    record = (
        await IdempotencyRecord.select()
        .where(IdempotencyRecord.scope == scope)
        .output(load_json=True)
        .first()
    )
    if record is None:  # released by a failed first request meanwhile
        return await _claim(scope, fingerprint)
    if record["fingerprint"] != fingerprint:
        error = refuse("idempotency_key_reused")
        return StoredResponse(error.status_code, error_body(error))
    if record["status_code"] is not None:
        return StoredResponse(record["status_code"], record["body"])
    taken_over = (
        await IdempotencyRecord.update({IdempotencyRecord.created_at: stamp()})
        .where(
            (IdempotencyRecord.id == record["id"])
            & IdempotencyRecord.status_code.is_null()
            & (IdempotencyRecord.created_at < stamp() - ABANDONED_AFTER)
        )
        .returning(IdempotencyRecord.id)
    )
    if taken_over:
        return None
    error = refuse("in_progress")
    return StoredResponse(error.status_code, error_body(error), {"Retry-After": "1"})


async def run_idempotent(
    user_id: int,
    key: str | None,
    request_body: bytes | str,
    call: Callable[[], Awaitable[msgspec.Struct]],
    status_code: int = 201,
) -> StoredResponse:
    """Run ``call`` once per (user, key); without a key, just run it. Refusals are responses too.

    ``request_body`` tells a genuine retry from a different request reusing the key.
    """
    if key is None or not key.strip():
        return await _call(call, status_code)
    key = key.strip()
    if len(key) > 200:
        error = invalid(
            "Idempotency-Key", "La clé d'idempotence ne doit pas dépasser 200 caractères."
        )
        return StoredResponse(error.status_code, error_body(error))
    raw = request_body.encode() if isinstance(request_body, str) else request_body
    fingerprint = hashlib.sha256(raw).hexdigest()
    scope = f"{user_id}:{key}"
    if (answer := await _claim(scope, fingerprint)) is not None:
        return answer
    try:
        response = await _call(call, status_code)
    except BaseException:
        await IdempotencyRecord.delete().where(IdempotencyRecord.scope == scope)
        raise
    await IdempotencyRecord.update(
        {IdempotencyRecord.status_code: response.status_code, IdempotencyRecord.body: response.body}
    ).where(IdempotencyRecord.scope == scope)
    return response
