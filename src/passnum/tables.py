"""The kernel's own tables: API tokens, the audit trail, the login throttle, and the second
factor of a login (TOTP secrets, recovery codes, logins waiting for their code).

Organisations, their opening slots and memberships live in the organisations app.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, BigInt, ForeignKey, Integer, Serial, Timestamp, Varchar
from piccolo.table import Table

from passnum.clock import StampNow


class ApiToken(Table):
    """A bearer token for machine clients; only its SHA-256 is stored."""

    id: Serial
    user = ForeignKey(references=BaseUser, index=True)
    token_hash = Varchar(length=64, unique=True)
    label = Varchar(length=100, default="")
    created_at = Timestamp(default=StampNow())
    revoked_at = Timestamp(null=True, default=None)


class AuditEntry(Table):
    """Append-only history of state changes: who did what to which record, and when.

    The application only ever inserts here (see passnum.audit); nothing updates or deletes rows.
    """

    id: Serial
    at = Timestamp(default=StampNow(), index=True)
    user_id = Integer(null=True, default=None)
    user_email = Varchar(length=255, default="")
    action = Varchar(length=60)
    entity = Varchar(length=60)
    entity_id = Varchar(length=60, index=True)
    changes = JSON(default="{}")


class LoginThrottle(Table):
    """Failed logins per e-mail: repeated failures lock the account for a while (staff see it)."""

    id: Serial
    email = Varchar(length=255, unique=True)
    failures = Integer(default=0)
    last_failure_at = Timestamp(null=True, default=None)
    locked_until = Timestamp(null=True, default=None)


class TwoFactor(Table):
    """A person's authenticator app (TOTP, RFC 6238): its shared secret, once per account.

    ``enabled_at`` is empty while the person has not yet typed a first code (enrolment under
    way); ``last_step`` is the 30-second step of the last code accepted, so a code is never
    accepted twice. The secret must be readable to check codes, so it is stored encrypted
    (``passnum.auth.secret_box``: AES-GCM, a key derived from ``PASSNUM_SECRET_KEY``), never in
    clear: a copy of the database alone gives no one's codes.
    """

    id: Serial
    user = ForeignKey(references=BaseUser, unique=True)
    secret = Varchar(length=255)
    enabled_at = Timestamp(null=True, default=None)
    last_step = BigInt(default=0)
    created_at = Timestamp(default=StampNow())


class RecoveryCode(Table):
    """One recovery code (used when the phone is lost): shown once, stored as SHA-256, used once."""

    id: Serial
    user = ForeignKey(references=BaseUser, index=True)
    code_hash = Varchar(length=64)
    used_at = Timestamp(null=True, default=None)


class LoginChallenge(Table):
    """A login whose password was right and which waits for its second step (a code, or the
    enrolment that production requires of staff): no session exists before it is done.

    The browser holds the token in a cookie; only its SHA-256 is stored. Short-lived.
    """

    id: Serial
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=BaseUser, index=True)
    purpose = Varchar(length=20)  # "code" or "enrol"
    next_path = Varchar(length=500, default="/")
    expires_at = Timestamp()
