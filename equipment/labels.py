"""French words for codes, and the public URLs printed in QR codes."""

from __future__ import annotations

from passnum import audit_view, vocabulary
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
signature_moment_label = vocabulary.define(
    "signature_moment", {"handover": "à la remise", "return": "au retour"}
)
signature_method_label = vocabulary.define(
    "signature_method",
    {"drawn": "dessinée à l'écran", "typed": "nom tapé, case de confirmation cochée"},
)

audit_view.describe_fields(
    "item",
    {
        "from": audit_view.Field("Avant", "item_status"),
        "to": audit_view.Field("Après", "item_status"),
        "item_type": audit_view.Field("Type", "item_type"),
        "status": audit_view.Field("État", "item_status"),
        "asset_tag": audit_view.Field("N° d'inventaire"),
        "brand": audit_view.Field("Marque"),
        "model": audit_view.Field("Modèle"),
        "serial": audit_view.Field("N° de série"),
        "accessories": audit_view.Field("Accessoires", "list"),
    },
)
audit_view.describe_fields(
    "loan",
    {
        "status": audit_view.Field("État", "loan_status"),
        "from": audit_view.Field("Retour prévu", "date"),
        "to": audit_view.Field("Nouveau retour prévu", "date"),
        "signer": audit_view.Field("Signataire"),
        "moment": audit_view.Field("Moment", "signature_moment"),
        "method": audit_view.Field("Signature", "signature_method"),
    },
)

audit_view.describe_fields(
    "loan_request",
    {
        "loan": audit_view.Field("Prêt"),
        "asked_from": audit_view.Field("Demandé à partir du", "date"),
        "asked_until": audit_view.Field("Demandé jusqu'au", "date"),
    },
)

for _entity in ("item_type", "kit"):  # a catalogue photo added or replaced (equipment.photos)
    audit_view.describe_fields(
        _entity,
        {
            "content_type": audit_view.Field("Format"),
            "width": audit_view.Field("Largeur (pixels)"),
            "height": audit_view.Field("Hauteur (pixels)"),
        },
    )


def item_url(asset_tag: str) -> str:
    """What an asset label's QR code opens: the item page."""
    return f"{get_settings().public_url}/i/{asset_tag}"


def loan_url(number: str) -> str:
    """What a loan slip's QR code opens: the loan page."""
    return f"{get_settings().public_url}/loans/{number}"
