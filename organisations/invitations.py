"""Staff invite people: an account is opened without a password, and a single-use link valid 72
hours, sent by e-mail through the kernel's mail sender, lets the person choose one.

``invite_user`` is the one way to open an account for a person (staff page, API, ``passnum user
create``, and other apps: e.g. the contact of a newly qualified site). With SMTP configured the
invitation goes through the task queue (``organisations.tasks.send_invitation``): the page answers
at once, a relay that is down is tried again, and the link is made by the worker when the e-mail
goes, so that no job holds it. Without SMTP the account and its link exist anyway and the link is
handed back to the caller, who shows it to the staff member to pass on. ``passnum user create``
sends at once (``send_now``): the person at the terminal learns whether the relay took it, and is
given the link when it did not.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from piccolo.apps.user.tables import BaseUser

from organisations import account_links, tasks
from organisations.account_links import LinkPurpose
from organisations.password_rules import check_new_password
from organisations.services import ROLE_LABELS, check_new_account, insert_user
from organisations.tables import Organisation
from passnum import audit, mail
from passnum.auth import Actor, Role
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.settings import get_settings

TEMPLATES = mail.MailTemplates(Path(__file__).parent / "templates")


@dataclass(frozen=True)
class Invitation:
    user_id: int
    email: str
    link: str  # show it to the inviting staff member only when ``sent`` is False ("" if queued)
    sent: bool  # handed to the relay, or to the queue that sends it
    problem: str = ""  # why it was not sent, in French
    queued: bool = False

    @property
    def message(self) -> str:
        """What the inviting staff member reads."""
        if self.queued:
            return (
                f"Invitation envoyée à {self.email} (lien valable 72 heures). Si le serveur "
                "d'e-mail ne répond pas, l'envoi est retenté ; il se suit sur la page « Tâches »."
            )
        if self.sent:
            return f"Invitation envoyée à {self.email} (lien valable 72 heures)."
        return (
            f"{self.problem} Transmettez vous-même ce lien à {self.email} "
            f"(valable 72 heures, utilisable une fois) : {self.link}"
        )


async def invite_user(
    email: str,
    organisation_id: int,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
    actor: Actor | None = None,
    *,
    send_now: bool = False,
) -> Invitation:
    """Open an account (one membership) and send its invitation link; see the module doc.

    DomainError as for any account: bad address, role the organisation does not hold, address
    already used (409 ``duplicate_email``: give that person a membership instead)."""
    email, role, organisation = await check_new_account(email, organisation_id, role)
    queue = mail.is_configured() and not send_now
    invited_by = actor.user_id if actor else None
    inviter = actor.display_name if actor else get_settings().operator_name
    unusable = secrets.token_urlsafe(48)  # nobody knows it: the account opens with the link
    async with write_transaction():
        user = await insert_user(email, unusable, organisation_id, role, first_name, last_name)
        link = (
            ""
            if queue
            else await account_links.issue_link(user.id, LinkPurpose.invitation, invited_by)
        )
        await audit.record(
            actor,
            "invite",
            "user",
            user.id,
            {"email": email, "organisation": organisation_id, "role": role.value},
        )
    if queue:  # after the commit: the worker reads the account
        await tasks.send_invitation.defer_async(
            user_id=user.id,
            organisation_id=organisation_id,
            role=role.value,
            inviter=inviter,
            invited_by=invited_by,
        )
        return Invitation(user.id, email, "", sent=True, queued=True)
    message = _message(email, first_name, last_name, inviter, organisation.name, role, link)
    try:
        await mail.send(message)
    except (mail.MailNotConfigured, mail.MailFailed) as error:
        return Invitation(user.id, email, link, sent=False, problem=error.message)
    return Invitation(user.id, email, link, sent=True)


def _message(
    email: str,
    first_name: str,
    last_name: str,
    inviter: str,
    organisation: str,
    role: Role,
    link: str,
) -> mail.Mail:
    return TEMPLATES.render(
        "organisations/mail/invitation.txt",
        to=email,
        name=" ".join(p for p in (first_name, last_name) if p),
        inviter=inviter,
        organisation=organisation,
        role=ROLE_LABELS[role],
        link=link,
        email=email,
        operator=get_settings().operator_name,
    )


async def send_invitation(
    user_id: int, organisation_id: int, role: str, inviter: str, invited_by: int | None
) -> None:
    """The queued invitation (the worker): a new link, e-mailed; withdrawn if the relay fails
    (MailFailed, and the queue tries again). Nothing for an account deactivated meanwhile."""
    user = (
        await BaseUser.select(BaseUser.email, BaseUser.first_name, BaseUser.last_name)
        .where((BaseUser.id == user_id) & (BaseUser.active == True))  # noqa: E712 - SQL
        .first()
    )
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == organisation_id)
        .first()
    )
    if user is None or organisation is None:
        return
    link = await account_links.issue_link(user_id, LinkPurpose.invitation, invited_by)
    message = _message(
        user["email"],
        user["first_name"],
        user["last_name"],
        inviter,
        organisation["name"],
        Role(role),
        link,
    )
    try:
        await mail.send(message)
    except DomainError:
        await account_links.withdraw_link(link)
        raise


async def invitation_user(token: str) -> int:
    """The user an unused, unexpired invitation link is for (else a French LinkRefused)."""
    return await account_links.check_link(token, LinkPurpose.invitation)


async def accept_invitation(token: str, password: str, confirm: str) -> int:
    """Set the invited person's password through their link (once); their user id."""
    user_id = await invitation_user(token)
    row = await BaseUser.select(BaseUser.email).where(BaseUser.id == user_id).first()
    check_new_password(password, confirm, email=row["email"] if row else "")
    async with write_transaction():
        user_id = await account_links.use_link(token, LinkPurpose.invitation)
        await account_links.set_password(user_id, password)
        await audit.record(None, "accept_invitation", "user", user_id)
    return user_id
