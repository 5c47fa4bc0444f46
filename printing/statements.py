"""Monthly statement (relevé) for one site: what it is owed for the cheques it scanned.

Sites are paid face value per cheque; the statement shows the count per funder, the grand total,
every cheque (masked code, date, activity) over as many pages as needed, and the payment status.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from passnum.fr import format_date, format_euros, format_timestamp
from printing.documents import build_pdf, footer, signature_block, styles, table_style


@dataclass(frozen=True, slots=True)
class StatementFunderTotal:
    funder_name: str
    count: int
    face_value_cents: int
    total_cents: int


@dataclass(frozen=True, slots=True)
class StatementLine:
    masked_code: str  # "ABCD-••••-••••-QR5"
    redeemed_at: datetime
    activity_label: str
    funder_name: str
    face_value_cents: int


@dataclass(frozen=True, slots=True)
class StatementCompensation:
    """The operator compensating the site for a cheque accepted offline in good faith and refused
    on synchronisation: its own line, apart from cheque lines."""

    scanned_at: datetime
    masked_code: str
    note: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class BankDetails:
    holder: str
    iban_masked: str  # "FR76 •••• •••• •••• •••• •••• 189"
    bic: str = ""


def bank_line(bank: BankDetails | None) -> str:
    if bank is None:
        return (
            "Coordonnées bancaires : non renseignées ou pas encore validées — le paiement "
            "attend leur validation par le Département."
        )
    bic = f", BIC {bank.bic}" if bank.bic else ""
    return f"Coordonnées bancaires : {bank.holder}, IBAN {bank.iban_masked}{bic}"


@dataclass(frozen=True, slots=True)
class StatementData:
    site_name: str
    site_siret: str
    period_label: str  # "novembre 2026"
    period_start: date
    period_end: date
    status_label: str  # "Brouillon", "Transmis", "Payé"
    funder_totals: list[StatementFunderTotal]
    lines: list[StatementLine]
    total_cents: int  # what the site is paid: its cheques plus its compensations
    generated_on: date
    payment_date: date | None = None
    payment_reference: str = ""
    # Once submitted, an accounting document: its number, the bank details in force that day
    # (IBAN masked) and who signs it for the operator.
    number: str = ""
    submitted_on: date | None = None
    bank: BankDetails | None = None
    operator_name: str = ""
    signatory: str = ""
    compensations: list[StatementCompensation] = field(default_factory=list)

    @property
    def compensated_cents(self) -> int:
        return sum(c.amount_cents for c in self.compensations)


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def _status(statement: StatementData) -> str:
    status = f"Statut : {statement.status_label}"
    if statement.payment_date:
        status += f" — payé le {format_date(statement.payment_date)}"
    if statement.payment_reference:
        status += f" — référence {statement.payment_reference}"
    return status


def _totals_table(statement: StatementData) -> Table:
    rows: list[list[object]] = [["Financeur", "Chèques", "Valeur faciale", "Total"]]
    for total in statement.funder_totals:
        rows.append(
            [
                _p(total.funder_name, "cell"),
                str(total.count),
                format_euros(total.face_value_cents),
                format_euros(total.total_cents),
            ]
        )
    count = sum(total.count for total in statement.funder_totals)
    if statement.compensations:
        compensated = format_euros(statement.compensated_cents)
        rows.append([_p("Compensations (scans hors connexion)", "cell"), "", "", compensated])
    rows.append(["Total à payer", str(count), "", format_euros(statement.total_cents)])
    table = Table(rows, colWidths=[85 * mm, 25 * mm, 35 * mm, 35 * mm])
    style = table_style(total_row=True)
    style.add("ALIGN", (1, 0), (-1, -1), "RIGHT")
    table.setStyle(style)
    return table


def _lines_table(statement: StatementData) -> Table:
    rows: list[list[object]] = [["Date et heure", "Chèque", "Activité", "Financeur", "Valeur"]]
    for line in statement.lines:
        rows.append(
            [
                format_timestamp(line.redeemed_at),
                line.masked_code,
                _p(line.activity_label, "cell"),
                _p(line.funder_name, "cell"),
                format_euros(line.face_value_cents),
            ]
        )
    table = Table(rows, colWidths=[28 * mm, 38 * mm, 52 * mm, 44 * mm, 18 * mm], repeatRows=1)
    style = table_style()
    style.add("ALIGN", (4, 0), (4, -1), "RIGHT")
    table.setStyle(style)
    return table


def _compensations_table(statement: StatementData) -> Table:
    rows: list[list[object]] = [["Scan hors connexion", "Chèque", "Motif", "Montant"]]
    for c in statement.compensations:
        rows.append(
            [
                format_timestamp(c.scanned_at),
                c.masked_code,
                _p(c.note, "cell"),
                format_euros(c.amount_cents),
            ]
        )
    table = Table(rows, colWidths=[32 * mm, 38 * mm, 88 * mm, 22 * mm], repeatRows=1)
    style = table_style()
    style.add("ALIGN", (3, 0), (3, -1), "RIGHT")
    table.setStyle(style)
    return table


def render_statement(statement: StatementData) -> bytes:
    """The statement as PDF bytes; the cheque list continues over pages with its header."""
    period = f"du {format_date(statement.period_start)} au {format_date(statement.period_end)}"
    number = (
        f"Relevé n° {statement.number}"
        if statement.number
        else "Brouillon : pas encore numéroté (le numéro est donné à la transmission)"
    )
    story: list[Flowable] = [
        _p(f"Relevé de chèques — {statement.period_label}", "title"),
        _p(number),
        _p(f"Lieu : {statement.site_name} — SIRET {statement.site_siret}"),
        _p(bank_line(statement.bank)),
        _p(f"Période {period}"),
        _p(_status(statement)),
        _p("Récapitulatif par financeur", "heading"),
        _totals_table(statement),
        _p(f"Chèques encaissés ({len(statement.lines)})", "heading"),
        _lines_table(statement),
    ]
    if statement.compensations:
        story += [
            _p(
                "Compensations décidées par le Département (chèques acceptés hors connexion, "
                "refusés au retour du réseau)",
                "heading",
            ),
            _compensations_table(statement),
        ]
    if statement.number and statement.submitted_on:
        story.append(
            signature_block(
                [
                    f"Arrêté à la somme de {format_euros(statement.total_cents)} pour "
                    f"{len(statement.lines)} chèque(s), le {format_date(statement.submitted_on)}.",
                    f"Pour {statement.operator_name} : {statement.signatory}",
                ]
            )
        )
    label = f"Relevé {statement.number or statement.site_name} — {statement.period_label}"
    edited = f"{label} — édité le {format_date(statement.generated_on)}"
    return build_pdf(story, title=label, on_page=footer(edited))
