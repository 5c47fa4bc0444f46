"""The one mail sender: French plain-text templates owned by the apps, sent by SMTP from settings.

Data in, message out: an app keeps its templates beside its pages
(``equipment/templates/equipment/mail/reminder_overdue.txt``) and renders one with plain data::

    TEMPLATES = MailTemplates(Path(__file__).parent / "templates")
    message = TEMPLATES.render("equipment/mail/reminder_overdue.txt", to=email, loan=loan)
    await send(message)

A template's first line is the subject, then one blank line, then the body. Templates are plain
text (no HTML escaping), a missing value is an error (never a half-written e-mail), and two filters
write French: ``{{ day | date_fr }}`` (03/12/2026) and ``{{ cents | euros }}`` (150,00 €).

Sending uses the standard library's ``smtplib`` in a worker thread, one connection per message,
to ``PASSNUM_SMTP_HOST``:``PASSNUM_SMTP_PORT`` from ``PASSNUM_SMTP_SENDER``; ``PASSNUM_SMTP_TLS``
(``starttls`` or ``tls``) encrypts the connection, checking the server's certificate, and
``PASSNUM_SMTP_USER``/``PASSNUM_SMTP_PASSWORD`` log in. Without a host,
nothing is sent and :func:`send` raises :class:`MailNotConfigured`: the caller decides whether that
is an error (a page says so) or a quiet no-op (a cron job checks :func:`is_configured` first). A
refused or unreachable server raises :class:`MailFailed`; neither is retried here.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from procrastinate import RetryStrategy

from passnum.errors import DomainError
from passnum.fr import format_date, format_euros, format_phone
from passnum.refusals import REFUSALS
from passnum.settings import get_settings
from passnum.tasks import Tasks

SMTP_TIMEOUT_SECONDS = 30


class MailNotConfigured(DomainError):
    def __init__(self) -> None:
        status, message = REFUSALS["mail_not_configured"]
        super().__init__("mail_not_configured", message, status)


class MailFailed(DomainError):
    def __init__(self, recipient: str, reason: object) -> None:
        status, message = REFUSALS["mail_failed"]
        super().__init__("mail_failed", message.format(recipient=recipient, reason=reason), status)


TemplateError = jinja2.TemplateError


@dataclass(frozen=True)
class Mail:
    """One e-mail, ready to send: plain text, one recipient."""

    to: str
    subject: str
    body: str
    reply_to: str = ""


class MailTemplates:
    """The plain-text e-mail templates under one app's template directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @cached_property
    def _environment(self) -> jinja2.Environment:
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.directory),
            autoescape=False,  # noqa: S701 - plain-text e-mail: no HTML, nothing to escape
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        environment.filters["date_fr"] = format_date
        environment.filters["euros"] = format_euros
        environment.filters["phone"] = format_phone
        return environment

    def render(self, template: str, *, to: str, reply_to: str = "", **data: Any) -> Mail:
        """The e-mail written by ``template`` (first line: subject; blank line; body)."""
        text = self._environment.get_template(template).render(**data)
        subject, _, body = text.partition("\n")
        if not subject.strip() or body[:1] != "\n":
            raise jinja2.TemplateError(
                f"{template} : la première ligne est l'objet, suivie d'une ligne vide."
            )
        return Mail(to=to, subject=subject.strip(), body=body[1:], reply_to=reply_to)


def is_configured() -> bool:
    """Whether an SMTP server is set (``PASSNUM_SMTP_HOST``)."""
    return bool(get_settings().smtp_host)


def _email(message: Mail) -> EmailMessage:
    sender = get_settings().smtp_sender
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = message.to
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email.set_content(message.body)
    return email


def _deliver(email: EmailMessage) -> None:
    settings = get_settings()
    host, port, timeout = settings.smtp_host, settings.smtp_port, SMTP_TIMEOUT_SECONDS
    # The server's certificate is checked against the system's authorities, host name included.
    context = ssl.create_default_context()
    if settings.smtp_tls == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(email)


async def send(message: Mail) -> None:
    """Send one e-mail. Raises :class:`MailNotConfigured` or :class:`MailFailed`."""
    if not is_configured():
        raise MailNotConfigured()
    try:
        await asyncio.to_thread(_deliver, _email(message))
    except (OSError, smtplib.SMTPException) as error:
        raise MailFailed(message.to, error) from error


# --- E-mails sent by the task queue ---------------------------------------------------------------
# For a message nobody waits for on a page (a notice, an alert): queued at once, sent by a worker,
# retried if the relay is down or refuses (5 retries, 5, 10, 15, 20 and 25 minutes apart: 75
# minutes in all), each failure's French reason on the staff's tasks page. Never queue a secret (a
# sign-in or reset link): a job's arguments are stored in clear, kept 30 days after it is done
# and shown to staff. Queue instead a task of the app's own, with ids for arguments, that makes
# the secret when the message goes (``organisations.tasks.send_invitation``), with ``MAIL_RETRY``.

MAIL_TASKS = Tasks("mail")
MAIL_RETRY = RetryStrategy(max_attempts=5, wait=300, linear_wait=300)


@MAIL_TASKS.task(label="Envoi d'un e-mail", retry=MAIL_RETRY)
async def deliver(to: str, subject: str, body: str, reply_to: str = "") -> None:
    await send(Mail(to=to, subject=subject, body=body, reply_to=reply_to))


async def send_later(message: Mail) -> None:
    """Queue one e-mail (see above). Raises :class:`MailNotConfigured` without SMTP settings."""
    if not is_configured():
        raise MailNotConfigured()
    await deliver.defer_async(
        to=message.to, subject=message.subject, body=message.body, reply_to=message.reply_to
    )
