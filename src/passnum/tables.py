"""The kernel's own tables: API tokens, the audit trail and the login throttle.

Organisations, their opening slots and memberships live in the organisations app.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, ForeignKey, Integer, Timestamp, Varchar
from piccolo.table import Table

from passnum.clock import StampNow


class ApiToken(Table):
    """A bearer token for machine clients; only its SHA-256 is stored."""

    user = ForeignKey(references=BaseUser, index=True)
    token_hash = Varchar(length=64, unique=True)
    label = Varchar(length=100, default="")
    created_at = Timestamp(default=StampNow())
    revoked_at = Timestamp(null=True, default=None)


class AuditEntry(Table):
    """Append-only history of state changes: who did what to which record, and when.

    The application only ever inserts here (see passnum.audit); nothing updates or deletes rows.
    """

    at = Timestamp(default=StampNow(), index=True)
    user_id = Integer(null=True, default=None)
    user_email = Varchar(length=255, default="")
    action = Varchar(length=60)
    entity = Varchar(length=60)
    entity_id = Varchar(length=60, index=True)
    changes = JSON(default="{}")


class LoginThrottle(Table):
    """Failed logins per e-mail: repeated failures lock the account for a while (staff see it)."""

    email = Varchar(length=255, unique=True)
    failures = Integer(default=0)
    last_failure_at = Timestamp(null=True, default=None)
    locked_until = Timestamp(null=True, default=None)
