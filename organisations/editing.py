"""Editing an organisation: staff change every field, a site's own agents its public details.

Each field has one rule (:data:`CLEANERS`); a change is saved with the audit entry that holds
every changed field's old and new values, in one write transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import phonenumbers
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as siret_number

from organisations.errors import refuse
from organisations.national_lists import PUBLICS, SERVICES, TYPOLOGIES
from organisations.tables import Organisation
from organisations.tasks import queue_geocoding
from passnum import audit
from passnum.auth import Actor, Role
from passnum.csvout import FORMULA_STARTS
from passnum.db import write_transaction
from territory.services import require_commune

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RNA_RE = re.compile(r"^W\d{9}$")
ACCESLIBRE_HOST = "acceslibre.beta.gouv.fr"

# A site is placed again on the map (organisations.positions) when one of these changes.
ADDRESS_FIELDS = {"address", "postcode", "commune", "insee_code"}

# What a site's own agents may change: what the public directory shows of it.
PUBLIC_FIELDS = (
    "phone",
    "email",
    "website",
    "services",
    "publics",
    "acceslibre_url",
    "appointment_url",
)
STAFF_FIELDS = (
    "name",
    "kind",
    "address",
    "postcode",
    "commune",
    "insee_code",
    "siret",
    "rna",
    "legal_representative",
    "typology",
    *PUBLIC_FIELDS,
)


def clean_name(value: Any) -> str:
    name = _text(value, "name")
    if not name:
        raise refuse("invalid.name_missing", field="name")
    if name.startswith(FORMULA_STARTS):
        # The name goes into the CSV files people open in Excel (statements, loans, statistics).
        raise refuse("name_formula", _name=name[0], field="name")
    return name


def clean_siret(value: Any) -> str | None:
    """14 digits whose SIRET and SIREN check digits are right (python-stdnum), or None."""
    raw = _text(value, "siret")
    siret = re.sub(r"[\s.]", "", raw)
    if not siret:
        return None
    try:
        return siret_number.validate(siret)
    except StdnumError as exc:
        raise refuse("invalid_siret", _raw=raw, field="siret") from exc


def clean_rna(value: Any) -> str | None:
    rna = _text(value, "rna").upper().replace(" ", "")
    if not rna:
        return None
    if not RNA_RE.match(rna):
        raise refuse("invalid_rna", _rna=rna, field="rna")
    return rna


# Where a number written the French way (0…) may be: France, then the overseas departments and
# territories, which have country codes of their own (0590 12 34 56 is +590 590 12 34 56).
PHONE_REGIONS = ("FR", "GP", "GF", "MQ", "RE", "YT", "PM", "NC", "PF", "WF")


def e164(raw: str) -> str:
    """The one reading of a phone number: as the French write it ("02 33 05 55 50", "0590 12 34
    56", "+33 2 33 …") to E.164 ("+33233055550"), or "" when it is no valid number. Pages show it
    back with passnum.fr.format_phone; the open data publishes it as it is."""
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            return ""
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def clean_phone(value: Any, field: str = "phone") -> str:
    """A phone number in E.164 (+33233055550), French numbers written as the French do; "" when
    none was given; one nobody can call back (« pas de tel », « 123 ») refused, naming ``field``."""
    raw = _text(value, field)
    if not raw:
        return ""
    number = e164(raw)
    if not number:
        raise refuse("invalid_phone", _raw=raw, field=field)
    return number


def clean_email(value: Any) -> str:
    email = _text(value, "email").lower()
    if email and not EMAIL_RE.match(email):
        raise refuse("invalid.email", field="email")
    return email


def clean_postcode(value: Any) -> str:
    postcode = _text(value, "postcode")
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        raise refuse("invalid.postcode", field="postcode")
    return postcode


def clean_insee(value: Any) -> str:
    """Checked against the official list by :func:`official_commune`."""
    return _text(value, "insee_code")


async def official_commune(values: dict[str, Any]) -> dict[str, Any]:
    """An INSEE code given (or a name or postcode naming one commune) stored as the official
    commune's code and name (territory's list); an unknown one refused ``unknown_commune``."""
    if not values.get("insee_code"):
        return values
    commune = await require_commune(values["insee_code"], "insee_code")
    if commune is None:
        return values
    return {**values, "insee_code": commune.code, "commune": commune.name}


def _url(field_name: str, label: str, host: str = "") -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        url = _text(value, field_name)
        if not url:
            return ""
        if not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", url):
            raise refuse("invalid.url", _label=label, field=field_name)
        if host and url.split("/")[2].lower() != host:
            raise refuse("invalid.url_host", _label=label, _host=host, field=field_name)
        return url

    return clean


def _choices(field_name: str, allowed: tuple[str, ...], label: str, joiner: str):
    def clean(value: Any) -> str:
        items = value if isinstance(value, list) else split_list(str(value or ""))
        items = [str(i).strip() for i in items if str(i).strip()]
        unknown = [i for i in items if i not in allowed]
        if unknown:
            raise refuse(
                "unknown_choice", _label=label, _unknown=", ".join(unknown), field=field_name
            )
        return joiner.join(dict.fromkeys(items))

    return clean


def split_list(text: str) -> list[str]:
    """Services and publics are stored one per line, typologies joined by "|"."""
    return [s.strip() for s in re.split(r"[\n|]", text or "") if s.strip()]


def _plain(field_name: str, length: int) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        text = _text(value, field_name)
        if len(text) > length:
            raise refuse("invalid.too_long", _length=length, field=field_name)
        if text.startswith(FORMULA_STARTS) and field_name == "legal_representative":
            raise refuse("name_formula.text", _text=text[0], field=field_name)
        return text

    return clean


def _text(value: Any, field_name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse("invalid.text", field=field_name)
    return value.strip()


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": clean_name,
    "kind": _plain("kind", 60),
    "address": _plain("address", 300),
    "postcode": clean_postcode,
    "commune": _plain("commune", 120),
    "insee_code": clean_insee,
    "siret": clean_siret,
    "rna": clean_rna,
    "legal_representative": _plain("legal_representative", 200),
    "typology": _choices("typology", tuple(TYPOLOGIES), "Type de structure", "|"),
    "phone": clean_phone,
    "email": clean_email,
    "website": _url("website", "Le site web"),
    "services": _choices("services", SERVICES, "Service", "\n"),
    "publics": _choices("publics", PUBLICS, "Public", "\n"),
    "acceslibre_url": _url("acceslibre_url", "La fiche Accès libre", ACCESLIBRE_HOST),
    "appointment_url": _url("appointment_url", "Le lien de prise de rendez-vous"),
}


def editable_fields(actor: Actor, organisation_id: int) -> tuple[str, ...]:
    """Every field for staff, the public details for the site's own agents, else nothing."""
    if actor.is_staff:
        return STAFF_FIELDS
    if organisation_id in actor.organisation_ids(Role.site_agent):
        return PUBLIC_FIELDS
    return ()


async def update_organisation(
    actor: Actor, organisation_id: int, changes: dict[str, Any]
) -> Organisation:
    """Apply ``changes`` (field → new value) an actor may make; audit old and new values."""
    allowed = editable_fields(actor, organisation_id)
    organisation = await Organisation.objects().get(Organisation.id == organisation_id)
    if organisation is None or not allowed:
        raise refuse("not_found.organisation")
    refused = sorted(set(changes) - set(allowed))
    if refused:
        labels = ", ".join(FIELD_LABELS.get(f, f) for f in refused)
        raise refuse("field_not_editable", _labels=labels, field=refused[0])
    cleaned = await official_commune(
        {name: CLEANERS[name](value) for name, value in changes.items()}
    )
    if cleaned.get("rna") and (cleaned.get("kind", organisation.kind).lower() != "association"):
        raise refuse("invalid.rna_not_association", field="rna")
    diff = {
        name: {"old": getattr(organisation, name), "new": value}
        for name, value in cleaned.items()
        if getattr(organisation, name) != value
    }
    if not diff:
        return organisation
    await _refuse_duplicates(organisation_id, cleaned)
    losing_id = {"siret", "rna"} & set(diff)
    if losing_id and organisation.is_site and organisation.site_status == "qualified":
        siret = cleaned.get("siret", organisation.siret)
        rna = cleaned.get("rna", organisation.rna)
        if not siret and not rna:
            raise NEEDS_SIRET
    for name, change in diff.items():
        setattr(organisation, name, change["new"])
    async with write_transaction():
        await organisation.save([getattr(Organisation, name) for name in diff])
        await audit.record(actor, "update", "organisation", organisation_id, diff)
    if organisation.is_site and ADDRESS_FIELDS & set(diff):
        await queue_geocoding(organisation_id)
    return organisation


NEEDS_SIRET = refuse("qualification_needs_siret", field="siret")


async def _refuse_duplicates(organisation_id: int, cleaned: dict[str, Any]) -> None:
    for name, refusal in (("siret", "duplicate_siret"), ("rna", "duplicate_rna")):
        value = cleaned.get(name)
        column = getattr(Organisation, name)
        if value and await Organisation.exists().where(
            (column == value) & (Organisation.id != organisation_id)
        ):
            raise refuse(refusal)  # refuses: duplicate_siret, duplicate_rna


FIELD_LABELS = {
    "name": "le nom",
    "kind": "le type",
    "address": "l'adresse",
    "postcode": "le code postal",
    "commune": "la commune",
    "insee_code": "le code INSEE",
    "siret": "le SIRET",
    "rna": "le numéro RNA",
    "legal_representative": "le représentant légal",
    "typology": "la typologie",
}
