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


class CreditLine(msgspec.Struct):
    batch: str
    accepted_until: date
    cheques: int
    unused: int
    face_value_cents: int
    amount_cents: int


class CreditNote(msgspec.Struct):
    funder_id: int
    funder: str
    total_unused: int
    total_cents: int
    lines: list[CreditLine]
