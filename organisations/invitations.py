"""Staff invite people: an account is opened without a password, and a single-use link valid 72
hours, sent by e-mail through the kernel's mail sender, lets the person choose one.

``invite_user`` is the one way to open an account for a person (staff page, API, ``passnum user
create``, and other apps: e.g. the contact of a newly qualified site). Without SMTP, or when the
relay refuses the message, the account and its link exist anyway and the link is handed back to
the caller, who shows it to the staff member to pass on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from piccolo.apps.user.tables import BaseUser

from organisations import account_links
from organisations.account_links import LinkPurpose
from organisations.password_rules import check_new_password
from organisations.services import ROLE_LABELS, check_new_account, insert_user
from passnum import audit, mail
from passnum.auth import Actor, Role
from passnum.db import write_transaction
from passnum.settings import get_settings

TEMPLATES = mail.MailTemplates(Path(__file__).parent / "templates")


@dataclass(frozen=True)
class Invitation:
    user_id: int
    email: str
    link: str  # show it to the inviting staff member only when ``sent`` is False
    sent: bool
    problem: str = ""  # why it was not sent, in French

    @property
    def message(self) -> str:
        """What the inviting staff member reads."""
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
) -> Invitation:
    """Open an account (one membership) and send its invitation link; see the module doc.

    DomainError as for any account: bad address, role the organisation does not hold, address
    already used (409 ``duplicate_email``: give that person a membership instead)."""
    email, role, organisation = await check_new_account(email, organisation_id, role)
    unusable = secrets.token_urlsafe(48)  # nobody knows it: the account opens with the link
    async with write_transaction():
        user = await insert_user(email, unusable, organisation_id, role, first_name, last_name)
        link = await account_links.issue_link(
            user.id, LinkPurpose.invitation, actor.user_id if actor else None
        )
        await audit.record(
            actor,
            "invite",
            "user",
            user.id,
            {"email": email, "organisation": organisation_id, "role": role.value},
        )
    message = TEMPLATES.render(
        "organisations/mail/invitation.txt",
        to=email,
        name=" ".join(p for p in (first_name, last_name) if p),
        inviter=actor.display_name if actor else get_settings().operator_name,
        organisation=organisation.name,
        role=ROLE_LABELS[role],
        link=link,
        email=email,
        operator=get_settings().operator_name,
    )
    try:
        await mail.send(message)
    except (mail.MailNotConfigured, mail.MailFailed) as error:
        return Invitation(user.id, email, link, sent=False, problem=error.message)
    return Invitation(user.id, email, link, sent=True)


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
