"""Organisations, memberships and API tokens: what every domain app points at."""

from __future__ import annotations

from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Time, Timestamp, Varchar
from piccolo.columns.defaults.timestamp import TimestampNow
from piccolo.table import Table


class Role(StrEnum):
    """What a membership lets a user do."""

    staff = "staff"
    funder = "funder"
    prescriber = "prescriber"
    site_agent = "site_agent"


class SiteStatus(StrEnum):
    none = ""
    qualified = "qualified"
    suspended = "suspended"


class Organisation(Table):
    """A structure of the territory; one organisation can hold several roles at once."""

    name = Varchar(length=200)
    kind = Varchar(length=60, default="association")
    siret = Varchar(length=14, null=True, default=None, unique=True)
    address = Varchar(length=300, default="")
    commune = Varchar(length=120, default="")
    insee_code = Varchar(length=5, default="", index=True)
    postcode = Varchar(length=5, default="")
    phone = Varchar(length=30, default="")
    email = Varchar(length=200, default="")
    is_operator = Boolean(default=False)
    is_funder = Boolean(default=False)
    is_prescriber = Boolean(default=False)
    is_site = Boolean(default=False)
    is_borrower = Boolean(default=False)
    site_status = Varchar(length=20, default=SiteStatus.none.value)
    services = Text(default="")
    created_at = Timestamp(default=TimestampNow())


class OpeningSlot(Table):
    """A regular permanence of a site, e.g. Wednesday 9:00–12:00 ("mercredi matin")."""

    organisation = ForeignKey(references=Organisation, index=True)
    weekday = Integer()  # 0 = Monday … 6 = Sunday
    opens = Time()
    closes = Time()
    note = Varchar(length=200, default="")


class Membership(Table):
    """Ties a user to an organisation with one role."""

    user = ForeignKey(references=BaseUser, index=True)
    organisation = ForeignKey(references=Organisation, index=True)
    role = Varchar(length=20, choices=Role)


class ApiToken(Table):
    """A bearer token for machine clients; only its SHA-256 is stored."""

    user = ForeignKey(references=BaseUser, index=True)
    token_hash = Varchar(length=64, unique=True)
    label = Varchar(length=100, default="")
    created_at = Timestamp(default=TimestampNow())
    revoked_at = Timestamp(null=True, default=None)


class AuditEntry(Table):
    """Append-only history of state changes: who did what to which record, and when.

    The application only ever inserts here (see passnum.audit); nothing updates or deletes rows.
    """

    at = Timestamp(default=TimestampNow(), index=True)
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
