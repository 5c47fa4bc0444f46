"""The table of background print jobs (see :mod:`vouchers.jobs`), kept apart so that Piccolo's
table finder imports no service code."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamp, Varchar
from piccolo.table import Table

from passnum.clock import StampNow
from vouchers.tables import Batch


class PrintJob(Table):
    """One print-shop PDF being made for a batch: ``done`` of ``total`` booklets rendered."""

    id: Serial
    batch = ForeignKey(references=Batch, index=True)
    status = Varchar(length=20, default="queued")  # queued, running, done, failed
    total = Integer(default=0)
    done = Integer(default=0)
    file_name = Varchar(length=200, default="")
    error = Text(default="")
    created_by = ForeignKey(references=BaseUser, null=True, default=None)
    created_at = Timestamp(default=StampNow())
    heartbeat_at = Timestamp(null=True, default=None)
    finished_at = Timestamp(null=True, default=None)
