"""E-mails nobody waits for go through the task queue (passnum.mail.send_later): sent by a
worker, the relay's refusal kept in French and the message retried."""

from __future__ import annotations

from passnum import mail, tasks
from passnum.tasks.tables import TaskFailure
from tests.smtp_server import SmtpServer

NOTICE = mail.Mail(to="accueil@lessay.test", subject="Votre candidature", body="Bonjour,\n")


async def test_a_queued_email_is_sent_by_a_worker_once(db, smtp_server: SmtpServer):
    await mail.send_later(NOTICE)
    assert smtp_server.messages == []  # not in the request: a worker sends it
    await tasks.work_until_idle()
    await tasks.work_until_idle()
    [message] = smtp_server.messages
    assert message["To"] == "accueil@lessay.test" and message["Subject"] == "Votre candidature"


async def test_a_refused_email_keeps_the_french_reason_and_waits_for_its_next_try(
    db, smtp_server: SmtpServer
):
    await mail.send_later(NOTICE)
    with smtp_server.down():
        await tasks.work_until_idle()
    [job] = await tasks.app().job_manager.list_jobs_async(task="mail:deliver")
    assert job.status == "todo" and job.attempts == 1  # retried in 5 minutes
    [failure] = await TaskFailure.select()
    assert failure["reason"].startswith("L'e-mail à accueil@lessay.test n'a pas pu être envoyé")
    assert smtp_server.messages == []
