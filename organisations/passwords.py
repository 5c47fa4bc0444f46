"""People own their password: they change it knowing the current one, or reset it by e-mail.

A reset request always gets the same answer, whether the address has an account or not (nobody
learns who has one), and costs the request the same: the typed address is queued
(``organisations.tasks.send_reset_link``) and the worker finds out. The link goes only to an
active account, at most ``RESETS_PER_HOUR`` times an hour per account (the page is also
rate-limited per address, with the login); the worker makes it when it sends the e-mail (so no
job holds a link) and withdraws it if the relay fails, before the queue tries again. The link is
valid one hour, used once (``account_links``), and a reset ends every session of the account and
lifts its login lock-out: whoever had the old password is out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from organisations import account_links, tasks
from organisations.account_links import LinkPurpose
from organisations.editing import EMAIL_RE
from organisations.errors import refuse
from organisations.password_rules import check_new_password
from organisations.tables import AccountLink
from passnum import audit, clock, mail
from passnum.auth import Actor
from passnum.auth.passwords import unlock
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.settings import get_settings

TEMPLATES = mail.MailTemplates(Path(__file__).parent / "templates")
RESETS_PER_HOUR = 3
MAX_ADDRESS = 254  # longer is no e-mail address (RFC 5321): not queued


async def change_password(
    actor: Actor, current: str, password: str, confirm: str, keep_session: str | None = None
) -> None:
    """The signed-in person's new password; their other sessions end (this one is kept)."""
    if await BaseUser.login(actor.email, current) != actor.user_id:
        raise refuse("wrong_password", field="current")
    check_new_password(password, confirm, email=actor.email)
    async with write_transaction():
        await account_links.set_password(actor.user_id, password)
        others = SessionsBase.user_id == actor.user_id
        if keep_session:
            others &= SessionsBase.token != keep_session
        await SessionsBase.delete().where(others)
        await audit.record(actor, "change_password", "user", actor.user_id)


async def request_reset(email: str) -> None:
    """Queue the reset e-mail of ``email``, known or not (see the module doc); nothing without
    SMTP (the page gives the same answer either way)."""
    email = email.strip().lower()
    if not mail.is_configured() or not _could_be_an_address(email):
        return  # the same for every address: the person asks staff, who can re-invite them
    await tasks.queue_reset_link(email)


def _could_be_an_address(email: str) -> bool:
    return len(email) <= MAX_ADDRESS and EMAIL_RE.match(email) is not None


async def send_reset_link(email: str) -> None:
    """The queued request (the worker): a link to an active account under its hourly quota,
    e-mailed; withdrawn if the relay fails (MailFailed, and the queue tries again)."""
    user = (
        await BaseUser.select(BaseUser.id)
        .where((BaseUser.email == email) & (BaseUser.active == True))  # noqa: E712 - SQL
        .first()
    )
    if user is None:
        return
    since = clock.stamp() - dt.timedelta(hours=1)
    async with write_transaction():
        recent = await AccountLink.count().where(
            (AccountLink.user == user["id"])
            & (AccountLink.purpose == LinkPurpose.reset.value)
            & (AccountLink.created_at > since)
        )
        if recent >= RESETS_PER_HOUR:
            return
        link = await account_links.issue_link(user["id"], LinkPurpose.reset)
    message = TEMPLATES.render(
        "organisations/mail/password_reset.txt",
        to=email,
        email=email,
        link=link,
        operator=get_settings().operator_name,
    )
    try:
        await mail.send(message)
    except DomainError:
        await account_links.withdraw_link(link)
        raise


async def reset_user(token: str) -> int:
    return await account_links.check_link(token, LinkPurpose.reset)


async def reset_password(token: str, password: str, confirm: str) -> int:
    """Set a new password through a reset link (once), end every session, lift the lock-out."""
    user_id = await reset_user(token)
    row = await BaseUser.select(BaseUser.email).where(BaseUser.id == user_id).first()
    email = row["email"] if row else ""
    check_new_password(password, confirm, email=email)
    async with write_transaction():
        user_id = await account_links.use_link(token, LinkPurpose.reset)
        await account_links.set_password(user_id, password)
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await audit.record(None, "reset_password", "user", user_id)
    await unlock(email)
    return user_id
