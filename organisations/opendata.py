"""The directory as open data, in the national "lieux de médiation numérique" schema.

JSON and CSV (lists joined with "|", ``horaires`` in OpenStreetMap syntax). The CSV follows the
national schema's own rules, not the people's CSV writer: its cells are data for other systems
(phones begin with +33), so they are not neutralised as formulas.
"""

from __future__ import annotations

import csv
import io

from organisations.hours import osm_opening_hours
from organisations.places import Place
from passnum.settings import get_settings

TYPOLOGIES = {"mairie": "MUNI", "bibliothèque": "BIB", "médiathèque": "BIB", "ccas": "CCAS"}
TYPOLOGIES |= {"association": "ASSO", "france services": "FRANCE_SERVICES"}
OPEN_DATA_FIELDS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "services", "publics_specifiquement_adresses",
    "frais_a_charge", "dispositif_programmes_nationaux", "modalites_acces",
    "modalites_accompagnement", "prise_rdv", "date_maj", "source",
]  # fmt: skip
LIST_FIELDS = {"typologie", "courriels", "services", "frais_a_charge"}
LIST_FIELDS |= {"dispositif_programmes_nationaux", "modalites_accompagnement"}


def open_data_record(place: Place) -> dict[str, object]:
    """One place in the national "lieux de médiation numérique" schema."""
    settings = get_settings()
    return {
        "id": f"passnum-{place.id}",
        "pivot": place.siret or "00000000000000",
        "nom": place.name,
        "commune": place.commune,
        "code_postal": place.postcode,
        "code_insee": place.insee_code,
        "adresse": place.address,
        "complement_adresse": "",
        "latitude": None,
        "longitude": None,
        "typologie": [t] if (t := TYPOLOGIES.get(place.kind.strip().lower())) else [],
        "telephone": place.phone,
        "courriels": [place.email] if place.email else [],
        "site_web": "",
        "horaires": osm_opening_hours(place.slots),
        "presentation_resume": ", ".join(place.short_slots),
        "services": place.services,
        "publics_specifiquement_adresses": "",
        "frais_a_charge": ["Gratuit sous condition"],
        "dispositif_programmes_nationaux": ["Pass numérique"],
        "modalites_acces": "Se présenter",
        "modalites_accompagnement": ["Accompagnement individuel"],
        "prise_rdv": "",
        "date_maj": place.updated_on.isoformat(),
        "source": f"passnum — {settings.operator_name}",
    }


def open_data_csv_row(record: dict[str, object]) -> list[object]:
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
