"""JSON shapes of the reimbursements API."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from passnum import clock


class FunderTotal(msgspec.Struct):
    funder: str
    face_value_cents: int
    count: int
    total_cents: int


class Statement(msgspec.Struct, clock.WithOffsets):
    id: int
    site_id: int
    site: str
    period_start: date
    period_end: date
    status: str
    cheque_count: int
    late_count: int
    total_cents: int
    submitted_at: datetime | None
    paid_on: date | None
    payment_reference: str
    number: str | None = None  # RL-2026-0001, given at submission
    site_siret: str | None = None  # as on the submitted statement
    bank_iban_masked: str | None = None
    submitted_by: str | None = None
    funder_totals: list[FunderTotal] | None = None


class SubmitIn(msgspec.Struct, forbid_unknown_fields=True):
    statement_ids: list[int]


class BuildIn(msgspec.Struct):
    month: str  # "2026-11"


class BuildOut(msgspec.Struct):
    month: str
    statements: int
    cheques_added: int


class PaymentIn(msgspec.Struct):
    paid_on: date
    reference: str


class JointStatement(msgspec.Struct, clock.WithOffsets):
    """A run's joint statement: computed until established, then stored and frozen."""

    batch_id: int
    batch: str
    funder_id: int
    funder: str
    accepted_until: date
    state: str  # not_established | established | agreed
    booklets_issued: int
    booklets_handed_out: int
    booklets_started: int
    cheques: int
    cheques_used: int
    cheques_unused: int
    face_value_cents: int
    used_cents: int
    unused_cents: int
    established_at: datetime | None
    established_by: str | None
    agreed_at: datetime | None
    agreed_by: str | None


class DashboardRun(msgspec.Struct):
    """One running print run on the funder's dashboard: the figures of its joint statement (as
    computed today, or as established), the days left, the alerts raised, its documents."""

    batch_id: int
    batch: str
    funder: str
    status: str
    valid_until: date
    days_left: int  # 0: its last day; negative: ended
    booklets_issued: int
    booklets_handed_out: int
    booklets_started: int
    cheques: int
    cheques_used: int
    cheques_unused: int
    face_value_cents: int
    used_cents: int
    unused_cents: int
    alerts: list[int]  # the end-of-validity steps raised for the funder (30, 15, 7 days before)
    blocking_confirmed: bool
    joint_state: str | None  # the joint statement's state, once there is one
    credit_note_id: int | None
    credit_note_number: str | None  # null while the credit note is a draft


class CreditNote(msgspec.Struct, clock.WithOffsets):
    id: int
    number: str | None  # AV-2027-0001 once issued
    state: str  # draft | issued | settled
    batch_id: int
    batch: str
    funder_id: int
    funder: str
    unused_cheques: int
    face_value_cents: int
    amount_cents: int
    created_at: datetime
    issued_at: datetime | None
    settled_at: datetime | None
    settled_on: date | None
    settlement_reference: str | None


class SettleIn(msgspec.Struct, forbid_unknown_fields=True):
    settled_on: date
    reference: str


class PaymentRunIn(msgspec.Struct, forbid_unknown_fields=True):
    statement_ids: list[int]
    execution_date: date | None = None  # the day the bank pays (default: tomorrow)


class PaymentRunPaidIn(msgspec.Struct, forbid_unknown_fields=True):
    paid_on: date


class PaymentRunCancellationIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str = ""  # why the run is cancelled (required: refused when empty)


class PaymentRunLine(msgspec.Struct):
    statement_id: int
    number: str
    site_id: int
    site: str
    amount_cents: int
    treasury: bool  # paid through the treasury (CSV of mandates), else by SEPA transfer
    iban_masked: str


class PaymentRun(msgspec.Struct, clock.WithOffsets):
    id: int
    reference: str  # VR-2026-0001
    state: str  # prepared, paid, cancelled
    statement_count: int
    total_cents: int
    transfer_cents: int
    treasury_cents: int
    execution_date: date
    created_at: datetime
    paid_on: date | None
    cancelled_at: datetime | None
    cancelled_by: str
    cancellation_reason: str
    lines: list[PaymentRunLine]  # a cancelled run's: the statements it held
