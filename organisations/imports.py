"""Importing organisations and sites from a spreadsheet (French Excel CSV), all rows or none.

Columns (header row required, in any order, read by :mod:`passnum.csvin`: ``;`` or ``,``, UTF-8 or
Windows-1252): ``nom`` (required), ``type``, ``roles`` (« lieu », « prescripteur », « financeur »,
« emprunteur », « opérateur », separated by ``,`` or ``|``), ``siret``, ``rna``,
``representant_legal``, ``adresse``, ``code_postal``, ``commune`` (name or INSEE code),
``telephone``, ``email``, ``site_web``, ``typologie``, ``services``, ``publics`` (the national
lists, separated by ``|`` or ``,``), ``acceslibre``, ``prise_rdv``, and for a site its bank details
``iban``, ``bic``, ``titulaire_compte``, ``regie`` (oui/non).

Each row is checked by the same rules as an organisation created by hand
(:func:`organisations.services.check_organisation`: SIRET and SIREN check digits, RNA, phone,
official commune, no name a spreadsheet would run, no qualified site without SIRET or RNA,
identifiers not taken), plus: no row twice in the file (same SIRET, RNA, or name and commune), no
organisation already there under the same name in the same commune (a file imported twice).
If any row is rejected nothing is written, and the report gives every rejected line with why.
A site's bank details are recorded approved (staff import them), in force from the import day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from organisations import schemas
from organisations.bank_details import clean_bic, clean_holder, clean_iban, insert_bank_details
from organisations.editing import CLEANERS
from organisations.errors import refuse
from organisations.national_lists import TYPOLOGIES
from organisations.services import OrganisationInput, check_organisation, insert_organisation
from organisations.tables import Organisation
from organisations.tasks import queue_geocoding
from passnum import csvin
from passnum.auth import Actor
from passnum.clock import today
from passnum.db import write_transaction
from passnum.errors import DomainError

COLUMNS = [
    "nom",
    "type",
    "roles",
    "siret",
    "rna",
    "representant_legal",
    "adresse",
    "code_postal",
    "commune",
    "telephone",
    "email",
    "site_web",
    "typologie",
    "services",
    "publics",
    "acceslibre",
    "prise_rdv",
    "iban",
    "bic",
    "titulaire_compte",
    "regie",
]
ROLE_WORDS = {
    "lieu": "site",
    "lieuqualifie": "site",
    "site": "site",
    "prescripteur": "prescriber",
    "prescriber": "prescriber",
    "financeur": "funder",
    "funder": "funder",
    "emprunteur": "borrower",
    "emprunteurdemateriel": "borrower",
    "borrower": "borrower",
    "operateur": "operator",
    "operator": "operator",
}
YES = {"oui", "o", "vrai", "1", "x", "yes"}
NO = {"non", "n", "faux", "0", ""}
TYPOLOGY_WORDS = {csvin.key(c): c for c in TYPOLOGIES} | {
    csvin.key(label): c for c, label in TYPOLOGIES.items()
}
EXTRA_FIELDS = {  # column → organisation field checked by organisations.editing's rule
    "siteweb": "website",
    "acceslibre": "acceslibre_url",
    "priserdv": "appointment_url",
}


@dataclass
class _Checked:
    line: int
    values: dict[str, Any]
    bank: dict[str, Any] | None


def _split(text: str, pattern: str = r"[|,\n]") -> list[str]:
    return [part.strip() for part in re.split(pattern, text or "") if part.strip()]


def _roles(text: str) -> list[str]:
    roles = []
    for word in _split(text):
        role = ROLE_WORDS.get(csvin.key(word))
        if role is None:
            raise ValueError(
                f"rôle inconnu « {word} » (lieu, prescripteur, financeur, emprunteur, opérateur)"
            )
        roles.append(role)
    return list(dict.fromkeys(roles))


def _typology(text: str) -> list[str]:
    codes = []
    for word in _split(text, r"[|\n]"):
        code = TYPOLOGY_WORDS.get(csvin.key(word))
        if code is None:
            raise ValueError(f"typologie inconnue « {word} » (codes de la liste nationale : MUNI…)")
        codes.append(code)
    return codes


def _regie(text: str) -> bool:
    word = csvin.key(text)
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(f"régie « {text} » : écrivez oui ou non")


async def _check_row(cells: dict[str, str]) -> _Checked:
    """The organisation's values and its bank details (or None) from one row, every rule
    checked; ValueError or DomainError carrying the French reason otherwise."""
    roles = _roles(cells.get("roles", ""))
    commune = cells.get("commune", "")
    data = OrganisationInput(
        name=cells.get("nom", ""),
        kind=cells.get("type", "") or "association",
        siret=cells.get("siret") or None,
        rna=cells.get("rna") or None,
        legal_representative=cells.get("representantlegal", ""),
        address=cells.get("adresse", ""),
        postcode=cells.get("codepostal", ""),
        commune=commune,
        insee_code=commune or cells.get("codepostal", ""),
        phone=cells.get("telephone", ""),
        email=cells.get("email", ""),
        roles=roles,
    )
    values = await check_organisation(data)
    extras: dict[str, Any] = {
        "typology": _typology(cells.get("typologie", "")),
        "services": _split(cells.get("services", "")),
        "publics": _split(cells.get("publics", "")),
    }
    extras |= {field: cells.get(column, "") for column, field in EXTRA_FIELDS.items()}
    values |= {field: CLEANERS[field](value) for field, value in extras.items()}
    bank = None
    given = [cells.get(c, "") for c in ("iban", "bic", "titulairecompte")]
    regie = _regie(cells.get("regie", ""))
    if any(given):
        if "site" not in roles:
            raise ValueError("coordonnées bancaires pour un lieu seulement (rôle « lieu »)")
        iban, bic, holder = given
        bank = {
            "iban": clean_iban(iban),
            "bic": clean_bic(bic),
            "holder": clean_holder(holder),
            "regie": regie,
        }
    return _Checked(0, values, bank)


async def _already_there(values: dict[str, Any]) -> bool:
    """An organisation of the same name (whatever its case) in the same commune: the same file
    imported twice, or a row for a structure already there."""
    rows = await Organisation.select(Organisation.name).where(
        Organisation.insee_code == values["insee_code"]
    )
    return any(r["name"].casefold() == values["name"].casefold() for r in rows)


async def _check(data: bytes) -> tuple[list[_Checked], list[schemas.ImportRejection]]:
    checked: list[_Checked] = []
    rejected: list[schemas.ImportRejection] = []
    seen: dict[tuple[str, str], int] = {}
    for row in csvin.read_rows(csvin.decode(data), ("nom",), COLUMNS):
        if row.problem:
            rejected.append(schemas.ImportRejection(line=row.line, reason=row.problem))
            continue
        try:
            result = await _check_row(row.cells)
        except ValueError as error:
            rejected.append(schemas.ImportRejection(line=row.line, reason=str(error)))
            continue
        except DomainError as error:
            rejected.append(schemas.ImportRejection(line=row.line, reason=error.message))
            continue
        values = result.values
        keys = [("nom", f"{csvin.key(values['name'])}|{values['insee_code']}")]
        keys += [(n, values[n]) for n in ("siret", "rna") if values[n]]
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            reason = f"doublon de la ligne {first} (même SIRET, même RNA, ou même nom et commune)"
            rejected.append(schemas.ImportRejection(line=row.line, reason=reason))
            continue
        if await _already_there(values):
            place = f" à {values['commune']}" if values["commune"] else ""
            reason = f"une organisation « {values['name']} » existe déjà{place}"
            rejected.append(schemas.ImportRejection(line=row.line, reason=reason))
            continue
        seen.update(dict.fromkeys(keys, row.line))
        result.line = row.line
        checked.append(result)
    return checked, rejected


def _report(
    checked: list[_Checked], rejected: list[schemas.ImportRejection], imported: int = 0
) -> schemas.OrganisationImportReport:
    return schemas.OrganisationImportReport(
        valid=[
            schemas.ImportedOrganisation(
                line=c.line,
                name=c.values["name"],
                roles=[r for r in ROLE_ORDER if c.values[f"is_{r}"]],
                commune=c.values["commune"],
                siret=c.values["siret"],
                rna=c.values["rna"],
                bank_details=c.bank is not None,
            )
            for c in checked
        ],
        rejected=rejected,
        imported=imported,
    )


ROLE_ORDER = ("operator", "funder", "prescriber", "site", "borrower")


async def preview_import(data: bytes) -> schemas.OrganisationImportReport:
    """Check every row without writing; line numbers count the header as line 1."""
    checked, rejected = await _check(data)
    return _report(checked, rejected)


async def import_organisations(
    actor: Actor | None, data: bytes
) -> schemas.OrganisationImportReport:
    """Create every row's organisation (and a site's bank details) in one transaction, or
    nothing if any row is rejected (``422 import_rejected`` with the rejected lines)."""
    async with write_transaction():
        checked, rejected = await _check(data)
        if rejected:
            raise refuse(
                "import_rejected",
                _rejected=len(rejected),
                rejected=[{"line": r.line, "reason": r.reason} for r in rejected],
            )
        sites = []
        for row in checked:
            organisation = await insert_organisation(row.values, actor)
            if row.bank:
                await insert_bank_details(
                    actor, organisation.id, **row.bank, valid_from=today(), approved=True
                )
            if organisation.is_site:
                sites.append(organisation.id)
    for site_id in sites:
        await queue_geocoding(site_id)
    return _report(checked, [], imported=len(checked))
