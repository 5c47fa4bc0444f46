"""The one mail sender: an app's French template becomes an e-mail on a real SMTP server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from passnum import mail
from tests.env import passnum_env
from tests.smtp_server import SENDER, USER, SmtpServer, secure_smtp_server

TEMPLATES = mail.MailTemplates(Path(__file__).parent / "mail_templates")


def reminder() -> mail.Mail:
    return TEMPLATES.render(
        "essai/rappel.txt",
        to="claire.lebrun@tessy.test",
        number="P-2026-0042",
        due=date(2026, 12, 3),
        name="Claire Lebrun",
        items=["PC-0001 (Lenovo T14)", "TAB-0007 (Samsung Tab A9)"],
        deposit=15000,
    )


def test_a_template_renders_a_french_subject_and_body() -> None:
    message = reminder()
    assert message.subject == "Prêt P-2026-0042 : à rendre le 03/12/2026"
    assert message.body.startswith("Bonjour Claire Lebrun,\n\nle matériel du prêt P-2026-0042")
    assert "  - PC-0001 (Lenovo T14)\n  - TAB-0007 (Samsung Tab A9)\n" in message.body
    assert "Caution : 150,00\u00a0€." in message.body


def test_a_missing_value_is_an_error_not_a_half_written_email() -> None:
    with pytest.raises(mail.TemplateError):
        TEMPLATES.render("essai/rappel.txt", to="claire.lebrun@tessy.test", number="P-1")


async def test_the_email_arrives_on_the_smtp_server_with_its_accents(
    smtp_server: SmtpServer,
) -> None:
    await mail.send(reminder())

    [received] = smtp_server.messages
    assert received["Subject"] == "Prêt P-2026-0042 : à rendre le 03/12/2026"
    assert received["From"] == SENDER and received["To"] == "claire.lebrun@tessy.test"
    assert received["Date"] and received["Message-ID"]
    body = received.get_body().get_content()
    assert "le matériel du prêt P-2026-0042 est à rendre le 03/12/2026." in body
    assert smtp_server.envelopes[0].rcpt_tos == ["claire.lebrun@tessy.test"]


async def test_without_an_smtp_host_nothing_is_sent_and_the_caller_is_told() -> None:
    assert not mail.is_configured()
    with pytest.raises(mail.MailNotConfigured) as refused:
        await mail.send(reminder())
    assert refused.value.code == "mail_not_configured"
    assert "PASSNUM_SMTP_HOST" in refused.value.message


async def test_an_unreachable_server_is_a_french_error_with_a_stable_code(
    smtp_server: SmtpServer,
) -> None:
    with smtp_server.down(), pytest.raises(mail.MailFailed) as failed:
        await mail.send(reminder())
    assert failed.value.code == "mail_failed"
    assert "claire.lebrun@tessy.test" in failed.value.message
    assert smtp_server.messages == []


@pytest.mark.parametrize("mode", ["starttls", "tls"])
async def test_a_relay_that_wants_tls_and_a_login_gets_both(
    smtp_certificate: Path, mode: str
) -> None:
    with secure_smtp_server(mode, smtp_certificate) as server:
        await mail.send(reminder())
    [received] = server.messages
    assert received["Subject"] == "Prêt P-2026-0042 : à rendre le 03/12/2026"
    assert (server.envelopes[0].tls, server.envelopes[0].login) == (True, USER)


async def test_a_wrong_smtp_password_is_a_failed_sending(smtp_certificate: Path) -> None:
    with (
        secure_smtp_server("starttls", smtp_certificate, password="pas-le-bon") as server,
        pytest.raises(mail.MailFailed) as failed,
    ):
        await mail.send(reminder())
    assert failed.value.code == "mail_failed" and server.messages == []
    assert "535" in failed.value.message  # the relay's refusal, not a timeout


async def test_a_certificate_nobody_vouches_for_is_refused(smtp_certificate: Path) -> None:
    with (
        secure_smtp_server("starttls", smtp_certificate, trusted=False) as server,
        pytest.raises(mail.MailFailed) as failed,
    ):
        await mail.send(reminder())
    assert "certificate" in failed.value.message and server.messages == []


def test_an_unknown_tls_mode_stops_the_settings_with_a_french_message() -> None:
    with pytest.raises(ValueError, match="PASSNUM_SMTP_TLS doit valoir none, starttls, tls"):
        with passnum_env(SMTP_TLS="ssl3"):
            mail.is_configured()
