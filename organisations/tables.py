"""Organisations, their opening slots and their members: what every domain app points at.

The tables were created by the kernel's first migration and handed over to this app without a
change to the database (same table names; see piccolo_migrations/ and docs/architecture.md).
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Time,
    Timestamp,
    Varchar,
)
from piccolo.table import Table

from passnum.auth.actor import Role
from passnum.clock import StampNow


class SiteStatus(StrEnum):
    none = ""
    qualified = "qualified"
    suspended = "suspended"


class LocationSource(StrEnum):
    """Where a site's position comes from: none yet, the geocoder (from its address), a staff
    member who placed or confirmed the marker, or the demo data."""

    none = ""
    geocoder = "geocoder"
    staff = "staff"
    demo = "demo"


class Organisation(Table):
    """A structure of the territory; one organisation can hold several roles at once."""

    id: Serial
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
    rna = Varchar(length=10, null=True, default=None, unique=True)
    legal_representative = Varchar(length=200, default="")
    typology = Varchar(length=200, default="")
    publics = Text(default="")
    website = Varchar(length=300, default="")
    acceslibre_url = Varchar(length=300, default="")
    appointment_url = Varchar(length=300, default="")
    suspension_reason = Text(default="")
    suspended_from = Date(null=True, default=None)
    created_at = Timestamp(default=StampNow())
    # WGS 84 degrees, as the national address API and the open-data schema give them.
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    location_source = Varchar(length=20, default=LocationSource.none.value)
    location_label = Varchar(length=300, default="")  # what the geocoder matched, and its score


class OpeningSlot(Table):
    """A regular permanence of a site, e.g. Wednesday 9:00–12:00 ("mercredi matin")."""

    id: Serial
    organisation = ForeignKey(references=Organisation, index=True)
    weekday = Integer()  # 0 = Monday … 6 = Sunday
    opens = Time()
    closes = Time()
    note = Varchar(length=200, default="")


class Membership(Table):
    """Ties a user to an organisation with one role (the kernel's Role, which guards read)."""

    id: Serial
    user = ForeignKey(references=BaseUser, index=True)
    organisation = ForeignKey(references=Organisation, index=True)
    role = Varchar(length=20, choices=Role)


class AccountLink(Table):
    """A single-use link sent to a person: an invitation (72 h) or a password reset (1 h).

    Only the SHA-256 digest of the token is stored; the link itself is in the e-mail.
    """

    id: Serial
    user = ForeignKey(references=BaseUser, index=True)
    purpose = Varchar(length=20)  # LinkPurpose
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamp()
    used_at = Timestamp(null=True, default=None)
    created_by = Integer(null=True, default=None)  # the staff member's user id, if any
    created_at = Timestamp(default=StampNow())


class ApplicationStatus(StrEnum):
    pending = "pending"
    qualified = "qualified"
    refused = "refused"


class SiteApplication(Table):
    """A structure's application to become a qualified site, sent without an account."""

    id: Serial
    name = Varchar(length=200)
    kind = Varchar(length=60, default="association")
    siret = Varchar(length=14, null=True, default=None)
    rna = Varchar(length=10, null=True, default=None)
    legal_representative = Varchar(length=200, default="")
    address = Varchar(length=300, default="")
    postcode = Varchar(length=5, default="")
    commune = Varchar(length=120, default="")
    insee_code = Varchar(length=5, default="")
    phone = Varchar(length=30, default="")
    email = Varchar(length=200, default="")
    contact_first_name = Varchar(length=100, default="")
    contact_last_name = Varchar(length=100, default="")
    contact_email = Varchar(length=200)
    services = Text(default="")
    opening_hours = Text(default="")
    iban = Varchar(length=34)
    bic = Varchar(length=11)
    account_holder = Varchar(length=200)
    charter_accepted = Boolean(default=False)
    status = Varchar(length=20, default=ApplicationStatus.pending.value, index=True)
    decision_reason = Text(default="")
    decided_at = Timestamp(null=True, default=None)
    organisation = ForeignKey(references=Organisation, null=True, default=None)
    created_at = Timestamp(default=StampNow())
    charter_version = Integer(null=True, default=None)  # the Charter row accepted (None: default)


class Charter(Table):
    """A version of the charter of qualified sites, as staff wrote it; the latest is in force."""

    id: Serial
    text = Text()
    created_by = Integer(null=True, default=None)  # the staff member's user id
    created_at = Timestamp(default=StampNow())


class BankDetailsStatus(StrEnum):
    pending = "pending"  # proposed by the site, waiting for staff
    approved = "approved"
    refused = "refused"
    superseded = "superseded"  # replaced by a newer proposal before staff decided


class BankDetailsEntry(Table, tablename="bank_details"):
    """One version of where a site's reimbursements go, applying from ``valid_from``.

    Rows are never overwritten: a change is a new row (see organisations.bank_details)."""

    id: Serial
    organisation = ForeignKey(references=Organisation, index=True)
    iban = Varchar(length=34)
    bic = Varchar(length=11)
    holder = Varchar(length=200)
    valid_from = Date()
    regie = Boolean(default=False)  # a public body paid through its régie (Trésor public)
    status = Varchar(length=20, default=BankDetailsStatus.pending.value, index=True)
    submitted_by = Integer(null=True, default=None)  # user id; None: an application or import
    submitted_at = Timestamp(default=StampNow())
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamp(null=True, default=None)
    decision_reason = Text(default="")
