"""Checking a login: Piccolo's BaseUser hashes and verifies passwords (PBKDF2-SHA256).

Repeated failures for one e-mail lock it for a while, whoever tries: the per-IP rate limit alone
would not stop a slow attack spread over many addresses.
"""

from __future__ import annotations

import datetime as dt

from piccolo.apps.user.tables import BaseUser
from piccolo.query import Select

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
    """The user id for these credentials, or LoginRefused with a French reason."""
    email = email.strip().lower()
    if not email or not password:
        raise LoginRefused("Saisissez votre adresse e-mail et votre mot de passe.", 400)
    throttle = await LoginThrottle.objects().get(LoginThrottle.email == email)
    now = dt.datetime.now()
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise LoginRefused(LOCKED.format(until=throttle.locked_until.strftime("%H:%M")), 429)
    user_id = await BaseUser.login(email, password)
    if user_id is None:
        await _record_failure(email, throttle, now)
        raise LoginRefused(WRONG_CREDENTIALS)
    if throttle:
        await LoginThrottle.delete().where(LoginThrottle.id == throttle.id)
    active = await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id).first()
    if not active or not active["active"]:
        raise LoginRefused(DEACTIVATED, 403)
    return user_id


async def _record_failure(email: str, throttle: LoginThrottle | None, now: dt.datetime) -> None:
    settings = get_settings()
    window = dt.timedelta(minutes=settings.lockout_minutes)
    if throttle is None:
        await LoginThrottle.insert(LoginThrottle(email=email, failures=1, last_failure_at=now))
        return
    recent = throttle.last_failure_at and now - throttle.last_failure_at < window
    failures = throttle.failures + 1 if recent else 1
    locked_until = now + window if failures >= settings.lockout_attempts else None
    await LoginThrottle.update(
        {
            LoginThrottle.failures: failures,
            LoginThrottle.last_failure_at: now,
            LoginThrottle.locked_until: locked_until,
        }
    ).where(LoginThrottle.id == throttle.id)


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
