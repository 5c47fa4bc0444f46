"""JSON shapes of the vouchers API; services return these Structs, pages read them too."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from passnum import clock

AuditValue = str | int | float | bool | None


class BatchIn(msgspec.Struct, forbid_unknown_fields=True):
    funder_id: int
    label: str
    booklet_count: int
    valid_from: date
    valid_until: date
    face_value_cents: int = 1000
    grace_days: int = 31
    allowed_site_ids: list[int] = msgspec.field(default_factory=list)
    allowed_insee_codes: list[str] = msgspec.field(default_factory=list)


class Batch(msgspec.Struct, clock.WithOffsets):
    id: int
    funder_id: int
    funder_name: str
    label: str
    booklet_count: int
    first_number: str
    last_number: str
    face_value_cents: int
    valid_from: date
    valid_until: date
    grace_days: int
    accepted_until: date
    validity: str  # the one wording of vouchers.rules.validity_text
    allowed_site_ids: list[int]
    allowed_insee_codes: list[str]
    status: str
    paid_at: datetime | None
    created_at: datetime
    booklets_by_status: dict[str, int] = msgspec.field(default_factory=dict)
    cheques_redeemed: int = 0
    face_total_cents: int = 0  # booklets × 5 cheques × face value: what the funder owes
    paid_on: date | None = None
    paid_amount_cents: int | None = None
    payment_reference: str = ""
    payment_difference: str = ""


class ActivateIn(msgspec.Struct, forbid_unknown_fields=True):
    """The funder's payment: all three are required (422 naming the missing one);
    ``difference_reason`` when the amount is not the run's face value."""

    amount_cents: int | None = None
    payment_reference: str = ""
    paid_on: date | None = None
    difference_reason: str = ""


class StockMoveIn(msgspec.Struct, forbid_unknown_fields=True):
    """Either ``count`` booklets (lowest numbers first) or the range first..last number.

    ``from_organisation_id`` absent: from the Département's stock (an allocation)."""

    to_organisation_id: int
    batch_id: int | None = None
    from_organisation_id: int | None = None
    count: int | None = None
    first_number: str | None = None
    last_number: str | None = None


class StockMove(msgspec.Struct):
    to_organisation_id: int
    from_organisation_id: int | None
    count: int
    first_number: str
    last_number: str


class StockLine(msgspec.Struct):
    organisation_id: int
    organisation_name: str
    batch_id: int
    batch_label: str
    batch_status: str
    funder_name: str
    valid_until: date
    validity: str  # the one wording of vouchers.rules.validity_text
    available: int
    first_number: str
    last_number: str


class BeneficiaryIn(msgspec.Struct, forbid_unknown_fields=True):
    consent: bool = False
    insee_code: str = ""
    age_band: str = "unknown"
    social_status: str = "unknown"
    needs: list[str] = msgspec.field(default_factory=list)
    reference: str = ""


class HandOutIn(msgspec.Struct, forbid_unknown_fields=True):
    booklet_number: str
    beneficiary: BeneficiaryIn | None = None
    replaces: str | None = None


class SiteInfo(msgspec.Struct):
    id: int
    name: str
    commune: str
    address: str
    phone: str
    opening_slots: str


class NearSite(msgspec.Struct):
    """One of the places nearest to the person's commune, with its next opening."""

    id: int
    name: str
    commune: str
    address: str
    phone: str
    distance: str  # "3,2 km", as the crow flies from the commune's centre
    next_opening: str  # "mercredi 2 décembre, 9 h – 12 h", or "" without opening hours


class HandOut(msgspec.Struct, clock.WithOffsets):
    """What the hand-over receipt shows the person: where to go and until when."""

    booklet_number: str
    issued_at: datetime
    prescriber_name: str
    funder_name: str
    face_value_cents: int
    cheque_count: int
    valid_from: date
    accepted_until: date
    validity: str  # the one wording of vouchers.rules.validity_text
    accepted_everywhere: bool
    # The sites of the batch's perimeter; empty when it is accepted everywhere: every qualified
    # site is then in the public directory (directory_url), not repeated on each receipt.
    accepted_sites: list[SiteInfo]
    directory_url: str
    operator_phone: str
    replaces: str | None = None
    # The three accepted places nearest to the person's commune (when it was recorded).
    nearest: list[NearSite] = msgspec.field(default_factory=list)
    commune_name: str = ""


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    note: str = ""


class CancelledBooklet(msgspec.Struct):
    booklet_number: str
    status: str
    cancelled_cheques: int
    reason: str


class RedemptionIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    activity: str
    place: str = "site"
    themes: list[str] = msgspec.field(default_factory=list)
    duration_minutes: int | None = None
    site_id: int | None = None


class Redemption(msgspec.Struct, clock.WithOffsets):
    result: str
    code: str
    code_display: str
    booklet_number: str
    position: int
    face_value_cents: int
    funder: str
    site: str
    site_id: int
    redeemed_at: datetime
    activity: str
    place: str


class ReversalIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class Reversal(msgspec.Struct, clock.WithOffsets):
    """A redemption reversed: the cheque is valid again; who, when and why."""

    code: str
    code_display: str
    booklet_number: str
    position: int
    status: str
    site: str | None
    redeemed_at: datetime
    reversed_at: datetime
    reversed_by: str
    reason: str


class ChequePublic(msgspec.Struct):
    """The public view of a cheque: never beneficiary data, never other cheques."""

    code: str
    code_display: str
    status: str
    status_label: str
    face_value_cents: int
    funder: str
    valid_from: date
    valid_until: date
    accepted_until: date
    validity: str  # the one wording of vouchers.rules.validity_text
    accepted_everywhere: bool
    # As on the receipt: the perimeter's sites, or none and the directory when valid everywhere.
    accepted_sites: list[SiteInfo]
    directory_url: str


class ChequeUse(msgspec.Struct, clock.WithOffsets):
    position: int
    status: str
    redeemed_at: datetime | None = None
    site: str | None = None
    activity: str | None = None


class FeedbackBooklet(msgspec.Struct, clock.WithOffsets):
    """A booklet the prescriber's organisation handed out, and what became of it."""

    booklet_number: str
    status: str
    issued_at: datetime | None
    reference: str
    commune: str  # INSEE code
    needs: list[str]
    accepted_until: date
    used_count: int
    cheques: list[ChequeUse]
    commune_name: str = ""  # the official name, what a person reads


class BeneficiaryView(msgspec.Struct, clock.WithOffsets):
    """A beneficiary record as staff see it: the internal reference stays with the prescriber."""

    prescriber: str
    insee_code: str
    age_band: str
    social_status: str
    needs: list[str]
    consent: bool
    created_at: datetime
    anonymised_at: datetime | None
    commune_name: str = ""  # the official name of insee_code, what a person reads


class ChequeDetail(msgspec.Struct, clock.WithOffsets):
    id: int
    position: int
    code: str
    code_display: str
    status: str
    redeemed_at: datetime | None
    site: str | None
    redeemed_by: str | None
    activity: str
    place: str
    themes: list[str]
    duration_minutes: int | None


class ScanEntry(msgspec.Struct, clock.WithOffsets):
    at: datetime
    user: str | None
    site: str | None
    result: str
    cheque_code: str | None


class OfflineScanEntry(msgspec.Struct, clock.WithOffsets):
    """A scan made without network: the time used, the phone's, and the server's reception."""

    scanned_at: datetime
    device_scanned_at: datetime | None
    received_at: datetime
    flagged: bool
    user: str | None
    site: str | None
    result: str
    review: str
    cheque_code: str | None


class AuditView(msgspec.Struct, clock.WithOffsets):
    at: datetime
    user: str
    action: str
    entity: str
    entity_id: str
    changes: dict[str, AuditValue]  # what the entry recorded: {"site": 12, "activity": "…"}
    action_label: str = ""  # the action in French ("Chèque accepté")
    details: list[str] = msgspec.field(default_factory=list)  # "Lieu : Mairie de Lessay", …


class BookletHistory(msgspec.Struct, clock.WithOffsets):
    booklet_number: str
    status: str
    batch_id: int
    batch_label: str
    funder: str
    holder: str | None
    allocated_at: datetime | None
    issued_at: datetime | None
    issued_by: str | None
    accepted_until: date
    cancelled_at: datetime | None
    cancel_reason: str
    cancel_note: str
    replaces: str | None
    beneficiary: BeneficiaryView | None
    cheques: list[ChequeDetail]
    scans: list[ScanEntry]
    audit: list[AuditView]
    matched_code: str | None = None
    offline_scans: list[OfflineScanEntry] = msgspec.field(default_factory=list)


class SiteRedemption(msgspec.Struct, clock.WithOffsets):
    code: str
    code_display: str
    booklet_number: str
    position: int
    redeemed_at: datetime
    activity: str
    place: str
    agent: str | None
    can_reverse: bool = False  # the reader may reverse it now (own scan, within 15 minutes)


class Statistics(msgspec.Struct):
    booklets_issued: int
    cheques_redeemed: int
    face_value_redeemed_cents: int
    by_need: dict[str, int]
    by_age_band: dict[str, int]
    by_social_status: dict[str, int]
    by_commune: dict[str, int]
    by_activity: dict[str, int]
    by_place: dict[str, int]


# --- Scanning without a network (vouchers.services.offline) ------------------------------------


class OfflineKitSite(msgspec.Struct):
    id: int
    name: str


class OfflineKitBatch(msgspec.Struct):
    """What the booklets of one print run share: value, dates, and which of the agent's sites
    accept them (ids of ``OfflineKit.sites``)."""

    face_value_cents: int
    funder: str
    valid_from: date
    last_day: date
    site_ids: list[int]


class OfflineKit(msgspec.Struct, clock.WithOffsets):
    """The list a scanner decides from without network: keyed hashes, never codes.

    ``booklets``: one string per handed-out booklet, ``"<batch index> <booklet number> <valid>
    <redeemed>"``, where ``valid`` and ``redeemed`` are each cheque's position (1-5) followed by
    the 8 characters of its hash: base64url of the first 6 bytes of HMAC-SHA256(``key``, code).
    """

    generated_at: datetime
    refresh_after: datetime
    expires_at: datetime
    token: str
    key: str
    sites: list[OfflineKitSite]
    batches: list[OfflineKitBatch]
    booklets: list[str]
    cheque_count: int
    redeemed_count: int


class OfflineScanIn(msgspec.Struct, forbid_unknown_fields=True):
    """A cheque accepted offline: ``client_id`` is the phone's UUID for this scan, ``scanned_at``
    the phone's clock, ``kit`` the token of the kit it was decided with."""

    client_id: str
    code: str
    scanned_at: datetime
    activity: str
    place: str = "site"
    site_id: int | None = None
    kit: str = ""


class OfflineBatchIn(msgspec.Struct, forbid_unknown_fields=True):
    scans: list[OfflineScanIn]


class OfflineScanResult(msgspec.Struct, clock.WithOffsets):
    """The server's answer for one offline scan. ``result``: ``redeemed``, a refusal code, or
    ``in_progress`` (the same scan is being received by another request: send it again later).
    ``review`` is ``pending`` when the refusal goes to the Département's review."""

    client_id: str
    result: str
    message: str
    scanned_at: datetime | None = None
    flagged: bool = False
    review: str = ""
    code_display: str = ""
    booklet_number: str = ""
    position: int | None = None
    face_value_cents: int | None = None


class OfflineBatch(msgspec.Struct, clock.WithOffsets):
    received_at: datetime
    results: list[OfflineScanResult]


class OfflineReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: str  # "compensate" or "reject"
    note: str = ""


class OfflineReview(msgspec.Struct, clock.WithOffsets):
    """A refused offline acceptance in staff's review list, with both scans' evidence.

    Its times carry the operator's offset; ``won_*`` describe the redemption that got the cheque
    first, if any.
    """

    id: int
    client_id: str
    scanned_at: datetime
    device_scanned_at: datetime | None
    received_at: datetime
    kit_at: datetime | None
    flagged: bool
    result: str
    message: str
    review: str  # pending, compensate, reject
    review_note: str
    reviewed_at: datetime | None
    compensation_cents: int
    activity: str
    place: str
    site_id: int
    site: str
    agent: str
    code: str | None
    position: int | None
    won_at: datetime | None
    won_site: str | None
    won_agent: str | None
    booklet_number: str | None
    face_value_cents: int | None
    reviewer: str | None
    code_display: str
    review_label: str


class OfflineReviewDecision(msgspec.Struct):
    id: int
    decision: str


class Branding(msgspec.Struct, clock.WithOffsets):
    """A funder's booklet covers: its message and logo (type and size), if any."""

    funder_id: int
    funder_name: str
    message: str
    logo_type: str | None
    logo_width: int | None
    logo_height: int | None
    updated_at: datetime | None
