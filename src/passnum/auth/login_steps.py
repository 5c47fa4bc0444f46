"""A login between its password and its second step (a code, or the enrolment production
requires of staff): the browser holds a random token in a cookie, the database its SHA-256 with
the user and where to go next. No session exists until the second step is done; the pending
login lasts :data:`VALIDITY` and is used once (deleted when the session opens).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

from passnum import clock
from passnum.auth.tokens import digest
from passnum.tables import LoginChallenge

COOKIE = "passnum_login"
VALIDITY = dt.timedelta(minutes=15)


class Step(StrEnum):
    code = "code"  # type a code of the app, or a recovery code
    enrol = "enrol"  # staff in production without a second factor: set it up first


@dataclass(frozen=True)
class Pending:
    user_id: int
    step: Step
    next_path: str


async def open_login(user_id: int, step: Step, next_path: str) -> str:
    """A pending login; its token (for the cookie)."""
    token = secrets.token_urlsafe(32)
    now = clock.stamp()
    await LoginChallenge.delete().where(LoginChallenge.expires_at < now)  # keep the table small
    await LoginChallenge(
        token_hash=digest(token),
        user=user_id,
        purpose=step.value,
        next_path=next_path[:500],
        expires_at=now + VALIDITY,
    ).save()
    return token


async def pending(token: str | None) -> Pending | None:
    """The pending login of this cookie, if it has not expired."""
    if not token:
        return None
    row = (
        await LoginChallenge.select(
            LoginChallenge.user, LoginChallenge.purpose, LoginChallenge.next_path
        )
        .where(
            (LoginChallenge.token_hash == digest(token))
            & (LoginChallenge.expires_at > clock.stamp())
        )
        .first()
    )
    if row is None:
        return None
    return Pending(row["user"], Step(row["purpose"]), row["next_path"])


async def close_login(token: str) -> None:
    await LoginChallenge.delete().where(LoginChallenge.token_hash == digest(token))
