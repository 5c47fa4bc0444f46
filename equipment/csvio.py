"""CSV import and export of the inventory, in the shape French Excel reads and writes.

Columns (header row required, in any order; ``;`` or ``,`` separated; UTF-8 or Windows-1252):
``type;marque;modele;numero_serie;numero_inventaire;valeur_declaree;accessoires;date_achat;
statut;notes``. Only ``type`` and ``numero_serie`` are required. The import is all or nothing:
if any row is rejected, nothing is written and the report lists every rejected row with why.
The file is read by the kernel's :mod:`passnum.csvin` (encodings, separators, line numbers, cells
the export neutralised read back without their quote, so an exported file imports as it was).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from equipment import schemas
from equipment.errors import refuse
from equipment.inventory import clean_item, insert_item, list_items
from equipment.labels import STATUS_LABELS, TYPE_LABELS
from equipment.tables import ItemStatus
from passnum import csvin
from passnum.auth.actor import Actor
from passnum.csvout import csv_bytes, euros
from passnum.db import write_transaction
from passnum.errors import DomainError

COLUMNS = [
    "type",
    "marque",
    "modele",
    "numero_serie",
    "numero_inventaire",
    "valeur_declaree",
    "accessoires",
    "date_achat",
    "statut",
    "notes",
]
IMPORTABLE_STATUSES = {ItemStatus.available, ItemStatus.maintenance, ItemStatus.retired}
MAX_ROWS = 5000
_key = csvin.key
decode = csvin.decode  # the page shows the decoded file again to confirm it

TYPES = {_key(k): k for k in TYPE_LABELS} | {_key(v): k for k, v in TYPE_LABELS.items()}
TYPES |= {"ordinateur": "laptop", "pc": "laptop", "borne4g": "hotspot", "telephone": "smartphone"}
STATUSES = {_key(k): k for k in STATUS_LABELS} | {_key(v): k for k, v in STATUS_LABELS.items()}


def parse_euros(text: str) -> int:
    """ "1 299,90" / "1299.90" / "349 €" → cents."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if not cleaned:
        return 0
    if not re.fullmatch(r"\d+([.,]\d{1,2})?", cleaned):
        raise ValueError(f"valeur déclarée illisible « {text} » (ex. 349,00)")
    euros, _, cents = cleaned.replace(",", ".").partition(".")
    return int(euros) * 100 + int((cents + "00")[:2])


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date d'achat illisible « {text} » (format jj/mm/aaaa)")


def _rows(text: str) -> list[csvin.Row]:
    """The records under the header (:func:`passnum.csvin.read_rows`); a record that does not
    split into the header's columns carries its ``problem``: the import then writes nothing."""
    return csvin.read_rows(text, ("type", "numero_serie"), COLUMNS, MAX_ROWS)


def _to_item(row: dict[str, str]) -> schemas.ItemIn:
    item_type = TYPES.get(_key(row.get("type", "")))
    if item_type is None:
        raise ValueError(f"type inconnu « {row.get('type', '')} »")
    status = STATUSES.get(_key(row.get("statut", "")), "") if row.get("statut") else "available"
    if status not in IMPORTABLE_STATUSES:
        raise ValueError(f"statut « {row.get('statut')} » impossible à l'import")
    accessories = [a.strip() for a in re.split(r"[,|]", row.get("accessoires", "")) if a.strip()]
    return schemas.ItemIn(
        item_type=item_type,
        serial=row.get("numeroserie", ""),
        brand=row.get("marque", ""),
        model=row.get("modele", ""),
        declared_value_cents=parse_euros(row.get("valeurdeclaree", "")),
        accessories=accessories,
        purchase_date=parse_date(row.get("dateachat", "")),
        notes=row.get("notes", ""),
        asset_tag=row.get("numeroinventaire", "") or None,
        status=status,
    )


async def preview_import(data: bytes) -> schemas.ImportReport:
    """Check every row without writing; line numbers count the header as line 1."""
    valid: list[schemas.ItemIn] = []
    rejected: list[schemas.ImportRejection] = []
    serials: dict[str, int] = {}
    tags: dict[str, int] = {}
    for row in _rows(decode(data)):
        line = row.line
        if row.problem:
            rejected.append(schemas.ImportRejection(line=line, reason=row.problem))
            continue
        try:
            item = _to_item(row.cells)
            await clean_item(item)
        except ValueError as error:
            rejected.append(schemas.ImportRejection(line=line, reason=str(error)))
            continue
        except DomainError as error:
            rejected.append(schemas.ImportRejection(line=line, reason=error.message))
            continue
        tag = (item.asset_tag or "").upper()
        serial = item.serial.strip().lower()
        if serial in serials or (tag and tag in tags):
            first = serials.get(serial) or tags.get(tag)
            reason = f"doublon de la ligne {first} (même numéro de série ou d'inventaire)"
            rejected.append(schemas.ImportRejection(line=line, reason=reason))
            continue
        serials[serial] = line
        if tag:
            tags[tag] = line
        valid.append(item)
    return schemas.ImportReport(valid=valid, rejected=rejected)


async def import_items(actor: Actor | None, data: bytes) -> schemas.ImportReport:
    """Import every row in one transaction, or none if any row is rejected."""
    async with write_transaction():
        report = await preview_import(data)
        if report.rejected:
            raise refuse(
                "import_rejected",
                _rejected=len(report.rejected),
                rejected=[{"line": r.line, "reason": r.reason} for r in report.rejected],
            )
        for item in report.valid:
            await insert_item(actor, await clean_item(item))
    from equipment.tasks import offer_waiting_later  # the task module reads this one

    await offer_waiting_later()  # new devices: the waiting list may move
    report.imported = len(report.valid)
    return report


async def export_items() -> bytes:
    """The whole inventory for French Excel (:mod:`passnum.csvout`): UTF-8 with BOM, ``;``,
    decimal comma, jj/mm/aaaa, and no text cell a spreadsheet would run as a formula."""
    return csv_bytes(
        COLUMNS,
        (
            [
                item.type_label,
                item.brand,
                item.model,
                item.serial,
                item.asset_tag,
                euros(item.declared_value_cents),
                ", ".join(item.accessories),
                item.purchase_date,
                item.status_label,
                item.notes,
            ]
            for item in await list_items()
        ),
    )
