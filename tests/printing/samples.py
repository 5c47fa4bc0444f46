"""Sample slips, labels and statements as the fleet and payment screens would pass them."""

from datetime import date, datetime, timedelta

from printing import (
    LabelData,
    LoanItemLine,
    LoanSlipData,
    StatementData,
    StatementFunderTotal,
    StatementLine,
)


def loan_item(index: int) -> LoanItemLine:
    return LoanItemLine(
        item_type="Ordinateur portable",
        brand_model="Lenovo ThinkPad E14",
        serial=f"PF3{index:05d}",
        asset_tag=f"PN-{index:06d}",
        accessories=["chargeur", "housse"],
        declared_value_cents=64900,
        checklist=[("Écran sans rayure", True), ("Clavier complet", index % 2 == 0)],
        condition_note="Légère trace sur le capot" if index == 1 else "",
    )


def loan(items: int = 2, returned_on: date | None = None) -> LoanSlipData:
    return LoanSlipData(
        loan_number="PRET-2027-0042",
        qr_payload="https://passnum.example.fr/p/PRET-2027-0042",
        borrower_name="Mairie de Coutances",
        borrower_address="Place de la République, 50200 Coutances",
        contact_name="Élodie Lefèvre",
        contact_phone="02 33 19 00 00",
        contact_email="numerique@coutances.fr",
        start_date=date(2027, 3, 1),
        due_date=date(2027, 3, 29),
        purpose="Atelier « premiers pas sur tablette » à la médiathèque",
        items=[loan_item(index) for index in range(1, items + 1)],
        returned_on=returned_on,
    )


def labels(count: int) -> list[LabelData]:
    return [
        LabelData(
            f"PN-{index:06d}",
            f"https://passnum.example.fr/m/PN-{index:06d}",
            "Département de la Manche",
            "02 33 05 55 50",
        )
        for index in range(1, count + 1)
    ]


def statement(lines: int = 3) -> StatementData:
    start = datetime(2026, 11, 2, 9, 30)
    funders = ["Département de la Manche", "CAF de la Manche"]
    return StatementData(
        site_name="Médiathèque de Saint-Lô",
        site_siret="21500502700019",
        period_label="novembre 2026",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        status_label="Payé",
        funder_totals=[
            StatementFunderTotal(funders[0], lines - lines // 2, 1000, (lines - lines // 2) * 1000),
            StatementFunderTotal(funders[1], lines // 2, 1000, (lines // 2) * 1000),
        ],
        lines=[
            StatementLine(
                masked_code=f"AB{index:02d}-••••-••••-QR5"[-18:],
                redeemed_at=start + timedelta(hours=5 * index),
                activity_label="Atelier messagerie électronique",
                funder_name=funders[index % 2],
                face_value_cents=1000,
            )
            for index in range(lines)
        ],
        total_cents=lines * 1000,
        generated_on=date(2026, 12, 2),
        payment_date=date(2026, 12, 15),
        payment_reference="VIR-2026-1187",
    )
