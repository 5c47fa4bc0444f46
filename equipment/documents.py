"""Printed documents of the fleet: the data for ``printing`` built from the database.

``loan_slip_data`` and ``label_data`` are plain builders the pages can reuse; the ``render_…``
functions return PDF bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from equipment import signatures
from equipment.errors import refuse
from equipment.inventory import item_view, list_items
from equipment.labels import item_url, loan_url
from equipment.loans import get_loan
from equipment.schemas import ItemView, LoanItemView
from equipment.tables import Item
from organisations.tables import Organisation
from passnum.fr import format_phone
from passnum.settings import get_settings
from printing import (
    SHEET_FORMATS,
    LabelData,
    LoanItemLine,
    LoanSlipData,
    render_label_sheet,
    render_loan_slip,
    render_return_slip,
)

CHECKLIST_LABELS = {
    "present": "Présent",
    "working": "Fonctionne",
    "accessories_ok": "Accessoires complets",
}


def _line(item: ItemView, checks: list[tuple[str, bool]], note: str, **extra: Any) -> LoanItemLine:
    return LoanItemLine(
        item_type=item.type_label,
        brand_model=f"{item.brand} {item.model}".strip(),
        serial=item.serial,
        asset_tag=item.asset_tag,
        accessories=item.accessories,
        declared_value_cents=item.declared_value_cents,
        checklist=checks,
        condition_note=note,
        **extra,
    )


def _return_line(item: ItemView, line: LoanItemView) -> LoanItemLine:
    checks = [
        ("Données personnelles effacées", bool(line.data_wiped)),
        ("Sans dommage", not line.damaged),
    ]
    missing = ", ".join(line.missing_accessories)
    note = " ".join(p for p in (line.return_note, missing and f"Manque : {missing}") if p)
    returned_on = line.returned_at.date() if line.returned_at else None
    return _line(item, checks, note, returned_on=returned_on)


async def loan_slip_data(
    number: str, *, returning: bool = False, signed_up_to: int | None = None
) -> LoanSlipData:
    """Everything the loan slip (or, with ``returning``, the return slip) prints.

    A return slip lists the devices that came back (each with its day), names those still out and
    those declared lost, and dates the return of the whole loan only once nothing is still out.
    Signatures taken on the tablet fill the signature boxes: the hand-over's on the loan slip,
    every return's on the return slip (up to the signature ``signed_up_to``, when the slip that
    one signed is kept); without one the boxes are left to sign on paper.
    """
    loan = await get_loan(number)
    borrower = await Organisation.objects().get(Organisation.id == loan.borrower_id)
    assert borrower is not None  # the loan's foreign key
    items = await Item.objects().where(Item.id.is_in([i.item_id for i in loan.items] or [0]))
    by_id = {i.id: item_view(i) for i in items}
    returned = [line for line in loan.items if line.returned_at]
    returned_at = [line.returned_at for line in returned if line.returned_at]
    extra: dict[str, Any] = {}
    if returning:
        if not returned:
            raise refuse("not_returned", _number=loan.number)
        out = [line for line in loan.items if not line.returned_at and not line.lost]
        lines = [_return_line(by_id[line.item_id], line) for line in returned]
        extra = {
            "still_out": [_line(by_id[line.item_id], [], "") for line in out],
            "lost": [_line(by_id[line.item_id], [], "") for line in loan.items if line.lost],
            "returned_on": None if out else max(returned_at).date(),
        }
    else:
        lines = [
            _line(
                by_id[line.item_id],
                [(CHECKLIST_LABELS[k], bool(v)) for k, v in line.checkout_checklist.items()],
                line.checkout_note,
            )
            for line in loan.items
        ]
    moment = signatures.Moment.return_ if returning else signatures.Moment.handover
    signed = await signatures.of_loan(loan.id, moment)
    if signed_up_to is not None:
        signed = [row for row in signed if row["id"] <= signed_up_to]
    if not returning:
        signed = signed[-1:]
    several = len(signed) > 1
    extra["signatures"] = [signatures.printed(row, with_moment=several) for row in signed]
    address = " ".join(p for p in (borrower.address, borrower.postcode, borrower.commune) if p)
    return LoanSlipData(
        loan_number=loan.number,
        qr_payload=loan_url(loan.number),
        borrower_name=loan.borrower_name,
        borrower_address=address,
        contact_name=loan.contact_name,
        contact_phone=format_phone(loan.contact_phone),
        contact_email=loan.contact_email,
        start_date=loan.start_date,
        due_date=loan.due_date,
        purpose=loan.purpose,
        items=lines,
        lender_name=get_settings().operator_name,
        **extra,
    )


async def loan_slip_pdf(number: str) -> bytes:
    return render_loan_slip(await loan_slip_data(number))


async def return_slip_pdf(number: str) -> bytes:
    return render_return_slip(await loan_slip_data(number, returning=True))


async def label_data(tags: Sequence[str] = ()) -> list[LabelData]:
    """Labels for these asset tags, or for the whole inventory when none are given."""
    items = await list_items()
    wanted = {t.strip().upper() for t in tags}
    unknown = wanted - {i.asset_tag for i in items}
    if unknown:
        raise refuse("not_found.tags", _unknown=sorted(unknown))
    settings = get_settings()
    return [
        LabelData(
            asset_tag=i.asset_tag,
            qr_payload=item_url(i.asset_tag),
            operator_name=settings.operator_name,
            operator_phone=settings.operator_phone,
        )
        for i in items
        if not wanted or i.asset_tag in wanted
    ]


async def label_sheet_pdf(
    tags: Sequence[str] = (), start_position: int = 1, sheet_format: str = "a4-3x8-70x37"
) -> bytes:
    if sheet_format not in SHEET_FORMATS:
        raise refuse("invalid.label_format")
    sheet = SHEET_FORMATS[sheet_format]
    if not 1 <= start_position <= sheet.per_sheet:
        raise refuse("invalid.label_start", _per_sheet=sheet.per_sheet, field="start_position")
    return render_label_sheet(await label_data(tags), sheet_format, start_position)
