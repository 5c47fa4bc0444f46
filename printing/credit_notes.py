"""Credit note (avoir) for a funder: cheques left unused once a print run's grace period is over.

Plain data in, PDF bytes out; one line per print run, and the total the funder can claim back.
"""

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from passnum.fr import format_date, format_euros
from printing.documents import build_pdf, footer, signature_block, styles, table_style


@dataclass(frozen=True, slots=True)
class CreditNoteLine:
    batch_label: str
    accepted_until: date
    cheques: int
    unused: int
    face_value_cents: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class CreditNoteData:
    funder_name: str
    operator_name: str
    lines: list[CreditNoteLine]
    total_unused: int
    total_cents: int
    generated_on: date
    # A stored credit note: its number once issued, its state, who issued it and when, and the
    # joint statement it was made from.
    number: str = ""
    state_label: str = ""
    issued_on: date | None = None
    signatory: str = ""
    origin: str = ""


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def render_credit_note(note: CreditNoteData) -> bytes:
    """The credit note as PDF bytes."""
    rows: list[list[object]] = [
        ["Tirage", "Accepté jusqu'au", "Chèques", "Non utilisés", "Valeur", "Montant"]
    ]
    for line in note.lines:
        rows.append(
            [
                _p(line.batch_label, "cell"),
                format_date(line.accepted_until),
                str(line.cheques),
                str(line.unused),
                format_euros(line.face_value_cents),
                format_euros(line.amount_cents),
            ]
        )
    rows.append(
        ["Total de l'avoir", "", "", str(note.total_unused), "", format_euros(note.total_cents)]
    )
    table = Table(
        rows, colWidths=[60 * mm, 28 * mm, 20 * mm, 24 * mm, 20 * mm, 28 * mm], repeatRows=1
    )
    style = table_style(total_row=True)
    style.add("ALIGN", (2, 0), (-1, -1), "RIGHT")
    table.setStyle(style)
    story: list[Flowable] = [
        _p(f"Avoir — chèques non utilisés — {note.funder_name}", "title"),
        _p(f"Avoir n° {note.number}" if note.number else "Brouillon : pas encore numéroté"),
    ]
    if note.state_label:
        story.append(_p(f"État : {note.state_label}"))
    story += [
        _p(
            f"Émis par {note.operator_name} pour {note.funder_name}. Les chèques listés n'ont pas "
            "été utilisés avant la fin de la période de grâce de leur tirage ; leur valeur "
            "faciale peut être reprise."
        ),
    ]
    if note.origin:
        story.append(_p(note.origin))
    story.append(table)
    if note.number and note.issued_on:
        story.append(
            signature_block(
                [
                    f"Avoir arrêté à la somme de {format_euros(note.total_cents)}, "
                    f"le {format_date(note.issued_on)}.",
                    f"Pour {note.operator_name} : {note.signatory}",
                ]
            )
        )
    label = f"Avoir {note.number or note.funder_name}"
    return build_pdf(
        story, title=label, on_page=footer(f"{label} — édité le {format_date(note.generated_on)}")
    )
