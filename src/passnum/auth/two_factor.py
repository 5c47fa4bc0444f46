"""Two-factor login: a code from an authenticator app (TOTP, RFC 6238, with pyotp), or a
recovery code when the phone is lost.

- **Enrolment**: a secret is drawn (160 bits) and shown as a QR code and as a key to type; it is
  turned on only once the person has typed a first right code, and ten recovery codes are then
  shown, once (``passnum.auth.recovery_codes``).
- **The secret at rest** is encrypted (``passnum.auth.secret_box``); :func:`_secret` is the one
  reader of the column. Under another ``PASSNUM_SECRET_KEY`` it cannot be decrypted: the app's
  codes are refused with ``two_factor_unreadable`` (recovery codes still work) until the second
  factor is reset; an enrolment not yet confirmed simply starts again with a new secret.
- **Checking a code**: against passnum's clock (``passnum.clock``, so tests move it), one
  30-second step either side for a phone slightly off. A code is accepted once: the step of the
  last accepted code is kept and moved forward by one conditional update (``last_step < step``),
  so two requests with the same code cannot both pass.
- **Who must**: in production (``PASSNUM_ENV=production``) every staff account, whose accounts
  move money (:func:`required`); anyone else may turn it on.
- **Reset**: when someone has lost both phone and codes, another staff member resets it (audit
  entry; every session of the account ends); ``passnum user reset-two-factor`` for the last one.
  The person is told by e-mail whenever their second factor is removed (reset or turned off).

Guessing is bounded by the login lock-out: each code typed at login counts as a failed attempt
of the account's e-mail until the login is complete (``passnum.auth.passwords``).
"""

from __future__ import annotations

import hmac
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyotp
import qrcode
import qrcode.image.svg
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase
from pyotp.totp import TOTP

from passnum import audit, clock, mail
from passnum.auth import recovery_codes, secret_box
from passnum.auth.actor import Actor, Role
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.fr import format_moment
from passnum.refusals import refuse
from passnum.settings import get_settings
from passnum.tables import TwoFactor

VALID_WINDOW = 1  # steps of 30 s either side of now
MAIL = mail.MailTemplates(Path(__file__).parents[1] / "templates")


class TwoFactorRefused(DomainError):
    pass


def wrong_code() -> DomainError:
    return refuse("wrong_code", kind=TwoFactorRefused, field="code")


def unreadable() -> DomainError:
    """The account's secret was encrypted under another key: a reset is the way out."""
    return refuse("two_factor_unreadable", kind=TwoFactorRefused)


@dataclass(frozen=True)
class Status:
    enabled: bool
    enabled_at: datetime | None
    recovery_left: int


@dataclass(frozen=True)
class Enrolment:
    key: str  # the secret, for typing it by hand
    uri: str  # otpauth://…, what the QR code holds
    qr_svg: str  # the QR code, an inline SVG drawn here (no user text in it)

    @property
    def key_groups(self) -> str:
        """The key in groups of four letters, easier to copy."""
        return " ".join(self.key[i : i + 4] for i in range(0, len(self.key), 4))


def required(actor: Actor) -> bool:
    """Whether this person must use a second factor: staff, in production."""
    return get_settings().production and any(
        m.role == Role.staff for m in (actor.choices or actor.memberships)
    )


async def status(user_id: int) -> Status:
    row = (
        await TwoFactor.select(TwoFactor.enabled_at)
        .where((TwoFactor.user == user_id) & TwoFactor.enabled_at.is_not_null())
        .first()
    )
    left = await recovery_codes.left(user_id)
    return Status(row is not None, row["enabled_at"] if row else None, left if row else 0)


async def is_enabled(user_id: int) -> bool:
    return await TwoFactor.exists().where(
        (TwoFactor.user == user_id) & TwoFactor.enabled_at.is_not_null()
    )


async def start_enrolment(user_id: int) -> Enrolment:
    """The secret being enrolled for ``user_id`` (drawn on the first call, kept until it is
    confirmed or reset, so reloading the page shows the same QR code; drawn again if it was
    encrypted under another key)."""
    row = await TwoFactor.select(TwoFactor.enabled_at).where(TwoFactor.user == user_id).first()
    if row is not None and row["enabled_at"] is not None:
        raise refuse("two_factor_enabled", kind=TwoFactorRefused)
    if row is None:
        await TwoFactor.insert(
            TwoFactor(user=user_id, secret=secret_box.seal(pyotp.random_base32(), user_id))
        ).on_conflict(action="DO NOTHING")
    try:
        secret = await _secret(user_id, enabled=False)
    except secret_box.Unreadable:
        secret = None
    if secret is None:  # unreadable, or confirmed meanwhile (then the next call refuses)
        secret = pyotp.random_base32()
        await TwoFactor.update({TwoFactor.secret: secret_box.seal(secret, user_id)}).where(
            (TwoFactor.user == user_id) & TwoFactor.enabled_at.is_null()
        )
    email = (await BaseUser.select(BaseUser.email).where(BaseUser.id == user_id))[0]["email"]
    uri = TOTP(secret).provisioning_uri(
        name=email, issuer_name=f"passnum {get_settings().operator_name}"
    )
    return Enrolment(secret, uri, _qr_svg(uri))


async def _secret(user_id: int, *, enabled: bool) -> str | None:
    """The account's secret, decrypted, if it has one turned on (``enabled``) or being enrolled;
    :class:`secret_box.Unreadable` if it was encrypted under another key. The only reader of
    the column."""
    state = TwoFactor.enabled_at.is_not_null() if enabled else TwoFactor.enabled_at.is_null()
    row = (
        await TwoFactor.select(TwoFactor.secret).where((TwoFactor.user == user_id) & state).first()
    )
    return None if row is None else secret_box.unseal(row["secret"], user_id)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # no XML declaration inside a page


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code is ``code``, within the window around passnum's now."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = TOTP(secret)
    now = clock.now()
    current = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return current + offset
    return None


async def _spend_step(user_id: int, step: int, enabled: bool) -> bool:
    """Move the last accepted step forward to ``step`` (once: a replayed code loses)."""
    condition = (TwoFactor.user == user_id) & (TwoFactor.last_step < step)
    condition &= TwoFactor.enabled_at.is_not_null() if enabled else TwoFactor.enabled_at.is_null()
    rows = (
        await TwoFactor.update({TwoFactor.last_step: step}).where(condition).returning(TwoFactor.id)
    )
    return bool(rows)


async def confirm_enrolment(user_id: int, code: str, actor: Actor | None = None) -> list[str]:
    """Turn it on with a first right code; the recovery codes, in clear, to show once."""
    try:
        secret = await _secret(user_id, enabled=False)
    except secret_box.Unreadable:  # drawn under another key: the page shows a new one
        secret = None
    step = _matching_step(secret, code) if secret else None
    if step is None:
        raise wrong_code()
    async with write_transaction():
        if not await _spend_step(user_id, step, enabled=False):
            raise wrong_code()
        await TwoFactor.update({TwoFactor.enabled_at: clock.stamp()}).where(
            TwoFactor.user == user_id
        )
        codes = await recovery_codes.replace(user_id)
        await audit.record(actor, "enable_two_factor", "user", user_id)
    return codes


async def check_code(user_id: int, code: str) -> str:
    """Accept a code of the account's app, or one of its unused recovery codes (spent now);
    "totp" or "recovery", else :func:`wrong_code` (:func:`unreadable` if the app's secret
    cannot be decrypted: recovery codes, only hashed, still work then)."""
    lost = False
    try:
        secret = await _secret(user_id, enabled=True)
    except secret_box.Unreadable:
        secret, lost = None, True
    if secret is None and not lost:
        raise wrong_code()
    step = _matching_step(secret, code) if secret else None
    if step is not None:
        if await _spend_step(user_id, step, enabled=True):
            return "totp"
        raise wrong_code()
    if not recovery_codes.looks_like_one(code) or not await recovery_codes.spend(user_id, code):
        raise unreadable() if lost else wrong_code()
    await audit.record(None, "use_recovery_code", "user", user_id)
    return "recovery"


async def renew_recovery_codes(actor: Actor, code: str) -> list[str]:
    """New recovery codes for the signed-in person (the old ones stop working), on a code of
    their app."""
    step = await _app_step(actor.user_id, code)
    async with write_transaction():
        if not await _spend_step(actor.user_id, step, enabled=True):
            raise wrong_code()
        codes = await recovery_codes.replace(actor.user_id)
        await audit.record(actor, "renew_recovery_codes", "user", actor.user_id)
    return codes


async def _app_step(user_id: int, code: str) -> int:
    try:
        secret = await _secret(user_id, enabled=True)
    except secret_box.Unreadable as error:
        raise unreadable() from error
    step = _matching_step(secret, code) if secret else None
    if step is None:
        raise wrong_code()
    return step


async def turn_off(actor: Actor, code: str) -> None:
    """The person turns it off themselves, with a code of their app (not staff in production)."""
    if required(actor):
        raise refuse("two_factor_required", kind=TwoFactorRefused)
    step = await _app_step(actor.user_id, code)
    async with write_transaction():
        if not await _spend_step(actor.user_id, step, enabled=True):
            raise wrong_code()
        await _forget(actor.user_id)
        await audit.record(actor, "disable_two_factor", "user", actor.user_id)
    await _tell_removed(actor.user_id, "désactivée depuis votre compte", required=False)


async def _forget(user_id: int) -> None:
    await TwoFactor.delete().where(TwoFactor.user == user_id)
    await recovery_codes.forget(user_id)


async def reset(user_id: int, actor: Actor | None) -> bool:
    """Another staff member (or ``passnum user reset-two-factor``: ``actor`` None) removes a
    person's second factor: every session of that account ends, and in production a staff
    account enrols again at its next login. True if there was one."""
    if actor is not None and actor.user_id == user_id:
        raise refuse("own_two_factor", kind=TwoFactorRefused)
    if not await BaseUser.exists().where(BaseUser.id == user_id):
        raise refuse("not_found.user")
    async with write_transaction():
        had = await TwoFactor.exists().where(
            (TwoFactor.user == user_id) & TwoFactor.enabled_at.is_not_null()
        )
        await _forget(user_id)
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await audit.record(actor, "reset_two_factor", "user", user_id)
    if had:
        by = "en ligne de commande"
        if actor is not None:
            named = actor.display_name != actor.email
            by = f"par {actor.display_name} ({actor.email})" if named else f"par {actor.email}"
        await _tell_removed(
            user_id,
            f"réinitialisée {by}",
            required=get_settings().production,
            at_once=actor is None,
        )
    return had


async def _tell_removed(user_id: int, how: str, required: bool, at_once: bool = False) -> None:
    """E-mail the person that their second factor is gone (after the commit): if they did not
    ask, someone may be trying their account. Through the queue, which tries again while the
    relay is down; ``at_once`` from the command line, where no worker may be running (a relay
    that refuses then loses the notice). Without SMTP, nothing more: the change stands and is in
    the audit trail."""
    email = (await BaseUser.select(BaseUser.email).where(BaseUser.id == user_id))[0]["email"]
    settings = get_settings()
    message = MAIL.render(
        "passnum/mail/two_factor_removed.txt",
        to=email,
        email=email,
        how=how,
        when=format_moment(clock.stamp()),
        required=required,
        phone=settings.operator_phone,
        operator=settings.operator_name,
    )
    try:
        await (mail.send(message) if at_once else mail.send_later(message))
    except (mail.MailNotConfigured, mail.MailFailed):
        return


async def reset_by_email(email: str) -> bool:
    """:func:`reset` from the command line (no staff member to act: the last one's phone)."""
    row = await BaseUser.select(BaseUser.id).where(BaseUser.email == email.strip().lower()).first()
    if row is None:
        raise refuse("unknown_user", _email=email)
    return await reset(row["id"], None)
