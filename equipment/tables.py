"""Tables of the equipment app: inventory, kits, maintenance, loans and the booking ledger.

Every date range that takes an item out of the pool (a loan line or a planned maintenance) is one
row of :class:`Booking`. On PostgreSQL an exclusion constraint on that table (second migration)
makes the database itself refuse two active bookings of one item on overlapping days.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
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


class ItemType(StrEnum):
    laptop = "laptop"
    tablet = "tablet"
    smartphone = "smartphone"
    hotspot = "hotspot"
    projector = "projector"
    other = "other"


class ItemStatus(StrEnum):
    available = "available"
    on_loan = "on_loan"
    maintenance = "maintenance"
    retired = "retired"
    lost = "lost"


class LoanStatus(StrEnum):
    reserved = "reserved"
    checked_out = "checked_out"
    partially_returned = "partially_returned"
    returned = "returned"
    cancelled = "cancelled"


class FleetRules(Table):
    """The one row of fleet settings staff can change (id 1), and the asset-tag counter."""

    id: Serial
    min_notice_days = Integer(default=0)
    max_duration_days = Integer(default=90)
    max_items_per_borrower = Integer(default=30)
    due_soon_days = Integer(default=2)
    max_extensions = Integer(default=1)  # extensions a borrower may ask for itself, per loan
    asset_tag_prefix = Varchar(length=10, default="MAN")
    last_asset_number = Integer(default=0)


class Item(Table):
    id: Serial
    item_type = Varchar(length=20, choices=ItemType, index=True)
    brand = Varchar(length=80, default="")
    model = Varchar(length=120, default="")
    serial = Varchar(length=80, unique=True)  # and unique whatever its case: index on lower(serial)
    asset_tag = Varchar(length=20, unique=True)
    declared_value_cents = Integer(default=0)
    accessories = JSON(default="[]")
    purchase_date = Date(null=True, default=None)
    status = Varchar(length=20, choices=ItemStatus, default=ItemStatus.available.value, index=True)
    notes = Text(default="")
    created_at = Timestamp(default=StampNow())


class Kit(Table):
    """Items lent together, e.g. "Valise 8 tablettes"."""

    id: Serial
    name = Varchar(length=120, unique=True)
    notes = Text(default="")


class CataloguePhoto(Table):
    """A photo staff add to the borrowers' catalogue: of an item type (``item_type``, e.g.
    "tablet") or of a kit (``kit``), one each. The image is a document of the kernel's storage
    (``key``, which ends with a hash of its bytes: a new photo is a new address, cached for
    good by browsers); ``width`` and ``height`` are its pixels as served."""

    id: Serial
    item_type = Varchar(length=20, choices=ItemType, null=True, default=None, unique=True)
    kit = ForeignKey(
        references=Kit, null=True, default=None, unique=True, on_delete=OnDelete.cascade
    )
    key = Varchar(length=255, unique=True)
    content_type = Varchar(length=40)
    width = Integer()
    height = Integer()
    updated_at = Timestamp(default=StampNow())


class KitItem(Table):
    """An item belongs to at most one kit."""

    id: Serial
    kit = ForeignKey(references=Kit, index=True)
    item = ForeignKey(references=Item, unique=True)


class MaintenanceRecord(Table):
    """A repair or check. ``end_date`` None means open: the item is blocked from ``start_date``."""

    id: Serial
    item = ForeignKey(references=Item, index=True)
    start_date = Date()
    end_date = Date(null=True, default=None)
    description = Text(default="")
    cost_cents = Integer(default=0)
    created_at = Timestamp(default=StampNow())
    # Opened for a device returned with personal data not wiped: closing it confirms the wipe.
    wipe_required = Boolean(default=False)


class Loan(Table):
    id: Serial
    number = Varchar(length=20, unique=True, null=True, default=None)
    borrower = ForeignKey(references=Organisation, index=True)
    contact_name = Varchar(length=120)
    contact_phone = Varchar(length=30, default="")
    contact_email = Varchar(length=200, default="")
    start_date = Date()
    due_date = Date()
    purpose = Text(default="")
    status = Varchar(length=20, choices=LoanStatus, default=LoanStatus.reserved.value, index=True)
    checked_out_at = Timestamp(null=True, default=None)
    closed_at = Timestamp(null=True, default=None)
    created_at = Timestamp(default=StampNow())
    borrower_extensions = Integer(default=0)  # granted on the borrower's own asking


class LoanItem(Table):
    """One item of a loan: hand-over checklist, then what came back (or that it was lost)."""

    id: Serial
    loan = ForeignKey(references=Loan, index=True)
    item = ForeignKey(references=Item, index=True)
    checkout_checklist = JSON(default="{}")
    checkout_note = Text(default="")
    returned_at = Timestamp(null=True, default=None)
    return_note = Text(default="")
    missing_accessories = JSON(default="[]")
    data_wiped = Boolean(null=True, default=None)
    damaged = Boolean(default=False)
    lost = Boolean(default=False)


class LoanSignature(Table):
    """The borrower's contact signing on the tablet, at hand-over (``handover``) or at a return.

    ``method`` is ``drawn`` (``image``: the PNG drawn on the screen) or ``typed`` (the keyboard
    alternative: the name typed and a confirmation box ticked). The signed slip is kept in the
    document storage under ``slip_key``; ``slip_sha256`` lets anyone check a copy of it later.
    """

    id: Serial
    loan = ForeignKey(references=Loan, index=True)
    moment = Varchar(length=10)
    signer_name = Varchar(length=120)
    method = Varchar(length=10)
    image = Bytea(null=True, default=None)
    signed_at = Timestamp(default=StampNow())
    agent_name = Varchar(length=200, default="")
    slip_key = Varchar(length=300, default="")
    slip_sha256 = Varchar(length=64, default="", index=True)


class Booking(Table):
    """Days an item is taken: by a loan line or by maintenance; inclusive ``start``..``end``."""

    id: Serial
    item = ForeignKey(references=Item, index=True)
    start_date = Date()
    end_date = Date()
    active = Boolean(default=True)
    loan_item = ForeignKey(references=LoanItem, null=True, default=None)
    maintenance = ForeignKey(references=MaintenanceRecord, null=True, default=None)


class ReminderSent(Table):
    """One row per reminder e-mail: the unique key is what keeps cron from sending it twice."""

    id: Serial
    key = Varchar(length=80, unique=True)
    loan = ForeignKey(references=Loan, index=True)
    kind = Varchar(length=20)
    recipient = Varchar(length=200, default="")
    sent_at = Timestamp(default=StampNow())


class StockTake(Table):
    """An inventory audit: staff scan the labels on the shelf; what was not scanned is missing.

    Open, its result is worked out from the inventory as it is now; closed (``closed_at``), the
    result is frozen in ``results`` (seen, missing, seen but marked elsewhere, counted).
    """

    id: Serial
    opened_at = Timestamp(default=StampNow())
    opened_by = Integer(null=True, default=None)
    opened_by_name = Varchar(length=200, default="")
    closed_at = Timestamp(null=True, default=None)
    results = JSON(default="{}")


class StockTakeScan(Table):
    """One device seen during an audit (scanned again: still one row)."""

    id: Serial
    stock_take = ForeignKey(references=StockTake, index=True)
    item = ForeignKey(references=Item, index=True)
    scanned_at = Timestamp(default=StampNow())


class RequestStatus(StrEnum):
    pending = "pending"
    waiting = "waiting"  # could not be met when asked: offered when devices free up
    approved = "approved"
    declined = "declined"
    cancelled = "cancelled"


class LoanRequest(Table):
    """A borrower asking for devices (types and quantities, or kits) over some dates; staff
    approve it (a :class:`Loan` of chosen devices, booked like any other) or decline it.

    ``wanted`` is ``{"types": {"tablet": 8}, "kits": [3]}``. ``requested_by`` is the user id of
    the borrower's contact who asked; ``reason`` is the reason of a refusal, or staff's note.
    """

    id: Serial
    borrower = ForeignKey(references=Organisation, index=True)
    requested_by = Integer(null=True, default=None)
    contact_name = Varchar(length=120)
    contact_phone = Varchar(length=30, default="")
    contact_email = Varchar(length=200, default="")
    start_date = Date()
    due_date = Date()
    purpose = Text(default="")
    wanted = JSON(default="{}")
    status = Varchar(
        length=20, choices=RequestStatus, default=RequestStatus.pending.value, index=True
    )
    reason = Text(default="")
    loan = ForeignKey(references=Loan, null=True, default=None)
    decided_at = Timestamp(null=True, default=None)
    decided_by_name = Varchar(length=200, default="")
    created_at = Timestamp(default=StampNow())
