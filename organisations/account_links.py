"""Single-use links sent to people: invitations (72 hours) and password resets (1 hour).

A link carries a random token (``secrets.token_urlsafe``, 256 bits); only its SHA-256 digest is
stored (``account_link.token_hash``), so a copy of the database opens no account. A link is used
by one conditional update (``used_at IS NULL AND expires_at > now … RETURNING``): two clicks at
once cannot both set a password, and the database, not a read-then-write, decides which one won.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

from piccolo.apps.user.tables import BaseUser

from organisations.errors import refuse
from organisations.tables import AccountLink
from passnum import clock
from passnum.auth.tokens import digest
from passnum.errors import DomainError
from passnum.settings import get_settings


class LinkPurpose(StrEnum):
    invitation = "invitation"
    reset = "reset"


VALIDITY = {
    LinkPurpose.invitation: dt.timedelta(hours=72),
    LinkPurpose.reset: dt.timedelta(hours=1),
}
PATHS = {LinkPurpose.invitation: "/invitation", LinkPurpose.reset: "/mot-de-passe-oublie"}


class LinkRefused(DomainError):
    pass


UNKNOWN = refuse("link_unknown", kind=LinkRefused)


def _used() -> DomainError:
    return refuse("link_used", kind=LinkRefused)


def _expired(purpose: LinkPurpose) -> DomainError:
    hours = int(VALIDITY[purpose].total_seconds() // 3600)
    return refuse(
        "link_expired", _hours=f"{hours} heure{'s' if hours > 1 else ''}", kind=LinkRefused
    )


async def issue_link(user_id: int, purpose: LinkPurpose, created_by: int | None = None) -> str:
    """A new link for ``user_id``; the clear token exists only in the returned address.

    Call it inside the caller's write transaction when the link goes with other writes."""
    token = secrets.token_urlsafe(32)
    await AccountLink(
        user=user_id,
        purpose=purpose.value,
        token_hash=digest(token),
        expires_at=clock.stamp() + VALIDITY[purpose],
        created_by=created_by,
    ).save()
    return f"{get_settings().public_url}{PATHS[purpose]}/{token}"


async def withdraw_link(link: str) -> None:
    """Forget a link that could not be sent (nobody has it): it counts towards no quota, and the
    next try makes another."""
    token = link.rstrip("/").rpartition("/")[2]
    await AccountLink.delete().where(AccountLink.token_hash == digest(token))


async def check_link(token: str, purpose: LinkPurpose) -> int:
    """The user id this link is for, if it can still be used; else LinkRefused (French)."""
    row = (
        await AccountLink.select(AccountLink.user, AccountLink.used_at, AccountLink.expires_at)
        .where((AccountLink.token_hash == digest(token)) & (AccountLink.purpose == purpose.value))
        .first()
    )
    if row is None:
        raise UNKNOWN
    if row["used_at"] is not None:
        raise _used()
    if row["expires_at"] <= clock.stamp():
        raise _expired(purpose)
    return row["user"]


async def use_link(token: str, purpose: LinkPurpose) -> int:
    """Mark the link used (once, whoever races) and return its user; call it in the write
    transaction that sets the password, so a refused password leaves the link unused."""
    now = clock.stamp()
    rows = (
        await AccountLink.update({AccountLink.used_at: now})
        .where(
            (AccountLink.token_hash == digest(token))
            & (AccountLink.purpose == purpose.value)
            & AccountLink.used_at.is_null()
            & (AccountLink.expires_at > now)
        )
        .returning(AccountLink.user)
    )
    if not rows:
        await check_link(token, purpose)  # the true reason: unknown, used or expired
        raise _used()
    return rows[0]["user"]


async def set_password(user_id: int, password: str) -> None:
    """Piccolo's hashing (PBKDF2-SHA256) of an already validated password."""
    await BaseUser.update({BaseUser.password: BaseUser.hash_password(password)}).where(
        BaseUser.id == user_id
    )
