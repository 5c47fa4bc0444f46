"""Tables of the vouchers app: print runs, booklets, cheques, beneficiaries, scan ledger.

Statuses store facts (handed out, used, cancelled); expiry is always computed from the dates at
request time (see :mod:`vouchers.rules`), so no nightly job is needed for correctness.
Foreign keys restrict deletion: deleting an organisation or user never erases cheques or ledger.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamp,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from organisations.tables import Organisation
from passnum.clock import StampNow


class Batch(Table):
    """A print run paid by one funder; its booklets can be handed out once it is active.

    The perimeter is optional: when ``allowed_site_ids`` or ``allowed_insee_codes`` is non-empty,
    a site is accepted if its id is listed or its commune (INSEE code) is listed.
    """

    id: Serial
    funder = ForeignKey(on_delete=OnDelete.restrict, references=Organisation, index=True)
    label = Varchar(length=200)
    booklet_count = Integer()
    first_serial = Integer(default=0)
    face_value_cents = Integer(default=1000)
    valid_from = Date()
    valid_until = Date()
    grace_days = Integer(default=31)
    allowed_site_ids = JSON(default="[]")
    allowed_insee_codes = JSON(default="[]")
    status = Varchar(length=20, default="draft")
    paid_at = Timestamp(null=True, default=None)
    created_at = Timestamp(default=StampNow())
    # The funder's payment, recorded at activation: amount received, reference of the title,
    # mandate or invoice, the day it was paid, and why the amount differs from the face value.
    paid_on = Date(null=True, default=None)
    paid_amount_cents = Integer(null=True, default=None)
    payment_reference = Varchar(length=100, default="")
    payment_difference = Text(default="")


class Beneficiary(Table):
    """The minimum a prescriber records at hand-over; no name. ``reference`` is visible only to
    the prescriber's organisation and is erased by anonymisation with the free text."""

    id: Serial
    prescriber = ForeignKey(on_delete=OnDelete.restrict, references=Organisation, index=True)
    reference = Varchar(length=100, default="")
    insee_code = Varchar(length=5, default="")
    age_band = Varchar(length=20, default="unknown")
    social_status = Varchar(length=20, default="unknown")
    needs = JSON(default="[]")
    consent = Boolean(default=False)
    created_at = Timestamp(default=StampNow())
    anonymised_at = Timestamp(null=True, default=None)


class Booklet(Table):
    """Five cheques under one printed number; ``holder`` is the organisation holding or having
    handed it out; ``used_count`` is kept by redemptions (row-locked increment)."""

    id: Serial
    number = Varchar(length=8, unique=True)
    serial = Integer(unique=True)
    batch = ForeignKey(on_delete=OnDelete.restrict, references=Batch, index=True)
    status = Varchar(length=20, default="in_stock", index=True)
    holder = ForeignKey(
        on_delete=OnDelete.restrict, references=Organisation, null=True, default=None, index=True
    )
    allocated_at = Timestamp(null=True, default=None)
    issued_at = Timestamp(null=True, default=None, index=True)
    issued_by = ForeignKey(
        on_delete=OnDelete.restrict, references=BaseUser, null=True, default=None
    )
    beneficiary = ForeignKey(
        on_delete=OnDelete.restrict, references=Beneficiary, null=True, default=None, index=True
    )
    replaces = Integer(null=True, default=None)
    used_count = Integer(default=0)
    exhausted_at = Timestamp(null=True, default=None)
    cancelled_at = Timestamp(null=True, default=None)
    cancelled_by = ForeignKey(
        on_delete=OnDelete.restrict, references=BaseUser, null=True, default=None
    )
    cancel_reason = Varchar(length=20, default="")
    cancel_note = Text(default="")


class Cheque(Table):
    """One session of help; redeemed at most once (a conditional UPDATE decides)."""

    id: Serial
    booklet = ForeignKey(on_delete=OnDelete.restrict, references=Booklet, index=True)
    position = Integer()
    code = Varchar(length=16, unique=True)
    status = Varchar(length=20, default="valid")
    redeemed_at = Timestamp(null=True, default=None, index=True)
    site = ForeignKey(
        on_delete=OnDelete.restrict, references=Organisation, null=True, default=None, index=True
    )
    redeemed_by = ForeignKey(
        on_delete=OnDelete.restrict, references=BaseUser, null=True, default=None
    )
    activity = Varchar(length=20, default="")
    place = Varchar(length=20, default="")
    themes = JSON(default="[]")
    duration_minutes = Integer(null=True, default=None)
    cancelled_at = Timestamp(null=True, default=None)


class ScanAttempt(Table):
    """Append-only ledger of every scan, accepted or refused. The application only inserts.

    For codes matching no cheque, only a keyed hash (HMAC-SHA256) of the normalised text is kept.
    """

    id: Serial
    at = Timestamp(default=StampNow(), index=True)
    user = ForeignKey(on_delete=OnDelete.restrict, references=BaseUser, null=True, default=None)
    site = ForeignKey(
        on_delete=OnDelete.restrict, references=Organisation, null=True, default=None, index=True
    )
    result = Varchar(length=30)
    cheque = ForeignKey(
        on_delete=OnDelete.restrict, references=Cheque, null=True, default=None, index=True
    )
    text_hash = Varchar(length=64, default="")


class IdempotencyRecord(Table):
    """A request made with an ``Idempotency-Key``: ``scope`` is "user id:key"; while
    ``status_code`` is null the first request is still in flight."""

    id: Serial
    scope = Varchar(length=300, unique=True)
    fingerprint = Varchar(length=64)
    status_code = Integer(null=True, default=None)
    body = JSON(default="{}")
    created_at = Timestamp(default=StampNow(), index=True)


class OfflineScan(Table):
    """A cheque accepted by a scanner without network, received later in a batch (the ledger of
    offline scans: when the phone scanned it, when the server received it, what it decided).

    ``client_id`` is the phone's UUID of the scan: a batch sent twice changes nothing.
    ``scanned_at`` is the time used (the phone's, or the reception time when the phone's was
    outside its bounds: then ``flagged``). A refused offline acceptance (already redeemed,
    cancelled meanwhile…) waits in staff's review (``review`` = pending, then compensate or
    reject), with staff's note; the site agent sees the decision.
    """

    id: Serial
    client_id = Varchar(length=64, unique=True)
    user = ForeignKey(on_delete=OnDelete.restrict, references=BaseUser, index=True)
    site = ForeignKey(on_delete=OnDelete.restrict, references=Organisation, index=True)
    cheque = ForeignKey(
        on_delete=OnDelete.restrict, references=Cheque, null=True, default=None, index=True
    )
    text_hash = Varchar(length=64, default="")
    activity = Varchar(length=20, default="")
    place = Varchar(length=20, default="")
    device_scanned_at = Timestamp(null=True, default=None)
    scanned_at = Timestamp()
    received_at = Timestamp(default=StampNow(), index=True)
    kit_at = Timestamp(null=True, default=None)
    flagged = Boolean(default=False)
    result = Varchar(length=30)
    message = Text(default="")
    review = Varchar(length=20, default="", index=True)
    review_note = Text(default="")
    reviewed_by = ForeignKey(
        on_delete=OnDelete.restrict, references=BaseUser, null=True, default=None
    )
    reviewed_at = Timestamp(null=True, default=None)
    compensation_cents = Integer(default=0)


class FunderBranding(Table):
    """What a funder prints on its booklets' covers: a one-line message and a logo (PNG or
    JPEG, kept in the document storage under ``logo_key``; checked on upload)."""

    id: Serial
    funder = ForeignKey(on_delete=OnDelete.restrict, references=Organisation, unique=True)
    message = Varchar(length=60, default="")
    logo_key = Varchar(length=255, default="")
    logo_type = Varchar(length=20, default="")
    logo_width = Integer(default=0)
    logo_height = Integer(default=0)
    updated_at = Timestamp(default=StampNow())


class ValidityAlert(Table):
    """One end-of-validity alert (30, 15 or 7 days before a print run's ``valid_until``) to one
    organisation: the funder, or a prescriber holding booklets of the run. ``key``
    ("batch:organisation:days") is UNIQUE: each alert is raised once, even by two runs at once.
    Shown on the organisation's home page while the run is valid; e-mailed once (``emailed_at``).
    At J-15 the funder confirms that undistributed booklets will be blocked (``confirmed_at``)."""

    id: Serial
    key = Varchar(length=40, unique=True)
    batch = ForeignKey(on_delete=OnDelete.cascade, references=Batch, index=True)
    organisation = ForeignKey(on_delete=OnDelete.cascade, references=Organisation, index=True)
    role = Varchar(length=20)  # funder, prescriber
    days_before = Integer()
    created_at = Timestamp(default=StampNow())
    emailed_at = Timestamp(null=True, default=None)
    confirmed_at = Timestamp(null=True, default=None)
    confirmed_by = Varchar(length=255, default="")
