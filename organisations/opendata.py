"""The directory as open data, in the national "lieux de médiation numérique" schema (v1.0.2).

JSON and CSV carry the same records, the CSV's columns in the schema's order (lists joined with
"|", ``horaires`` in OpenStreetMap syntax). The CSV follows the national schema's own rules, not
the people's CSV writer: its cells are data for other systems (phones begin with +33), so they are
not neutralised as formulas. ``tests/organisations/test_open_data_schema.py`` runs
``frictionless validate`` on the demo's file against the schema.

Only what can be published is: a qualified site (not suspended) identified by a SIRET (the
schema's ``pivot``), with an address, postcode and commune (required by the schema). Every value
comes from the site's own data; what passnum does not know is left empty, never made up.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from organisations.editing import e164
from organisations.hours import osm_opening_hours
from organisations.national_lists import SERVICES
from organisations.places import Place
from passnum.fr import fold
from passnum.settings import get_settings

TYPOLOGIES = {"mairie": "MUNI", "bibliothèque": "BIB", "médiathèque": "BIB", "ccas": "CCAS"}
TYPOLOGIES |= {"association": "ASSO", "france services": "FRANCE_SERVICES"}
# The schema's field order (v1.0.2).
OPEN_DATA_FIELDS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source", "itinerance",
    "structure_parente", "date_maj", "services", "publics_specifiquement_adresses",
    "prise_en_charge_specifique", "frais_a_charge", "dispositif_programmes_nationaux",
    "formations_labels", "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
]  # fmt: skip
LIST_FIELDS = {
    "typologie", "courriels", "site_web", "itinerance", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "modalites_acces",
    "modalites_accompagnement",
}  # fmt: skip
# The schema's telephone pattern: France and its overseas country codes, no spaces.
SCHEMA_PHONE = re.compile(r"\+(33|590|594|262|596|269|687|689|508|681)\d{6,9}")
RESUME_MAX = 280
SCHEMA_PUBLICS = ("Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes")


_SERVICES = {fold(s): s for s in SERVICES}


def national_services(lines: list[str]) -> list[str]:
    """The site's service lines that are the schema's services (case and accents aside)."""
    found = {_SERVICES[f] for line in lines if (f := fold(line)) in _SERVICES}
    return [s for s in SERVICES if s in found]


def international_phone(phone: str) -> str:
    """The site's phone as the schema wants it: E.164 read by the organisations' one phone rule
    (organisations.editing.e164: stored numbers already are; older ones typed "02 33 05 55 50"
    are read the same way), "" when it is none or not French."""
    number = e164(phone) if phone else ""
    return number if SCHEMA_PHONE.fullmatch(number) else ""


def publishable(place: Place) -> bool:
    """A place goes into the open data only with a SIRET or RNA and the address the schema requires
    (places are already the qualified, not suspended, sites)."""
    return bool(
        re.fullmatch(r"[a-zA-Z0-9]{9,14}", place.siret or place.rna or "")
        and place.address.strip()
        and re.fullmatch(r"\d{5}", place.postcode or "")
        and place.commune.strip()
    )


def open_data_records(places: list[Place]) -> list[dict[str, object]]:
    return [open_data_record(p) for p in places if publishable(p)]


def open_data_record(place: Place) -> dict[str, object]:
    """One place in the national "lieux de médiation numérique" schema."""
    settings = get_settings()
    phone = international_phone(place.phone)
    access = ["Se présenter"] + (["Téléphoner"] if phone else [])
    access += ["Contacter par mail"] if place.email else []
    access += ["Prendre un RDV en ligne"] if place.appointment_url else []
    return {
        "id": f"passnum-{place.id}",
        "pivot": place.siret or place.rna,
        "nom": place.name,
        "commune": place.commune,
        "code_postal": place.postcode,
        "code_insee": place.insee_code,
        "adresse": place.address,
        "complement_adresse": "",
        "latitude": place.latitude,
        "longitude": place.longitude,
        "typologie": place.typology
        or ([t] if (t := TYPOLOGIES.get(place.kind.strip().lower())) else []),
        "telephone": phone,
        "courriels": [place.email] if place.email else [],
        "site_web": [place.website] if place.website else [],
        "horaires": osm_opening_hours(place.slots),
        "presentation_resume": ", ".join(place.short_slots)[:RESUME_MAX],
        "presentation_detail": "",
        "source": f"passnum — {settings.operator_name}",
        "itinerance": ["Fixe"],  # a site of passnum is a fixed place
        "structure_parente": "",
        "date_maj": place.updated_on.isoformat(),
        "services": national_services(place.services),
        "publics_specifiquement_adresses": place.publics,
        "prise_en_charge_specifique": [],
        "frais_a_charge": ["Gratuit sous condition"],  # free with the pass numérique
        "dispositif_programmes_nationaux": [],
        "formations_labels": [],
        "autres_formations_labels": "",
        "modalites_acces": access,
        "modalites_accompagnement": ["Accompagnement individuel"],
        "fiche_acces_libre": place.acceslibre_url,
        "prise_rdv": place.appointment_url,
    }


def open_data_csv_row(record: dict[str, Any]) -> list[object]:
    """Lists joined with "|", as the schema's CSV form does."""
    return [
        "|".join(map(str, record[f])) if f in LIST_FIELDS else record[f] for f in OPEN_DATA_FIELDS
    ]


def open_data_csv_bytes(rows: list[list[object]]) -> bytes:
    """UTF-8 with BOM, ";" and CRLF, as Excel opens it; None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(OPEN_DATA_FIELDS)
    writer.writerows(["" if v is None else str(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
