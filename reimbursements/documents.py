"""A statement or a credit note as PDF (through ``printing``) and as French Excel CSV."""

from __future__ import annotations

from passnum import clock
from passnum.csvout import csv_bytes, euros
from passnum.db import as_datetime
from passnum.fr import format_date, format_euros, format_moment, format_month
from passnum.settings import get_settings
from printing import (
    BankDetails,
    StatementCompensation,
    StatementData,
    StatementFunderTotal,
    StatementLine,
    render_statement,
)
from printing.credit_notes import CreditNoteData, CreditNoteLine, render_credit_note
from printing.joint_statements import JointFigure, JointStatementData, render_joint_statement
from reimbursements.bank import bank_in_force
from reimbursements.credit_notes import credit_note_state_label
from reimbursements.joint import JointView
from reimbursements.statements import (
    funder_totals,
    statement_compensations,
    statement_lines,
    statement_status_label,
)
from reimbursements.tables import CreditNote, JointStatement, Statement
from vouchers.choices import activity_label, place_label
from vouchers.rules import accepted_until, validity_text

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
    "numero",
    "financeur",
    "tirage",
    "accepte_jusqu_au",
    "cheques_non_utilises",
    "valeur_euros",
    "montant_euros",
]


def masked(code: str) -> str:
    """Enough to recognise a cheque on paper, not enough to redeem it: ABCD-••••-••••-PQRS."""
    return f"{code[:4]}-••••-••••-{code[-4:]}"


def line_activity(row: dict) -> str:
    label = activity_label(row["activity"])
    place = place_label(row["place"])
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
            line_activity(r),
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
        status_label=statement_status_label(statement.status),
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
        compensations=[
            StatementCompensation(
                as_datetime(c["scanned_at"]),
                masked(c["code"]) if c["code"] else "—",
                c["note"],
                c["amount_cents"],
            )
            for c in await statement_compensations(statement.id)
        ],
    )
    return render_statement(data)


async def statement_csv(statement: Statement) -> bytes:
    rows = [
        [
            as_datetime(r["redeemed_at"]),
            masked(r["code"]),
            activity_label(r["activity"]),
            place_label(r["place"]),
            r["funder_name"],
            euros(r["face_value_cents"]),
            bool(r["late"]),
        ]
        for r in await statement_lines(statement.id)
    ]
    # Compensations for offline scans refused in good faith: rows of their own, after the cheques.
    rows += [
        [
            as_datetime(c["scanned_at"]),
            masked(c["code"]) if c["code"] else "",
            "Compensation (scan hors connexion refusé)",
            "",
            "",
            euros(c["amount_cents"]),
            False,
        ]
        for c in await statement_compensations(statement.id)
    ]
    return csv_bytes(STATEMENT_CSV_HEADER, rows)


async def credit_note_pdf(note: CreditNote) -> bytes:
    """A stored credit note as PDF (``note`` loaded with its batch and funder)."""
    joint = await JointStatement.select().where(JointStatement.id == note.joint_statement).first()
    line = CreditNoteLine(
        batch_label=note.batch.label,
        accepted_until=accepted_until(note.batch.valid_until, note.batch.grace_days),
        cheques=joint["cheques"] if joint else note.unused_cheques,
        unused=note.unused_cheques,
        face_value_cents=note.face_value_cents,
        amount_cents=note.amount_cents,
    )
    agreed = as_datetime(joint["agreed_at"]) if joint and joint["agreed_at"] else None
    issued = as_datetime(note.issued_at) if note.issued_at else None
    data = CreditNoteData(
        funder_name=note.funder.name,
        operator_name=get_settings().operator_name,
        lines=[line],
        total_unused=note.unused_cheques,
        total_cents=note.amount_cents,
        generated_on=clock.today(),
        number=note.number or "",
        state_label=credit_note_state_label(note.state),
        issued_on=issued.date() if issued else None,
        signatory=note.issued_by,
        origin=(
            f"Établi d'après l'état contradictoire accepté le {format_date(agreed.date())} "
            f"par {joint['agreed_by']}."
            if agreed and joint
            else ""
        ),
    )
    return render_credit_note(data)


def credit_note_csv(note: CreditNote) -> bytes:
    rows = [
        [
            note.number or "",
            note.funder.name,
            note.batch.label,
            accepted_until(note.batch.valid_until, note.batch.grace_days),
            note.unused_cheques,
            euros(note.face_value_cents),
            euros(note.amount_cents),
        ]
    ]
    return csv_bytes(CREDIT_CSV_HEADER, rows)


JOINT_CSV_HEADER = [
    "tirage",
    "financeur",
    "accepte_jusqu_au",
    "carnets_emis",
    "carnets_injectes",
    "carnets_entames",
    "cheques",
    "cheques_utilises",
    "cheques_non_utilises",
    "valeur_euros",
    "montant_utilise_euros",
    "montant_non_utilise_euros",
    "etat",
]


def joint_figures(view: JointView) -> list[JointFigure]:
    f = view.figures
    return [
        JointFigure("Carnets émis (imprimés)", f.booklets_issued),
        JointFigure("Carnets injectés (remis à une personne)", f.booklets_handed_out),
        JointFigure("Carnets non injectés", f.booklets_issued - f.booklets_handed_out),
        JointFigure("Carnets entamés (au moins un chèque utilisé)", f.booklets_started),
        JointFigure("Chèques", f.cheques, f.cheques * f.face_value_cents),
        JointFigure("Chèques utilisés (remboursés aux lieux)", f.cheques_used, f.used_cents),
        JointFigure("Chèques non utilisés (avoir)", f.cheques_unused, f.unused_cents),
    ]


def joint_statement_pdf(view: JointView) -> bytes:
    payment = ""
    if view.paid_amount_cents is not None:
        payment = f"Payé par le financeur : {format_euros(view.paid_amount_cents)}"
        payment += f", réf. {view.payment_reference}" if view.payment_reference else ""
    data = JointStatementData(
        batch_label=view.batch_label,
        funder_name=view.funder_name,
        operator_name=get_settings().operator_name,
        validity=validity_text(view.valid_from, view.valid_until, view.grace_days),
        payment=payment,
        figures=joint_figures(view),
        state_label=view.state_label,
        established=(
            f"Établi le {format_moment(as_datetime(view.established_at))} par "
            f"{view.established_by}."
            if view.established_at
            else ""
        ),
        agreed=(
            f"Accepté le {format_moment(as_datetime(view.agreed_at))} par {view.agreed_by}."
            if view.agreed_at
            else ""
        ),
        generated_on=clock.today(),
    )
    return render_joint_statement(data)


def joint_statement_csv(view: JointView) -> bytes:
    f = view.figures
    row = [
        view.batch_label,
        view.funder_name,
        view.accepted_until,
        f.booklets_issued,
        f.booklets_handed_out,
        f.booklets_started,
        f.cheques,
        f.cheques_used,
        f.cheques_unused,
        euros(f.face_value_cents),
        euros(f.used_cents),
        euros(f.unused_cents),
        view.state_label,
    ]
    return csv_bytes(JOINT_CSV_HEADER, [row])


def statement_filename(statement: Statement, extension: str) -> str:
    if statement.number:
        return f"releve-{statement.number}.{extension}"
    return f"releve-{statement.site.id}-{statement.period_start:%Y-%m}.{extension}"
