"""Fixed vocabularies of the vouchers app (codes stored, French labels shown).

Needs and themes follow national digital-mediation practice; age bands and social statuses are
those of the national mediation tool, so statistics can be compared.
"""

from __future__ import annotations

from enum import StrEnum

from passnum import audit_view, vocabulary


class BatchStatus(StrEnum):
    draft = "draft"
    active = "active"


class BookletStatus(StrEnum):
    """Stored facts; ``expired`` is never stored, it is computed from the dates."""

    in_stock = "in_stock"
    allocated = "allocated"
    issued = "issued"
    exhausted = "exhausted"
    expired = "expired"
    cancelled = "cancelled"


class ChequeStatus(StrEnum):
    valid = "valid"
    redeemed = "redeemed"
    cancelled = "cancelled"
    expired = "expired"  # computed
    not_issued = "not_issued"  # computed, public view only
    not_yet_valid = "not_yet_valid"  # computed, public view only


NEEDS: dict[str, str] = {
    "rights": "Accès aux droits",
    "admin": "Démarches administratives",
    "employment": "Emploi / formation",
    "email": "Messagerie",
    "health": "Santé",
    "schooling": "Scolarité",
    "banking": "Banque / achats",
    "security": "Sécurité",
    "device": "Prise en main du matériel",
    "other": "Autre",
}
AGE_BANDS: dict[str, str] = {
    "under_18": "Moins de 18 ans",
    "18_24": "18 à 24 ans",
    "25_39": "25 à 39 ans",
    "40_59": "40 à 59 ans",
    "60_69": "60 à 69 ans",
    "70_plus": "70 ans et plus",
    "unknown": "Non communiqué",
}
SOCIAL_STATUSES: dict[str, str] = {
    "student": "Scolarisé(e) ou étudiant(e)",
    "job_seeker": "Sans emploi",
    "employed": "En emploi",
    "retired": "Retraité(e)",
    "unknown": "Non communiqué",
}
ACTIVITIES: dict[str, str] = {"individual": "Accompagnement individuel", "workshop": "Atelier"}
PLACES: dict[str, str] = {"site": "Sur place", "home": "À domicile", "remote": "À distance"}
ON_SITE = "site"  # the PLACES key of a cheque used at the site itself
SCAN_REDEEMED = ChequeStatus.redeemed.value  # scan_attempt.result of a scan that redeemed
SCAN_REVERSED = "reversed"  # scan_attempt.result of a redemption's reversal
CANCEL_REASONS: dict[str, str] = {
    "lost": "Perdu",
    "stolen": "Volé",
    "damaged": "Abîmé",
    "error": "Erreur de remise",
    "other": "Autre",
}
BOOKLET_STATUS_LABELS: dict[str, str] = {
    "in_stock": "en stock au Département",
    "allocated": "en stock dans une structure",
    "issued": "remis à une personne",
    "exhausted": "entièrement utilisé",
    "expired": "expiré",
    "cancelled": "annulé",
}
CHEQUE_STATUS_LABELS: dict[str, str] = {
    "valid": "Valable",
    "redeemed": "Déjà utilisé",
    "cancelled": "Annulé",
    "expired": "Expiré",
    "not_issued": "Pas encore remis",
    "not_yet_valid": "Pas encore valable",
}
BATCH_STATUS_LABELS: dict[str, str] = {
    "draft": "Brouillon (en attente du paiement)",
    "active": "Actif",
}
# A scan's result as the scanner's verdict and the scan register show it.
SCAN_RESULT_LABELS: dict[str, str] = {
    "redeemed": "Chèque accepté",
    "already_redeemed": "Chèque déjà utilisé",
    "cancelled": "Chèque annulé",
    "expired": "Chèque expiré",
    "not_yet_valid": "Chèque pas encore valable",
    "not_issued": "Chèque non remis",
    "not_accepted_here": "Chèque non accepté dans ce lieu",
    "site_not_qualified": "Lieu non habilité",
    "unknown": "Chèque inconnu",
    "malformed": "Code mal saisi",
    "not_site_agent": "Refusé : pas agent d'un lieu",
    "reversed": "Encaissement annulé",
}

booklet_status_label = vocabulary.define("booklet_status", BOOKLET_STATUS_LABELS)
cheque_status_label = vocabulary.define("cheque_status", CHEQUE_STATUS_LABELS)
batch_status_label = vocabulary.define("batch_status", BATCH_STATUS_LABELS)
scan_result_label = vocabulary.define("scan_result", SCAN_RESULT_LABELS)
activity_label = vocabulary.define("activity", ACTIVITIES)
place_label = vocabulary.define("place", PLACES)
age_band_label = vocabulary.define("age_band", AGE_BANDS)
social_status_label = vocabulary.define("social_status", SOCIAL_STATUSES)
need_label = vocabulary.define("need", NEEDS)
cancel_reason_label = vocabulary.define("cancel_reason", CANCEL_REASONS)

audit_view.describe_fields(
    "booklet",
    {
        "previous": audit_view.Field("État précédent", "booklet_status"),
        "reason": audit_view.Field("Motif", "cancel_reason"),
        "organisation": audit_view.Field("Structure", "organisation"),
    },
)
audit_view.describe_fields(
    "cheque",
    {
        "activity": audit_view.Field("Activité", "activity"),
        "place": audit_view.Field("Lieu d'activité", "place"),
    },
)
audit_view.describe_fields(
    "batch",
    {
        "amount_cents": audit_view.Field("Montant reçu", "cents"),
        "expected_cents": audit_view.Field("Valeur faciale du tirage", "cents"),
        "reference": audit_view.Field("Référence du paiement"),
        "difference": audit_view.Field("Motif de l'écart"),
        "alert": audit_view.Field("Alerte de fin de validité n°"),
    },
)
audit_view.describe_fields("organisation", {"from": audit_view.Field("Depuis", "organisation")})
