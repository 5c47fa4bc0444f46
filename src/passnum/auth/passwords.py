"""Checking a login: Piccolo's BaseUser hashes and verifies passwords (PBKDF2-SHA256).

Repeated failures for one e-mail lock it for a while, whoever tries: the per-IP rate limit alone
would not stop a slow attack spread over many addresses.

Each attempt is counted *before* its password is checked, by one atomic update of the e-mail's
row (``failures = failures + 1 … RETURNING``), and a successful login deletes the row. So ten
attempts at once get the numbers 1 to 10 from the database itself: the first five are checked,
the fifth locks the account, the other five are refused unchecked — whatever the timing, and
without a read-modify-write that concurrent attempts could overwrite.
"""

from __future__ import annotations

import datetime as dt

from piccolo.apps.user.tables import BaseUser
from piccolo.query import Select

from passnum import clock
from passnum.db import write_transaction
from passnum.fr import format_time
from passnum.settings import get_settings
from passnum.tables import LoginThrottle


class LoginRefused(Exception):
    def __init__(self, message: str, status_code: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie et réessayez."
DEACTIVATED = "Ce compte est désactivé. Contactez le Département pour le réactiver."
LOCKED = (
    "Trop de tentatives : ce compte est verrouillé jusqu'à {until}. "
    "Réessayez plus tard ou contactez le Département."
)


async def authenticate(email: str, password: str) -> int:
    """The user id for these credentials, or LoginRefused with a French reason.

    The attempt stays counted until :func:`login_completed`: with a second factor, the codes
    typed next count on the same e-mail, and a right password does not reset the count."""
    email = email.strip().lower()
    if not email or not password:
        raise LoginRefused("Saisissez votre adresse e-mail et votre mot de passe.", 400)
    await count_attempt(email)
    user_id = await BaseUser.login(email, password)
    if user_id is None:
        raise LoginRefused(WRONG_CREDENTIALS)
    active = await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id).first()
    if not active or not active["active"]:
        raise LoginRefused(DEACTIVATED, 403)
    return user_id


async def count_attempt(email: str) -> None:
    """Count one attempt (a password or a second-factor code) for ``email``; LoginRefused (429)
    while the account is locked or past the limit."""
    email = email.strip().lower()
    now = clock.stamp()
    throttle = await LoginThrottle.objects().get(LoginThrottle.email == email)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise LoginRefused(LOCKED.format(until=format_time(throttle.locked_until)), 429)
    await _count_attempt(email, now)


async def login_completed(email: str) -> None:
    """The person is in (password, and code if any): their failures are forgotten."""
    async with write_transaction():
        await LoginThrottle.delete().where(LoginThrottle.email == email.strip().lower())


async def _count_attempt(email: str, now: dt.datetime) -> None:
    """Count one attempt for ``email`` atomically; LoginRefused (429) past the limit, and the
    account locked from the limit on. The row is created if missing (never twice: the insert
    does nothing on the unique e-mail), its count restarts after a quiet window."""
    settings = get_settings()
    window = dt.timedelta(minutes=settings.lockout_minutes)
    async with write_transaction():  # counted and locked in one step
        await LoginThrottle.insert(LoginThrottle(email=email, failures=0)).on_conflict(
            action="DO NOTHING"
        )
        # A quiet window restarts the count (a concurrent attempt has just set last_failure_at to
        # now, so this never undoes one counted meanwhile).
        await LoginThrottle.update({LoginThrottle.failures: 0}).where(
            (LoginThrottle.email == email) & (LoginThrottle.last_failure_at < now - window)
        )
        row = (
            await LoginThrottle.update(
                {
                    LoginThrottle.failures: LoginThrottle.failures + 1,
                    LoginThrottle.last_failure_at: now,
                }
            )
            .where(LoginThrottle.email == email)
            .returning(LoginThrottle.failures, LoginThrottle.locked_until)
        )[0]
        if row["failures"] < settings.lockout_attempts:
            return
        locked_until = (
            row["locked_until"] if row["locked_until"] and row["locked_until"] > now else None
        )
        if locked_until is None:
            locked_until = now + window
            await LoginThrottle.update({LoginThrottle.locked_until: locked_until}).where(
                LoginThrottle.email == email
            )
    if row["failures"] > settings.lockout_attempts:
        raise LoginRefused(LOCKED.format(until=format_time(locked_until)), 429)


def failed_logins() -> Select:
    """Addresses with recent failed logins (locked or not), newest first, for the staff page.

    A query to page through: anyone typing made-up e-mails adds one row per address.
    """
    return (
        LoginThrottle.select()
        .order_by(LoginThrottle.last_failure_at, ascending=False)
        .order_by(LoginThrottle.id)
    )


async def unlock(email: str) -> None:
    await LoginThrottle.delete().where(LoginThrottle.email == email.strip().lower())
