"""The organisations' background tasks (run by the queue, :mod:`passnum.tasks`).

The e-mails carrying a link (an invitation, a password reset) are queued with what is needed to
write them (ids, the typed address), never with the link: a job's arguments are stored in clear,
kept 30 days and shown to staff. The worker makes the link when it sends the e-mail, and
withdraws it if the relay fails, before the queue tries again (``MAIL_RETRY``: five more tries
over 75 minutes).
"""

from __future__ import annotations

from procrastinate.exceptions import AlreadyEnqueued

from organisations import positions
from passnum.mail import MAIL_RETRY
from passnum.tasks import Tasks
from territory import geocoder

TASKS = Tasks("organisations")


@TASKS.task(label="Géocodage d'un lieu (position d'après l'adresse)", retry=3)
async def geocode_site(organisation_id: int) -> None:
    await positions.geocode_site(organisation_id)


async def queue_geocoding(organisation_id: int) -> bool:
    """Queue the site's geocoding once (a run already waiting is enough); False when no geocoder
    is configured (staff place sites by hand)."""
    if not geocoder.configured():
        return False
    try:
        await geocode_site.configure(queueing_lock=f"geocode-site-{organisation_id}").defer_async(
            organisation_id=organisation_id
        )
    except AlreadyEnqueued:
        pass
    return True


@TASKS.task(label="Envoi d'une invitation (lien créé à l'envoi)", retry=MAIL_RETRY)
async def send_invitation(
    user_id: int, organisation_id: int, role: str, inviter: str, invited_by: int | None = None
) -> None:
    from organisations import invitations  # which queues this task

    await invitations.send_invitation(user_id, organisation_id, role, inviter, invited_by)


@TASKS.task(label="Envoi d'un lien « mot de passe oublié »", retry=MAIL_RETRY)
async def send_reset_link(email: str) -> None:
    from organisations import passwords  # which queues this task

    await passwords.send_reset_link(email)


async def queue_reset_link(email: str) -> None:
    """Queue the reset e-mail of an address, once while one is waiting (a second click, or a
    relay down: one e-mail goes)."""
    try:
        await send_reset_link.configure(queueing_lock=f"reset-link-{email}").defer_async(
            email=email
        )
    except AlreadyEnqueued:
        pass
