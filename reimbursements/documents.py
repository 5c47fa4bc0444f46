"""A statement or a credit note as PDF (through ``printing``) and as French Excel CSV."""

from __future__ import annotations

from passnum import clock
from passnum.csvout import csv_bytes, euros
from passnum.db import as_datetime
from passnum.fr import format_month
from passnum.settings import get_settings
from printing import (
    BankDetails,
    StatementData,
    StatementFunderTotal,
    StatementLine,
    render_statement,
)
from printing.credit_notes import render_credit_note
from reimbursements.bank import bank_in_force
from reimbursements.credit_notes import FunderCredit
from reimbursements.statements import STATUS_LABELS, funder_totals, statement_lines
from reimbursements.tables import Statement
from vouchers.choices import ACTIVITIES, PLACES

STATEMENT_CSV_HEADER = [
    "date",
    "cheque",
    "activite",
    "lieu_activite",
    "financeur",
    "valeur_euros",
    "en_retard",
]
CREDIT_CSV_HEADER = [
    "financeur",
    "tirage",
    "accepte_jusqu_au",
    "cheques",
    "non_utilises",
    "valeur_euros",
    "montant_euros",
]


def masked(code: str) -> str:
    """Enough to recognise a cheque on paper, not enough to redeem it: ABCD-••••-••••-PQRS."""
    return f"{code[:4]}-••••-••••-{code[-4:]}"


def activity_label(row: dict) -> str:
    label = ACTIVITIES.get(row["activity"], row["activity"])
    place = PLACES.get(row["place"], "")
    text = f"{label} ({place.lower()})" if place else label
    return text + (" — encaissé en retard" if row["late"] else "")


async def statement_pdf(statement: Statement) -> bytes:
    totals = [
        StatementFunderTotal(
            t["funder_name"], int(t["count"]), t["face_value_cents"], int(t["total_cents"])
        )
        for t in await funder_totals(statement.id)
    ]
    lines = [
        StatementLine(
            masked(r["code"]),
            as_datetime(r["redeemed_at"]),
            activity_label(r),
            r["funder_name"],
            r["face_value_cents"],
        )
        for r in await statement_lines(statement.id)
    ]
    if statement.number:
        bank = (
            BankDetails(statement.bank_holder, statement.bank_iban_masked, statement.bank_bic)
            if statement.bank_iban_masked
            else None
        )
        siret = statement.site_siret
    else:
        bank = await bank_in_force(statement.site.id, clock.today())
        siret = statement.site.siret or ""
    submitted = as_datetime(statement.submitted_at) if statement.submitted_at else None
    data = StatementData(
        site_name=statement.site.name,
        site_siret=siret or "non renseigné",
        period_label=format_month(statement.period_start),
        period_start=statement.period_start,
        period_end=statement.period_end,
        status_label=STATUS_LABELS[statement.status],
        funder_totals=totals,
        lines=lines,
        total_cents=statement.total_cents,
        generated_on=clock.today(),
        payment_date=statement.paid_on,
        payment_reference=statement.payment_reference,
        number=statement.number or "",
        submitted_on=submitted.date() if submitted else None,
        bank=bank,
        operator_name=get_settings().operator_name,
        signatory=statement.submitted_by,
    )
    return render_statement(data)


async def statement_csv(statement: Statement) -> bytes:
    rows = [
        [
            as_datetime(r["redeemed_at"]),
            masked(r["code"]),
            ACTIVITIES.get(r["activity"], ""),
            PLACES.get(r["place"], ""),
            r["funder_name"],
            euros(r["face_value_cents"]),
            bool(r["late"]),
        ]
        for r in await statement_lines(statement.id)
    ]
    return csv_bytes(STATEMENT_CSV_HEADER, rows)


def credit_note_pdf(note: FunderCredit) -> bytes:
    return render_credit_note(note.document(get_settings().operator_name, clock.today()))


def credit_note_csv(note: FunderCredit) -> bytes:
    rows = [
        [
            note.funder_name,
            line.batch_label,
            line.accepted_until,
            line.cheques,
            line.unused,
            euros(line.face_value_cents),
            euros(line.amount_cents),
        ]
        for line in note.lines
    ]
    return csv_bytes(CREDIT_CSV_HEADER, rows)


def statement_filename(statement: Statement, extension: str) -> str:
    if statement.number:
        return f"releve-{statement.number}.{extension}"
    return f"releve-{statement.site.id}-{statement.period_start:%Y-%m}.{extension}"
