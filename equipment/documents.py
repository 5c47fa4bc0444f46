"""Printed documents of the fleet: the data for ``printing`` built from the database.

``loan_slip_data`` and ``label_data`` are plain builders the pages can reuse; the ``render_…``
functions return PDF bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from equipment.inventory import list_items
from equipment.labels import TYPE_LABELS, item_url, loan_url
from equipment.loans import get_loan
from equipment.tables import Item
from passnum.errors import DomainError
from passnum.settings import get_settings
from passnum.tables import Organisation
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


async def loan_slip_data(number: str, *, returning: bool = False) -> LoanSlipData:
    """Everything the loan slip (or, with ``returning``, the return slip) prints."""
    loan = await get_loan(number)
    borrower = await Organisation.objects().get(Organisation.id == loan.borrower_id)
    items = await Item.objects().where(Item.id.is_in([i.item_id for i in loan.items] or [0]))
    by_id = {i.id: i for i in items}
    lines = []
    for line in loan.items:
        item = by_id[line.item_id]
        if returning:
            checks = [
                ("Données personnelles effacées", bool(line.data_wiped)),
                ("Sans dommage", not line.damaged),
                ("Rendu (non perdu)", line.returned_at is not None and not line.lost),
            ]
            missing = ", ".join(line.missing_accessories)
            note = " ".join(p for p in (line.return_note, missing and f"Manque : {missing}") if p)
        else:
            checks = [(CHECKLIST_LABELS[k], bool(v)) for k, v in line.checkout_checklist.items()]
            note = line.checkout_note
        lines.append(
            LoanItemLine(
                item_type=TYPE_LABELS.get(item.item_type, item.item_type),
                brand_model=f"{item.brand} {item.model}".strip(),
                serial=item.serial,
                asset_tag=item.asset_tag,
                accessories=list(item.accessories or []),
                declared_value_cents=item.declared_value_cents,
                checklist=checks,
                condition_note=note,
            )
        )
    returned = [line.returned_at.date() for line in loan.items if line.returned_at]
    if returning and not returned:
        raise DomainError(
            "not_returned", f"Aucun appareil du prêt {loan.number} n'a encore été rendu.", 409
        )
    address = " ".join(p for p in (borrower.address, borrower.postcode, borrower.commune) if p)
    return LoanSlipData(
        loan_number=loan.number,
        qr_payload=loan_url(loan.number),
        borrower_name=loan.borrower_name,
        borrower_address=address,
        contact_name=loan.contact_name,
        contact_phone=loan.contact_phone,
        contact_email=loan.contact_email,
        start_date=loan.start_date,
        due_date=loan.due_date,
        purpose=loan.purpose,
        items=lines,
        lender_name=get_settings().operator_name,
        returned_on=max(returned) if returned else None,
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
        raise DomainError("not_found", f"Numéros d'inventaire inconnus : {sorted(unknown)}.", 404)
    return [
        LabelData(asset_tag=i.asset_tag, qr_payload=item_url(i.asset_tag))
        for i in items
        if not wanted or i.asset_tag in wanted
    ]


async def label_sheet_pdf(
    tags: Sequence[str] = (), start_position: int = 1, sheet_format: str = "a4-3x8-70x37"
) -> bytes:
    if sheet_format not in SHEET_FORMATS:
        raise DomainError("invalid", "Format de planche d'étiquettes inconnu.", 422)
    sheet = SHEET_FORMATS[sheet_format]
    if not 1 <= start_position <= sheet.per_sheet:
        raise DomainError(
            "invalid",
            f"La position de départ va de 1 à {sheet.per_sheet}.",
            422,
            field="start_position",
        )
    return render_label_sheet(await label_data(tags), sheet_format, start_position)
