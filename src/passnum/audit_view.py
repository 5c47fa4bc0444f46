"""The audit trail as people read it: French actions, labelled details, names instead of ids.

Entries keep codes and ids (``action: "activate"``, ``changes: {"funder": 3}``); pages show
"Activé" and "Financeur : CAF de la Manche". Apps name their own fields with
:func:`describe_fields` and give the kernel a way to read names of the records they own with
:func:`name_records` (the kernel imports no app).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from passnum import fr, vocabulary

action_label = vocabulary.define(
    "audit_action",
    {
        "create": "Créé",
        "update": "Modifié",
        "activate": "Activé",
        "deactivate": "Désactivé",
        "cancel": "Annulé",
        "redeem": "Chèque accepté",
        "reverse_redemption": "Encaissement annulé",
        "hand_out": "Remis à la personne",
        "allocate": "Carnets attribués",
        "move": "Carnets transférés",
        "anonymise": "Données personnelles anonymisées",
        "print": "Impression lancée",
        "build_statements": "Relevés construits",
        "submit": "Transmis",
        "pay": "Paiement enregistré",
        "cancel_payment_run": "Virement annulé",
        "establish": "État contradictoire établi",
        "agree": "Accord du financeur",
        "issue": "Émis",
        "settle": "Règlement enregistré",
        "check_out": "Remis à l'emprunteur",
        "check_in": "Rendu",
        "set_status": "Changement d'état",
        "declare_loss": "Déclaré perdu",
        "extend": "Prolongé",
        "close": "Terminé",
        "unlock": "Compte déverrouillé",
        "add_opening_slot": "Permanence ajoutée",
        "delete_opening_slot": "Permanence supprimée",
        "delete": "Supprimé",
        "dissolve": "Kit dissous",
        "add_item": "Matériel ajouté",
        "remove_item": "Matériel retiré",
        "replace_item": "Matériel remplacé",
        "change_password": "Mot de passe changé",
        "reset_password": "Mot de passe réinitialisé",
        "invite": "Invitation envoyée",
        "accept_invitation": "Invitation acceptée",
        "suspend": "Lieu suspendu",
        "requalify": "Suspension levée",
        "position": "Position sur la carte",
        "add_membership": "Rattaché à une organisation",
        "remove_membership": "Détaché d'une organisation",
        "apply": "Candidature déposée",
        "qualify": "Lieu habilité",
        "refuse": "Candidature refusée",
        "open": "Ouvert",
        "enable_two_factor": "Double authentification activée",
        "disable_two_factor": "Double authentification désactivée",
        "reset_two_factor": "Double authentification réinitialisée",
        "renew_recovery_codes": "Nouveaux codes de secours",
        "use_recovery_code": "Connexion avec un code de secours",
        "record_bank_details": "Coordonnées bancaires enregistrées",
        "propose_bank_details": "Coordonnées bancaires proposées (à valider)",
        "approve_bank_details": "Coordonnées bancaires validées",
        "refuse_bank_details": "Coordonnées bancaires refusées",
        "set_charter": "Charte des lieux modifiée",
        "retry_task": "Tâche relancée",
        "sign": "Signé par l'emprunteur",
        "offline_review": "Scan hors ligne examiné",
        "confirm_blocking": "Blocage des carnets non remis confirmé",
        "approve_request": "Demande de prêt acceptée",
        "decline_request": "Demande de prêt refusée",
        "set_photo": "Photo du catalogue ajoutée ou remplacée",
        "remove_photo": "Photo du catalogue retirée",
    },
)


@dataclass(frozen=True)
class Field:
    """How one key of ``changes`` reads: its French label and the kind of its value
    ("" as it is, "date", "moment", "cents", "bool", "list", "organisation" (an id), or a
    vocabulary)."""

    label: str
    kind: str = ""


_GENERIC: dict[str, Field] = {
    "name": Field("Nom"),
    "latitude": Field("Latitude"),
    "longitude": Field("Longitude"),
    "location_source": Field("Position donnée par", "location_source"),
    "location_label": Field("Adresse trouvée"),
    "label": Field("Libellé"),
    "note": Field("Note"),
    "notes": Field("Notes"),
    "reason": Field("Motif"),
    "email": Field("Adresse e-mail"),
    "phone": Field("Téléphone"),
    "start": Field("Début", "date"),
    "end": Field("Fin", "date"),
    "due": Field("Retour prévu", "date"),
    "paid_at": Field("Payé le", "date"),
    "redeemed_at": Field("Encaissé le", "moment"),
    "paid_on": Field("Payé le", "date"),
    "reference": Field("Référence"),
    "booklets": Field("Carnets"),
    "items": Field("Matériels", "list"),
    "item": Field("Matériel"),
    "total_cents": Field("Total", "cents"),
    "funder": Field("Financeur", "organisation"),
    "borrower": Field("Emprunteur", "organisation"),
    "organisation": Field("Organisation", "organisation"),
    "site": Field("Lieu", "organisation"),
    "status": Field("État"),
    "from": Field("Avant"),
    "to": Field("Après"),
    "cheques_cancelled": Field("Chèques annulés"),
    "statements": Field("Relevés"),
    "cheques_added": Field("Chèques ajoutés"),
    "records": Field("Fiches"),
    "job": Field("Impression n°"),
    "loan": Field("Prêt"),
    "wiped": Field("Données effacées", "bool"),
    "damaged": Field("Abîmé", "bool"),
    "slot": Field("Permanence"),
    "first": Field("Du carnet"),
    "last": Field("Au carnet"),
    "replaces": Field("Remplace le carnet"),
    "purchase_date": Field("Date d'achat", "date"),
    "declared_value_cents": Field("Valeur déclarée", "cents"),
    "cost_cents": Field("Coût", "cents"),
}
_BY_ENTITY: dict[str, dict[str, Field]] = {}
_HIDDEN = {"beneficiary"}  # personal data: never shown in a history
_NAMES: dict[str, Callable[[list[int]], Awaitable[dict[int, str]]]] = {}


def describe_fields(entity: str, fields: dict[str, Field]) -> None:
    """An app's own keys for ``entity`` (or keys that read differently there)."""
    _BY_ENTITY.setdefault(entity, {}).update(fields)


def name_records(kind: str, names: Callable[[list[int]], Awaitable[dict[int, str]]]) -> None:
    """How to read the names of records of ``kind`` from their ids (the owning app's query)."""
    _NAMES[kind] = names


def field_of(entity: str, key: str) -> Field:
    return _BY_ENTITY.get(entity, {}).get(key) or _GENERIC.get(key) or Field(key.replace("_", " "))


def when(moment: datetime) -> str:
    return fr.format_moment(moment)


async def readable(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entry with ``when`` ("29/11/2026 à 15:48"), ``action_label`` and ``details``
    (["Financeur : CAF de la Manche", …]), ids of records replaced by their names."""
    entries = list(entries)
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        for key, value in _changes(entry).items():
            kind = field_of(entry["entity"], key).kind
            if kind in _NAMES and isinstance(value, int):
                wanted.setdefault(kind, set()).add(value)
    names = {kind: await _NAMES[kind](sorted(ids)) for kind, ids in wanted.items()}
    return [
        {
            **entry,
            "when": when(entry["at"]),
            "action_label": action_label(entry["action"]),
            "details": [
                f"{field.label} : {_value(field, value, names)}"
                for key, value in _changes(entry).items()
                if key not in _HIDDEN
                for field in (field_of(entry["entity"], key),)
            ],
        }
        for entry in entries
    ]


def _changes(entry: dict[str, Any]) -> dict[str, Any]:
    changes = entry.get("changes")
    return changes if isinstance(changes, dict) else {}


def _is_edit(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"old", "new"}


def _value(field: Field, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return "—"
    if _is_edit(value):  # "before → after"
        return f"{_value(field, value['old'], names)} → {_value(field, value['new'], names)}"
    kind = field.kind
    if kind in names or kind in _NAMES:
        return names.get(kind, {}).get(value, f"n° {value}")
    if kind == "moment":
        return fr.format_moment(datetime.fromisoformat(str(value)))
    if kind == "date":
        return fr.format_date(date.fromisoformat(str(value)[:10]))
    if kind == "cents":
        return fr.format_euros(int(value))
    if kind == "bool" or isinstance(value, bool):
        return "oui" if value else "non"
    if kind == "list" or isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if kind and vocabulary.knows(kind):
        return vocabulary.label(kind, str(value))
    return str(value)
