"""Loan slip (bon de prêt) and return slip (bon de retour) for the pooled equipment fleet.

Signed at hand-over and at return: the list of items with their declared value (for insurance),
the checklist, the borrower's duties and both signatures — on paper (empty boxes), or as signed on
the tablet (:class:`SignatureLine`: the signer's name, the moment, and the drawn signature or the
typed name confirmed by a box).
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus.flowables import ListFlowable

from passnum.fr import format_date, format_euros, format_moment
from printing.documents import QrFlowable, build_pdf, footer, styles, table_style
from printing.fonts import REGULAR

DEFAULT_TERMS = [
    "L'emprunteur est responsable du matériel prêté jusqu'à sa restitution.",
    "Tout dommage, perte ou vol est signalé au Département dans un délai de 5 jours.",
    "Les données personnelles sont effacées du matériel lors de sa restitution.",
    "Le matériel perdu ou détérioré est remplacé à sa valeur d'achat.",
]


@dataclass(frozen=True, slots=True)
class LoanItemLine:
    item_type: str
    brand_model: str
    serial: str
    asset_tag: str
    accessories: list[str] = field(default_factory=list)
    declared_value_cents: int = 0
    checklist: list[tuple[str, bool]] = field(default_factory=list)
    condition_note: str = ""
    returned_on: date | None = None  # return slip: the day this device came back


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """One signature taken on the tablet, at hand-over or at a return."""

    signer_name: str
    signed_at: datetime  # the operator's wall-clock time
    image_png: bytes | None = None  # drawn on the screen; None: typed name + confirmation box
    agent_name: str = ""  # the lender's agent who took it
    moment: str = ""  # printed above the boxes when a slip has several ("Retour du …")


@dataclass(frozen=True, slots=True)
class LoanSlipData:
    loan_number: str
    qr_payload: str
    borrower_name: str
    borrower_address: str
    contact_name: str
    contact_phone: str
    contact_email: str
    start_date: date
    due_date: date
    purpose: str
    items: list[LoanItemLine]
    terms: list[str] = field(default_factory=lambda: list(DEFAULT_TERMS))
    lender_name: str = "Département"
    returned_on: date | None = None  # the day the last device came back; None while some are out
    still_out: list[LoanItemLine] = field(default_factory=list)  # return slip: not back yet
    lost: list[LoanItemLine] = field(default_factory=list)  # return slip: declared lost
    signatures: list[SignatureLine] = field(default_factory=list)  # none: boxes to sign on paper


def _p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def _header(loan: LoanSlipData, title: str) -> Table:
    lines = [
        Paragraph(title, styles()["title"]),
        Spacer(0, 3 * mm),
        _p(f"Prêt n° {loan.loan_number}", "heading"),
        _p(f"Prêteur : {loan.lender_name}", "body"),
        _p(f"Emprunteur : {loan.borrower_name}", "body"),
        _p(loan.borrower_address, "body"),
        _p(f"Contact : {loan.contact_name} — {loan.contact_phone} — {loan.contact_email}", "body"),
    ]
    table = Table([[lines, QrFlowable(loan.qr_payload, 32 * mm)]], colWidths=[146 * mm, 34 * mm])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    return table


def _items_table(loan: LoanSlipData) -> Table:
    rows: list[list[object]] = [
        ["Matériel", "N° de série", "N° d'inventaire", "Accessoires", "Valeur déclarée"]
    ]
    for item in loan.items:
        rows.append(
            [
                _p(f"{item.item_type} — {item.brand_model}"),
                _p(item.serial),
                _p(item.asset_tag),
                _p(", ".join(item.accessories) or "—"),
                format_euros(item.declared_value_cents),
            ]
        )
    total = sum(item.declared_value_cents for item in loan.items)
    rows.append(["Valeur totale déclarée", "", "", "", format_euros(total)])
    table = Table(rows, colWidths=[50 * mm, 30 * mm, 28 * mm, 44 * mm, 28 * mm], repeatRows=1)
    style = table_style(total_row=True)
    style.add("ALIGN", (4, 0), (4, -1), "RIGHT")
    style.add("SPAN", (0, -1), (3, -1))
    table.setStyle(style)
    return table


def _checklist_table(loan: LoanSlipData) -> Table:
    rows: list[list[object]] = [
        ["N° d'inventaire", "Point de contrôle", "Conforme", "Observations"]
    ]
    for item in loan.items:
        checks = item.checklist or [("État général", True)]
        for index, (label, ok) in enumerate(checks):
            note = item.condition_note if index == 0 else ""
            rows.append([item.asset_tag, _p(label), "Oui" if ok else "Non", _p(note)])
    table = Table(rows, colWidths=[30 * mm, 62 * mm, 20 * mm, 68 * mm], repeatRows=1)
    table.setStyle(table_style())
    return table


SIGNATURE_BOX = (70 * mm, 24 * mm)  # the largest a drawn signature is printed


def _signature_image(png: bytes) -> Image:
    width, height = ImageReader(io.BytesIO(png)).getSize()
    scale = min(SIGNATURE_BOX[0] / width, SIGNATURE_BOX[1] / height)
    image = Image(io.BytesIO(png), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return image


def _signed(loan: LoanSlipData, signature: SignatureLine) -> Table:
    """The two boxes filled in from a signature taken on the tablet."""
    lender: list[Flowable] = [_p(f"Pour le prêteur ({loan.lender_name})", "heading")]
    if signature.agent_name:
        lender.append(_p(f"Agent : {signature.agent_name}", "body"))
    lender.append(_p(f"Le {format_moment(signature.signed_at)}", "body"))
    borrower: list[Flowable] = [
        _p("Pour l'emprunteur", "heading"),
        _p(f"Signé par {signature.signer_name}", "body"),
        _p(f"le {format_moment(signature.signed_at)}", "body"),
    ]
    if signature.image_png:
        borrower.append(_signature_image(signature.image_png))
    else:
        borrower.append(
            _p(
                "Signature au clavier : nom tapé par le signataire, qui a coché la case "
                "de confirmation.",
                "body",
            )
        )
    rows: list[list[object]] = [[lender, borrower]]
    if signature.moment:
        rows.insert(0, [_p(signature.moment, "heading"), ""])
    table = Table(rows, colWidths=[90 * mm, 90 * mm])
    last = len(rows) - 1
    table.setStyle(
        [
            ("BOX", (0, last), (0, last), 0.6, "black"),
            ("BOX", (1, last), (1, last), 0.6, "black"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    return table


def _signatures(loan: LoanSlipData) -> list[Flowable]:
    if loan.signatures:
        return [_signed(loan, signature) for signature in loan.signatures]
    return [_paper_boxes(loan)]


def _paper_boxes(loan: LoanSlipData) -> Table:
    def box(role: str) -> list[Flowable]:
        return [
            _p(role, "heading"),
            _p("Nom : ...........................................", "body"),
            _p("Date : ......./......./..........", "body"),
            _p("Signature :", "body"),
            Spacer(0, 20 * mm),
        ]

    table = Table(
        [[box(f"Pour le prêteur ({loan.lender_name})"), box("Pour l'emprunteur")]],
        colWidths=[90 * mm, 90 * mm],
    )
    table.setStyle([("BOX", (0, 0), (0, 0), 0.6, "black"), ("BOX", (1, 0), (1, 0), 0.6, "black")])
    return table


def _listing(items: list[LoanItemLine]) -> str:
    return ", ".join(f"{i.asset_tag} ({i.item_type} {i.brand_model})".strip() for i in items)


def _return_facts(loan: LoanSlipData) -> list[Flowable]:
    """What came back on which day, what is still out, what was declared lost.

    The loan as a whole gets a return date only once nothing is still out."""
    by_day: dict[date, list[str]] = {}
    for item in loan.items:
        returned = item.returned_on or loan.returned_on
        if returned is None:
            raise ValueError("Bon de retour : la date de restitution manque.")
        by_day.setdefault(returned, []).append(item.asset_tag)
    if not by_day:
        raise ValueError("Bon de retour : aucun appareil restitué, pas de date de restitution.")
    facts: list[Flowable] = [
        _p(f"Rendu le {format_date(d)} : {', '.join(tags)}.", "body")
        for d, tags in sorted(by_day.items())
    ]
    if loan.still_out:
        facts.append(
            _p(
                f"Encore en prêt, à rendre au plus tard le {format_date(loan.due_date)} : "
                f"{_listing(loan.still_out)}.",
                "body",
            )
        )
    elif loan.returned_on is not None:
        facts.append(_p(f"Matériel restitué le {format_date(loan.returned_on)}.", "body"))
    if loan.lost:
        facts.append(_p(f"Déclaré perdu : {_listing(loan.lost)}.", "body"))
    return facts


def _render(loan: LoanSlipData, *, returning: bool) -> bytes:
    title = "Bon de retour" if returning else "Bon de prêt"
    period = f"Prêt du {format_date(loan.start_date)} au {format_date(loan.due_date)}"
    facts = _return_facts(loan) if returning else []
    story: list[Flowable] = [
        _header(loan, title),
        _p(period, "body"),
        *facts,
        _p(f"Objet du prêt : {loan.purpose}", "body"),
        _p("Matériel rendu" if returning else "Matériel prêté", "heading"),
        _items_table(loan),
        _p(
            "État du matériel au retour" if returning else "État du matériel à la remise", "heading"
        ),
        _checklist_table(loan),
        # The terms stay on the page where they are signed.
        KeepTogether(
            [
                _p("Conditions du prêt", "heading"),
                ListFlowable(
                    [_p(term, "body") for term in loan.terms],
                    bulletType="bullet",
                    bulletFontName=REGULAR,
                ),
                Spacer(0, 5 * mm),
                *_signatures(loan),
            ]
        ),
    ]
    return build_pdf(
        story,
        title=f"{title} n° {loan.loan_number}",
        on_page=footer(f"{title} n° {loan.loan_number}"),
    )


def render_loan_slip(loan: LoanSlipData) -> bytes:
    """The "bon de prêt" signed at hand-over."""
    return _render(loan, returning=False)


def render_return_slip(loan: LoanSlipData) -> bytes:
    """The "bon de retour" signed when items come back: ``items`` are those returned (each with its
    ``returned_on``, or the loan's), ``still_out`` and ``lost`` the others."""
    return _render(loan, returning=True)
