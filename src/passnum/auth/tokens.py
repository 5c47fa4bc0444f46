"""API tokens: shown once at creation, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from piccolo.apps.user.tables import BaseUser

from passnum import clock
from passnum.refusals import refuse
from passnum.tables import ApiToken

TOKEN_PREFIX = "pn_"  # noqa: S105 - a visible prefix, not a secret


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(email: str, label: str = "") -> str:
    """A new token for the user with this e-mail; the clear value is returned only here."""
    user = await BaseUser.objects().where(BaseUser.email == email.strip().lower()).first()
    if user is None:
        raise refuse("unknown_user", _email=email)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken(user=user.id, token_hash=digest(token), label=label).save()
    return token


async def revoke_token(token: str) -> bool:
    """Revoke one token (given in clear); True if it existed and was active."""
    rows = (
        await ApiToken.update({ApiToken.revoked_at: clock.stamp()})
        .where((ApiToken.token_hash == digest(token)) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return bool(rows)


async def revoke_all_tokens(email: str) -> int:
    user = await BaseUser.objects().where(BaseUser.email == email.strip().lower()).first()
    if user is None:
        raise refuse("unknown_user", _email=email)
    rows = (
        await ApiToken.update({ApiToken.revoked_at: clock.stamp()})
        .where((ApiToken.user == user.id) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return len(rows)
