"""Every app's background tasks, registered once on the queue (:mod:`passnum.tasks`).

An app with tasks declares ``TASKS = Tasks("app")`` in its own ``tasks.py``; add it here.
"""

from __future__ import annotations

import procrastinate

import equipment.tasks
import organisations.tasks
import reimbursements.tasks
import vouchers.tasks
from passnum import mail, tasks

APP_TASKS = [
    mail.MAIL_TASKS,  # the kernel's e-mails sent later (passnum.mail.send_later)
    organisations.tasks.TASKS,
    vouchers.tasks.TASKS,
    equipment.tasks.TASKS,
    reimbursements.tasks.TASKS,
]


def task_app() -> procrastinate.App:
    """The queue with every app's tasks (built once per process)."""
    return tasks.build(APP_TASKS)
