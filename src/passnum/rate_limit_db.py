"""Rate-limit counters in PostgreSQL, shared by every worker on every machine.

Litestar's RateLimitMiddleware keeps, per key, the list of request times in a Store and reads
then rewrites it (two store calls per limit, under a per-process lock; with the file store that
is a temporary file and a rename each time, and the list grows with the limit). Its decision is a
fixed window: the list is dropped when the window that started with the first request ends. Here
that same fixed window is one atomic statement per request, whatever the number of limits on the
route (a scan counts per account and per address): an UNLOGGED table (counters need no crash
safety) upserted with ``INSERT … ON CONFLICT … DO UPDATE … RETURNING``. The window uses the
database clock, so workers on several machines agree on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import DURATION_VALUES, RateLimitConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from piccolo.engine.postgres import PostgresEngine

from passnum import clock, db
from passnum.tables import ApiToken

CREATE_SQL = """
CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_counter (
    key text PRIMARY KEY,
    hits bigint NOT NULL,
    reset_at bigint NOT NULL
)
"""
# $1 keys, $2 windows in seconds. A key whose window has ended starts again at 1. now() is the
# statement's start time, the same in every expression. Keys are sorted by the caller, so two
# requests locking the same counters lock them in the same order.
HIT_SQL = """
INSERT INTO rate_limit_counter AS c (key, hits, reset_at)
SELECT key, 1, floor(extract(epoch FROM now()))::bigint + window_seconds
FROM unnest($1::text[], $2::bigint[]) AS hit(key, window_seconds)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.reset_at <= floor(extract(epoch FROM now())) THEN 1 ELSE c.hits + 1 END,
    reset_at = CASE WHEN c.reset_at <= floor(extract(epoch FROM now())) THEN excluded.reset_at
                    ELSE c.reset_at END
RETURNING key, hits, reset_at - floor(extract(epoch FROM now()))::bigint AS reset_in
"""
PURGE_SQL = "DELETE FROM rate_limit_counter WHERE reset_at < floor(extract(epoch FROM now()))"
PURGE_EVERY = 10_000  # requests per process between two purges of ended windows
_requests = itertools.count(1)


@dataclass(slots=True)
class Count:
    hits: int  # requests in the window, this one included
    reset: int  # epoch second (local clock) when the window ends


@dataclass(frozen=True)
class Limit:
    """A limit on the routes that declare ``opt={"rate_limit": kind}``."""

    name: str  # the counters' key prefix
    kind: str
    per_minute: int
    identify: Callable[[Request], str]  # whose requests are counted together

    def headers(self, count: Count) -> dict[str, str]:
        """The IETF draft RateLimit headers, named as Litestar's RateLimitConfig names them."""
        return {
            _NAMES.rate_limit_policy_header_key: f"{self.per_minute}; w={WINDOW}",
            _NAMES.rate_limit_limit_header_key: str(self.per_minute),
            _NAMES.rate_limit_remaining_header_key: str(max(self.per_minute - count.hits, 0)),
            _NAMES.rate_limit_reset_header_key: str(
                count.reset - int(clock.real_utc_now().timestamp())
            ),
        }


WINDOW = DURATION_VALUES["minute"]
_NAMES = RateLimitConfig(rate_limit=("minute", 1))  # built once: only its header names are read


async def hit(keys: list[str], window: int = WINDOW) -> dict[str, Count]:
    """Count one request against each key, atomically; the counts, this request included."""
    if not db.is_postgres():  # pragma: no cover - chosen for PostgreSQL only
        raise TypeError("The database rate-limit store needs PostgreSQL.")
    engine = cast(PostgresEngine, ApiToken._meta.db)  # any table: they share the engine
    purge = next(_requests) % PURGE_EVERY == 0
    keys = sorted(set(keys))
    if engine.pool is not None:
        async with engine.pool.acquire() as connection:
            return await _hit(connection, keys, window, purge)
    connection = await engine.get_new_connection()
    try:
        return await _hit(connection, keys, window, purge)
    finally:
        await connection.close()


async def _hit(connection: Any, keys: list[str], window: int, purge: bool) -> dict[str, Count]:
    windows = [window] * len(keys)
    try:
        rows = await connection.fetch(HIT_SQL, keys, windows)
    except asyncpg.UndefinedTableError:
        try:
            await connection.execute(CREATE_SQL)
        except (
            asyncpg.UniqueViolationError,
            asyncpg.DuplicateObjectError,
            asyncpg.DuplicateTableError,
        ):
            pass  # another worker created it at the same moment
        rows = await connection.fetch(HIT_SQL, keys, windows)
    if purge:
        await connection.execute(PURGE_SQL)
    now = int(clock.real_utc_now().timestamp())
    return {row["key"]: Count(row["hits"], now + row["reset_in"]) for row in rows}


class DatabaseRateLimits:
    """ASGI middleware counting every limit of the route in PostgreSQL, in one statement.

    Same keys, window, 429 and Retry-After as Litestar's RateLimitMiddleware; the headers are
    those of the limit closest to being reached.
    """

    def __init__(self, app: ASGIApp, limits: Sequence[Limit]) -> None:
        self.app, self.limits = app, tuple(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        kind = handler.opt.get("rate_limit") if handler is not None else None
        limits = [limit for limit in self.limits if limit.kind == kind] if kind else []
        if limits:
            request = scope["litestar_app"].request_class(scope)
            keys = [f"{limit.name}::{limit.identify(request)}" for limit in limits]
            counts = await hit(keys)
            limit, count = min(
                ((limit, counts[key]) for limit, key in zip(limits, keys, strict=True)),
                key=lambda pair: pair[0].per_minute - pair[1].hits,
            )
            headers = limit.headers(count)
            if count.hits > limit.per_minute:
                raise TooManyRequestsException(headers=headers)
            send = _with_headers(send, headers)
        await self.app(scope, receive, send)


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            for name, value in extra.items():
                headers[name] = value
        await send(message)

    return wrapped
