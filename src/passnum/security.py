"""HTTP hardening: security headers, rate limits shared by all workers, production checks."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import click
from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, RateLimitMiddleware, get_remote_address
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.memory import MemoryStore
from litestar.types import Message, Scope

from passnum.auth.middleware import request_path
from passnum.rate_limit_db import DatabaseRateLimits, Limit
from passnum.settings import DEFAULT_SECRET_KEY, Settings, get_settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(self), microphone=(), geolocation=()",
}


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Litestar ``before_send`` hook: every response, errors and static files included."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if request_path(scope).startswith("/admin"):
            # piccolo-admin's single-page app needs inline styles; it still may not be framed.
            headers["content-security-policy"] = ADMIN_CONTENT_SECURITY_POLICY
        if get_settings().https:
            headers.setdefault("strict-transport-security", "max-age=31536000")


POSTGRES_SCHEMES = ("postgres://", "postgresql://")
# The demo accounts' domain (organisations.demo creates them): refused as active in production.
DEMO_EMAIL_DOMAIN = "demo.passnum.fr"


# Rate limits. A route opts in with opt={"rate_limit": "login"}, "code", "reset", "form" or
# "scan".
def _account_or_address(request: Request) -> str:
    """The authenticated account (set by the authentication middleware, which runs first), else
    the caller's address: however the Authorization header is spelled, whichever token or session
    of the account is used, and whatever made-up session cookie comes along, one account, or one
    anonymous address, has one quota."""
    actor = request.scope.get("user")
    if actor is not None:
        return f"account:{actor.user_id}"
    return get_remote_address(request)


# The class names are the counters' key prefixes, in the database as in a Store.
class LoginAddressLimit(RateLimitMiddleware):
    """Login attempts per IP address (per-account attempts lock the account, see passwords)."""


class CodeAddressLimit(RateLimitMiddleware):
    """Second-factor codes typed at login per IP address (each also counts on the account's
    lock-out, with the passwords)."""


class ResetAddressLimit(RateLimitMiddleware):
    """Password-reset requests per IP address (each account also gets few links an hour)."""


class FormAddressLimit(RateLimitMiddleware):
    """Anonymous forms (an application to become a qualified site) per IP address."""


class ScanAddressLimit(RateLimitMiddleware):
    """Cheque look-ups and redemptions per IP address."""


class ScanAccountLimit(RateLimitMiddleware):
    """Cheque look-ups and redemptions per account."""


def rate_limits(settings: Settings) -> list[Limit]:
    return [
        Limit("LoginAddressLimit", "login", settings.rate_login_per_minute, get_remote_address),
        Limit("CodeAddressLimit", "code", settings.rate_login_per_minute, get_remote_address),
        Limit("ResetAddressLimit", "reset", settings.rate_login_per_minute, get_remote_address),
        Limit("FormAddressLimit", "form", settings.rate_login_per_minute, get_remote_address),
        Limit("ScanAddressLimit", "scan", settings.rate_scan_per_minute * 4, get_remote_address),
        Limit("ScanAccountLimit", "scan", settings.rate_scan_per_minute, _account_or_address),
    ]


def rate_limit_store_kind(settings: Settings) -> str:
    """PASSNUM_RATE_LIMIT_STORE when set (memory, file, redis://…, database); otherwise the
    database with PostgreSQL (shared by all machines, one statement per request) and files with
    SQLite (one machine anyway)."""
    if os.environ.get("PASSNUM_RATE_LIMIT_STORE", "").strip():
        return settings.rate_limit_store
    return "database" if settings.database_url.startswith(POSTGRES_SCHEMES) else "file"


def rate_limit_middleware(settings: Settings) -> list[DefineMiddleware]:
    limits = rate_limits(settings)
    if rate_limit_store_kind(settings) == "database":
        return [DefineMiddleware(DatabaseRateLimits, limits=limits)]
    classes = {
        cls.__name__: cls
        for cls in (
            LoginAddressLimit,
            CodeAddressLimit,
            FormAddressLimit,
            ResetAddressLimit,
            ScanAddressLimit,
            ScanAccountLimit,
        )
    }
    return [
        RateLimitConfig(
            rate_limit=("minute", limit.per_minute),
            check_throttle_handler=_route_declares(limit.kind),
            identifier_for_request=limit.identify,
            middleware_class=classes[limit.name],
            store="rate_limit",
        ).middleware
        for limit in limits
    ]


def _route_declares(kind: str) -> Any:
    async def applies(request: Request) -> bool:
        handler = request.scope.get("route_handler")
        return handler is not None and handler.opt.get("rate_limit") == kind

    return applies


def rate_limit_store(settings: Settings) -> Store:
    """Shared by every worker: Redis if configured, else files in the data folder. (The
    database counters do not use a Store; the app still needs one under that name.)"""
    kind = rate_limit_store_kind(settings)
    if kind.startswith(("redis://", "rediss://")):
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=kind)
    if kind in ("memory", "database"):
        return MemoryStore()
    return FileStore(settings.data_dir / "rate-limits", create_directories=True)


def refuse_unsafe_production() -> None:
    """In production mode, refuse to start with the default secret key, without a public address
    (printed in QR codes, receipts, labels and calendar links) or with demo accounts."""
    settings = get_settings()
    if not settings.production:
        return
    if settings.secret_key == DEFAULT_SECRET_KEY:
        click.echo(
            "Refus de démarrer : PASSNUM_SECRET_KEY doit être défini en production.", err=True
        )
        sys.exit(2)
    if not settings.public_url_set:
        click.echo(
            "Refus de démarrer : PASSNUM_PUBLIC_URL doit être défini en production "
            "(l'adresse publique imprimée dans les QR codes, reçus, étiquettes et agendas, "
            "par exemple https://passnum.manche.fr).",
            err=True,
        )
        sys.exit(2)
    if settings.fake_now:
        click.echo(
            "Refus de démarrer : PASSNUM_FAKE_NOW (horloge déplacée pour les tests) est interdit "
            "en production.",
            err=True,
        )
        sys.exit(2)
    demo_accounts = asyncio.run(_active_demo_accounts())
    if demo_accounts:
        click.echo(
            "Refus de démarrer : des comptes de démonstration sont actifs en production "
            f"({', '.join(demo_accounts)}). Désactivez-les avec `passnum user deactivate EMAIL`.",
            err=True,
        )
        sys.exit(2)


async def _active_demo_accounts() -> list[str]:
    from piccolo.apps.user.tables import BaseUser

    rows = await BaseUser.select(BaseUser.email).where(
        BaseUser.email.like(f"%@{DEMO_EMAIL_DOMAIN}") & BaseUser.active.eq(True)
    )
    return [r["email"] for r in rows]
