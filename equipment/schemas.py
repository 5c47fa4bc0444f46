"""JSON shapes of the equipment API; services return the ``…View`` structs, for pages too.

Items are named by their asset tag everywhere a person types or scans one ("MAN-00042").
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from passnum import clock


class ItemIn(msgspec.Struct, kw_only=True):
    item_type: str
    serial: str
    brand: str = ""
    model: str = ""
    declared_value_cents: int = 0
    accessories: list[str] = []
    purchase_date: date | None = None
    notes: str = ""
    asset_tag: str | None = None  # generated (prefix + number) when omitted
    status: str = "available"  # or "maintenance" / "retired" (inventory taken over as it is)


class ItemView(msgspec.Struct, kw_only=True):
    id: int
    asset_tag: str
    item_type: str
    type_label: str
    brand: str
    model: str
    serial: str
    declared_value_cents: int
    accessories: list[str]
    purchase_date: date | None
    status: str
    status_label: str
    notes: str
    kit: str | None = None
    qr_url: str = ""


class ItemStatusIn(msgspec.Struct, kw_only=True):
    status: str
    note: str = ""


class KitIn(msgspec.Struct, kw_only=True):
    name: str
    items: list[str]
    notes: str = ""


class KitView(msgspec.Struct, kw_only=True):
    id: int
    name: str
    notes: str
    items: list[str]


class MaintenanceIn(msgspec.Struct, kw_only=True):
    item: str
    start_date: date
    end_date: date | None = None
    description: str = ""
    cost_cents: int = 0


class MaintenanceClose(msgspec.Struct, kw_only=True):
    end_date: date
    description: str | None = None
    cost_cents: int | None = None
    # Required true when the maintenance was opened for a return with personal data not wiped.
    data_wiped: bool = False


class MaintenanceView(msgspec.Struct, kw_only=True):
    wipe_required: bool = False
    id: int
    item: str
    start_date: date
    end_date: date | None
    description: str
    cost_cents: int


class LoanCreate(msgspec.Struct, kw_only=True):
    borrower_id: int
    contact_name: str
    start_date: date
    due_date: date
    contact_phone: str = ""
    contact_email: str = ""
    purpose: str = ""
    items: list[str] = []
    kits: list[int] = []


class LoanExtend(msgspec.Struct, kw_only=True):
    due_date: date


class LoanItemIn(msgspec.Struct, kw_only=True):
    item: str  # the device to add, by asset tag
    replaces: str | None = None  # the device it takes the place of, removed in the same step


class CheckoutLine(msgspec.Struct, kw_only=True):
    item: str
    present: bool = True
    working: bool = True
    accessories_ok: bool = True
    note: str = ""


class SignatureData(msgspec.Struct, kw_only=True):
    """The borrower's signature: a PNG drawn on a screen (base64, or a ``data:image/png`` URL),
    or — ``typed_confirmed`` — the signer's typed name with their confirmation."""

    signer_name: str
    image_png_base64: str = ""
    typed_confirmed: bool = False


class Checkout(msgspec.Struct, kw_only=True):
    lines: list[CheckoutLine]
    signature: SignatureData | None = None  # none: the slip is signed on paper


class ReturnLine(msgspec.Struct, kw_only=True):
    item: str
    data_wiped: bool  # required: staff confirm personal data was wiped (or say it was not)
    damaged: bool = False
    missing_accessories: list[str] = []
    note: str = ""


class Checkin(msgspec.Struct, kw_only=True):
    lines: list[ReturnLine]
    signature: SignatureData | None = None


class SignatureView(msgspec.Struct, clock.WithOffsets, kw_only=True):
    id: int
    moment: str  # handover | return
    signer_name: str
    method: str  # drawn | typed
    signed_at: datetime
    agent_name: str
    slip_sha256: str  # SHA-256 of the signed slip kept (empty until it is stored)
    slip_url: str


class SlipCheck(msgspec.Struct, clock.WithOffsets, kw_only=True):
    sha256: str
    matches: bool
    loan_number: str | None = None
    moment: str | None = None
    signer_name: str | None = None
    signed_at: datetime | None = None


class LossIn(msgspec.Struct, kw_only=True):
    items: list[str]
    note: str = ""


class LoanItemView(msgspec.Struct, clock.WithOffsets, kw_only=True):
    item: str
    item_id: int
    item_type: str
    brand: str
    model: str
    serial: str
    item_status: str
    checkout_checklist: dict[str, bool]  # present, working, accessories_ok ({} before hand-over)
    checkout_note: str
    returned_at: datetime | None
    return_note: str
    missing_accessories: list[str]
    data_wiped: bool | None
    damaged: bool
    lost: bool


class LoanView(msgspec.Struct, clock.WithOffsets, kw_only=True):
    id: int
    number: str
    borrower_id: int
    borrower_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    start_date: date
    due_date: date
    purpose: str
    status: str
    status_label: str
    overdue: bool
    checked_out_at: datetime | None
    closed_at: datetime | None
    items: list[LoanItemView] = []


class Rules(msgspec.Struct, kw_only=True):
    min_notice_days: int
    max_duration_days: int
    max_items_per_borrower: int
    due_soon_days: int
    asset_tag_prefix: str
    max_extensions: int = 1


class RulesChange(msgspec.Struct, kw_only=True):
    """``PUT /api/v1/fleet/rules``: the rules to change. A rule left out (or null) keeps its
    value — a client written before a rule existed does not reset it to its default."""

    min_notice_days: int | None = None
    max_duration_days: int | None = None
    max_items_per_borrower: int | None = None
    due_soon_days: int | None = None
    asset_tag_prefix: str | None = None
    max_extensions: int | None = None


class Availability(msgspec.Struct, kw_only=True):
    start_date: date
    end_date: date
    free_by_type: dict[str, int]
    items: list[ItemView]


class CalendarSegment(msgspec.Struct, kw_only=True):
    start_date: date
    end_date: date | None
    reason: str  # "loan" | "overdue" (out past due: the bar runs until today) | "maintenance"
    loan: str | None = None
    borrower: str | None = None
    status: str | None = None


class CalendarRow(msgspec.Struct, kw_only=True):
    item: str
    label: str
    status: str
    segments: list[CalendarSegment]


class Calendar(msgspec.Struct, kw_only=True):
    item_type: str | None
    start_date: date
    end_date: date
    days: list[date]
    rows: list[CalendarRow]


class ItemHistory(msgspec.Struct, kw_only=True):
    item: ItemView
    loans: list[LoanView]  # one slice, newest first (?limit=&offset= on the API)
    maintenance: list[MaintenanceView]
    loans_total: int = 0  # every loan of the item, whatever the slice


class ImportRejection(msgspec.Struct, kw_only=True):
    line: int
    reason: str


class ImportReport(msgspec.Struct, kw_only=True):
    valid: list[ItemIn]
    rejected: list[ImportRejection]
    imported: int = 0


class IcalLink(msgspec.Struct, kw_only=True):
    url: str


class StockTakeScanIn(msgspec.Struct, kw_only=True):
    code: str = ""  # what the scanner typed: the asset tag, or the QR's item URL


class StockTakeReport(msgspec.Struct, clock.WithOffsets, kw_only=True):
    """An inventory audit: open (worked out from the inventory now) or closed (frozen)."""

    id: int
    opened_at: datetime  # with the operator's offset
    opened_by: str
    closed_at: datetime | None
    seen: list[str]  # asset tags
    missing: list[str]
    seen_but_marked_elsewhere: list[str]


class StockTakeCounts(msgspec.Struct, kw_only=True):
    seen: int
    missing: int
    seen_but_marked_elsewhere: int


class StockTakeSummary(StockTakeReport, kw_only=True):
    counts: StockTakeCounts


class LastSeen(msgspec.Struct, clock.WithOffsets, kw_only=True):
    item: str  # the asset tag asked for
    last_seen: datetime | None  # with the operator's offset; null: never
