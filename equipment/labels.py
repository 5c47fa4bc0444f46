"""French words for codes, and the public URLs printed in QR codes."""

from __future__ import annotations

from passnum import vocabulary
from passnum.settings import get_settings

TYPE_LABELS = {
    "laptop": "Ordinateur portable",
    "tablet": "Tablette",
    "smartphone": "Smartphone",
    "hotspot": "Borne 4G",
    "projector": "Vidéoprojecteur",
    "other": "Autre",
}
STATUS_LABELS = {
    "available": "Disponible",
    "on_loan": "En prêt",
    "maintenance": "En maintenance",
    "retired": "Réformé",
    "lost": "Perdu",
}
LOAN_STATUS_LABELS = {
    "reserved": "Réservé",
    "checked_out": "Remis à l'emprunteur",
    "partially_returned": "Rendu en partie",
    "returned": "Clos",
    "cancelled": "Annulé",
}

item_type_label = vocabulary.define("item_type", TYPE_LABELS)
item_status_label = vocabulary.define("item_status", STATUS_LABELS)
loan_status_label = vocabulary.define("loan_status", LOAN_STATUS_LABELS)


def item_url(asset_tag: str) -> str:
    """What an asset label's QR code opens: the item page."""
    return f"{get_settings().public_url}/i/{asset_tag}"


def loan_url(number: str) -> str:
    """What a loan slip's QR code opens: the loan page."""
    return f"{get_settings().public_url}/loans/{number}"
