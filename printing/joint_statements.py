"""The joint statement (état contradictoire) of a print run after its grace period: the figures
the operator and the funder agree on, with a signature box for each.

Plain data in, PDF bytes out.
"""

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from passnum.fr import format_date, format_euros
from printing.documents import build_pdf, footer, signature_block, styles, table_style


@dataclass(frozen=True, slots=True)
class JointFigure:
    label: str  # "Carnets injectés (remis à une personne)"
    count: int
    amount_cents: int | None = None


@dataclass(frozen=True, slots=True)
class JointStatementData:
    batch_label: str
    funder_name: str
    operator_name: str
    validity: str  # "Valable du … au … — accepté jusqu'au …"
    payment: str  # "Payé 1 500,00 € le 15/01/2025, réf. Titre 118" or ""
    figures: list[JointFigure]
    state_label: str
    established: str  # "Établi le 10/02/2026 par …" or ""
    agreed: str  # "Accepté le 12/02/2026 par …" or ""
    generated_on: date


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def render_joint_statement(data: JointStatementData) -> bytes:
    rows: list[list[object]] = [["", "Nombre", "Montant (valeur faciale)"]]
    for figure in data.figures:
        amount = "" if figure.amount_cents is None else format_euros(figure.amount_cents)
        rows.append([_p(figure.label, "cell"), str(figure.count), amount])
    table = Table(rows, colWidths=[100 * mm, 30 * mm, 50 * mm])
    style = table_style()
    style.add("ALIGN", (1, 0), (-1, -1), "RIGHT")
    table.setStyle(style)
    story: list[Flowable] = [
        _p(f"État contradictoire — {data.batch_label}", "title"),
        _p(f"Entre {data.operator_name} (opérateur) et {data.funder_name} (financeur)."),
        _p(data.validity),
    ]
    if data.payment:
        story.append(_p(data.payment))
    story += [_p(f"État : {data.state_label}"), table]
    for line in (data.established, data.agreed):
        if line:
            story.append(_p(line))
    story.append(
        _p(
            "Les chèques non utilisés font l'objet d'un avoir sur leur valeur faciale au profit "
            "du financeur."
        )
    )
    story.append(signature_block([f"Pour {data.operator_name}"]))
    story.append(signature_block([f"Pour {data.funder_name}"]))
    label = f"État contradictoire {data.batch_label}"
    return build_pdf(
        story, title=label, on_page=footer(f"{label} — édité le {format_date(data.generated_on)}")
    )
