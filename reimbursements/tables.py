"""Statements (relevés): what each site is owed for one period, cheque by cheque.

The database keeps the two promises: ``StatementLine.cheque`` is UNIQUE, so a cheque is on exactly
one statement, and (site, period_start) is UNIQUE (index created in the migration), so building
the same month twice, even at the same time, never makes two statements for one site.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamp, Varchar
from piccolo.table import Table

from organisations.tables import Organisation
from passnum.clock import StampNow
from vouchers.tables import Batch, Cheque, OfflineScan


class StatementStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    paid = "paid"


class Statement(Table):
    """Totals are stored when the draft is (re)built and frozen once submitted."""

    id: Serial
    site = ForeignKey(references=Organisation, index=True)
    period_start = Date(index=True)
    period_end = Date()
    status = Varchar(length=20, default=StatementStatus.draft.value, index=True)
    cheque_count = Integer(default=0)
    total_cents = Integer(default=0)
    late_count = Integer(default=0)
    created_at = Timestamp(default=StampNow())
    submitted_at = Timestamp(null=True, default=None)
    paid_on = Date(null=True, default=None)
    payment_reference = Varchar(length=100, default="")
    # Given at submission and never changed: the year's next number (RL-2026-0001), the site's
    # SIRET and bank details in force that day (IBAN masked), and who submitted it for the operator.
    number = Varchar(
        length=20, null=True, default=None
    )  # UNIQUE index statement_number (migration)
    site_siret = Varchar(length=14, default="")
    bank_holder = Varchar(length=200, default="")
    bank_iban_masked = Varchar(length=60, default="")
    bank_bic = Varchar(length=11, default="")
    bank_details_id = Integer(null=True, default=None)  # organisations' bank_details version
    submitted_by = Varchar(length=255, default="")


class StatementLine(Table):
    """One redeemed cheque on one statement; ``late`` when redeemed before the period."""

    id: Serial
    statement = ForeignKey(references=Statement, index=True)
    cheque = ForeignKey(references=Cheque, unique=True)
    funder = ForeignKey(references=Organisation, index=True)
    batch = ForeignKey(references=Batch, index=True)
    face_value_cents = Integer()
    redeemed_at = Timestamp()
    late = Boolean(default=False)


class StatementCompensation(Table):
    """The Département compensating a site for a cheque it accepted offline in good faith but the
    server refused (vouchers' offline review, decision "compensate"): a line of its own on the
    site's next statement, apart from cheque lines, so the cheque stays on exactly one statement
    (the redemption that won). ``offline_scan`` is UNIQUE: one compensation, once."""

    id: Serial
    statement = ForeignKey(references=Statement, index=True)
    offline_scan = ForeignKey(references=OfflineScan, unique=True)
    amount_cents = Integer()
    note = Text(default="")


class DocumentCounter(Table):
    """The last number given in one series of one year (``series`` "RL-2026", "AV-2027").

    Taken with one upsert inside the transaction that writes the document (see
    :mod:`reimbursements.numbering`): a rolled-back document gives its number back.
    """

    id: Serial
    series = Varchar(length=20, unique=True)
    last = Integer(default=0)


class JointStatementState(StrEnum):
    established = "established"  # figures frozen by the operator, waiting for the funder
    agreed = "agreed"  # the funder (or staff on its written word) agreed them


class JointStatement(Table):
    """The état contradictoire of one print run once its grace period is over: what became of its
    booklets and cheques, frozen when the operator establishes it, then agreed by the funder."""

    id: Serial
    batch = ForeignKey(references=Batch, unique=True)
    funder = ForeignKey(references=Organisation, index=True)
    state = Varchar(length=20, default=JointStatementState.established.value)
    face_value_cents = Integer()
    booklets_issued = Integer()
    booklets_handed_out = Integer()
    booklets_started = Integer()
    cheques = Integer()
    cheques_used = Integer()
    cheques_unused = Integer()
    used_cents = Integer()
    unused_cents = Integer()
    established_at = Timestamp(default=StampNow())
    established_by = Varchar(length=255, default="")
    agreed_at = Timestamp(null=True, default=None)
    agreed_by = Varchar(length=255, default="")


class CreditNoteState(StrEnum):
    draft = "draft"
    issued = "issued"
    settled = "settled"


class CreditNote(Table):
    """An avoir: the face value of a run's unused cheques, from its agreed joint statement.

    The amount is written once, at creation, from the joint statement; nothing updates it. The
    number (AV-2027-0001) is given at issue (UNIQUE index credit_note_number, migration)."""

    id: Serial
    joint_statement = ForeignKey(references=JointStatement, unique=True)
    batch = ForeignKey(references=Batch, index=True)
    funder = ForeignKey(references=Organisation, index=True)
    number = Varchar(length=20, null=True, default=None)
    state = Varchar(length=20, default=CreditNoteState.draft.value, index=True)
    unused_cheques = Integer()
    face_value_cents = Integer()
    amount_cents = Integer()
    created_at = Timestamp(default=StampNow())
    created_by = Varchar(length=255, default="")
    issued_at = Timestamp(null=True, default=None)
    issued_by = Varchar(length=255, default="")
    settled_at = Timestamp(null=True, default=None)
    settled_on = Date(null=True, default=None)
    settlement_reference = Varchar(length=100, default="")


class PaymentRunState(StrEnum):
    prepared = "prepared"  # files built, waiting for the bank / the treasury
    paid = "paid"  # staff recorded the payment: its statements are paid
    cancelled = "cancelled"  # staff cancelled it before payment: its statements are free again


class PaymentRun(Table):
    """A batch of submitted statements paid together: a SEPA credit transfer file for the sites
    paid by transfer and a CSV of mandates for those paid through the treasury (régie). Its
    reference (VR-2026-0001) is written on each statement once the run is paid. A cancelled run
    keeps its reference (never given again), its files and, in :class:`PaymentRunReleasedItem`,
    the statements it held."""

    id: Serial
    reference = Varchar(length=20, unique=True)
    state = Varchar(length=20, default=PaymentRunState.prepared.value, index=True)
    statement_count = Integer(default=0)
    total_cents = Integer(default=0)
    transfer_cents = Integer(default=0)
    treasury_cents = Integer(default=0)
    execution_date = Date()
    created_at = Timestamp(default=StampNow())
    created_by = Varchar(length=255, default="")
    paid_on = Date(null=True, default=None)
    paid_by = Varchar(length=255, default="")
    cancelled_at = Timestamp(null=True, default=None)
    cancelled_by = Varchar(length=255, default="")
    cancellation_reason = Text(default="")


class PaymentRunItem(Table):
    """One statement in one run. ``statement`` is UNIQUE: a statement is never in two runs."""

    id: Serial
    run = ForeignKey(references=PaymentRun, index=True)
    statement = ForeignKey(references=Statement, unique=True)
    bank_details_id = Integer()  # the organisations' bank details version paid
    treasury = Boolean(default=False)  # paid through the treasury (régie): CSV, not SEPA
    amount_cents = Integer()


class PaymentRunReleasedItem(Table):
    """One statement a cancelled run held, moved here from :class:`PaymentRunItem` when the run
    was cancelled: the statement is free for another run (``payment_run_item.statement`` is
    UNIQUE), and the cancelled run still says what it held, on which account, for how much. Not
    unique: a statement may have been in several cancelled runs."""

    id: Serial
    run = ForeignKey(references=PaymentRun, index=True)
    statement = ForeignKey(references=Statement, index=True)
    bank_details_id = Integer()
    treasury = Boolean(default=False)
    amount_cents = Integer()
