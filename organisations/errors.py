"""The fixed set of refusals of the organisations app: stable code, HTTP status, French message.

Keys ``code.variant`` pick one of a code's messages (see :data:`passnum.errors.Refusals`).

``UNIQUE_REFUSALS``: each unique column, with the code and French message its service check
gives, for the request that loses a race between that check and its insert (409, not 500).
"""

from __future__ import annotations

from typing import Any

from passnum.errors import DomainError, Refusals, UniqueRefusals, refusal

REFUSALS: Refusals = {
    "not_found.user": (404, "Utilisateur introuvable."),
    "not_found.application": (404, "Candidature introuvable."),
    "not_found.organisation": (404, "Organisation introuvable."),
    "not_found.bank_details": (404, "Coordonnées bancaires introuvables."),
    "not_found.membership": (404, "Rattachement introuvable."),
    "not_found.editable_site": (404, "Ce lieu n'existe pas ou ne dépend pas de vous."),
    "not_found.opening_slot": (404, "Ce créneau n'existe plus. Rechargez la page."),
    "not_found.site": (404, "Ce lieu n'existe pas."),
    "invalid.commune": (
        422,
        "Indiquez la commune du lieu (tapez son nom et choisissez-la).",
    ),
    "invalid.contact_email": (422, "Indiquez l'adresse e-mail de la personne à contacter."),
    "invalid.application_decision": (422, "Décision inconnue : « qualify » ou « refuse »."),
    "invalid.application_reason": (
        422,
        "Indiquez le motif du refus (il est envoyé à la structure).",
    ),
    "invalid.holder_missing": (
        422,
        "Indiquez le titulaire du compte bancaire (tel que sur le RIB).",
    ),
    "invalid.holder_too_long": (422, "Le titulaire du compte : 200 caractères au plus."),
    "invalid.bank_decision": (422, "Décision inconnue : « approve » ou « refuse »."),
    "invalid.bank_reason": (422, "Indiquez le motif du refus (il est montré au lieu)."),
    "invalid.charter_empty": (422, "Écrivez le texte de la charte."),
    "invalid.charter_too_long": (422, "La charte tient en {MAX_LENGTH} caractères au plus."),
    "invalid.name_missing": (422, "Le nom de l'organisation est obligatoire."),
    "invalid.email": (422, "L'adresse e-mail n'est pas valide."),
    "invalid.postcode": (422, "Le code postal doit compter 5 chiffres."),
    "invalid.text": (422, "Texte attendu."),
    "invalid.rna_not_association": (
        422,
        "Seule une association peut être identifiée par un numéro RNA.",
    ),
    "invalid.url": (422, "{label} doit être une adresse web (https://…)."),
    "invalid.url_host": (422, "{label} doit être une adresse de {host}."),
    "invalid.too_long": (422, "{length} caractères au plus."),
    "invalid.weekday": (422, "Choisissez le jour de la semaine."),
    "invalid.date": (422, "Date invalide (jj/mm/aaaa)."),
    "invalid.role": (422, "Rôle inconnu : choisissez un rôle dans la liste."),
    "invalid.roles": (422, "Rôle inconnu : {join}."),
    "invalid.site_status": (422, "Statut de site inconnu."),
    "invalid.role_fits": (422, "{name} n'a pas le rôle requis pour des comptes « {value} »."),
    "invalid.hours": (
        422,
        "Indiquez les heures d'ouverture et de fermeture, par exemple 09:00 et 12:00.",
    ),
    "invalid.closes_before_opening": (
        422,
        "L'heure de fermeture doit être après l'heure d'ouverture.",
    ),
    "field_not_editable": (403, "Seul le Département peut modifier : {labels}."),
    "invalid.suspension_reason": (422, "Indiquez le motif de la suspension."),
    "identifier_required": (
        422,
        "Indiquez le SIRET de la structure (ou, pour une association sans SIRET, son numéro RNA).",
    ),
    "charter_not_accepted": (
        422,
        "Pour devenir lieu qualifié, acceptez la charte des lieux qualifiés.",
    ),
    "duplicate_siret": (409, "Une organisation avec ce SIRET existe déjà."),
    "duplicate_rna": (409, "Une organisation avec ce numéro RNA existe déjà."),
    "already_decided.application": (409, "Cette candidature a déjà été traitée."),
    "already_decided.bank_details": (
        409,
        "Ces coordonnées bancaires ont déjà été traitées (ou remplacées par de plus récentes).",
    ),
    "qualification_needs_siret.application": (
        409,
        "Un lieu ne peut être qualifié sans SIRET (ou numéro RNA).",
    ),
    "qualification_needs_siret": (
        409,
        "Un lieu ne peut être qualifié sans SIRET (ou numéro RNA pour une association sans SIRET).",
    ),
    "name_formula.holder": (
        422,
        "Le titulaire ne peut pas commencer par « {holder} » : un tableur le prendrait pour "
        "une formule.",
    ),
    "name_formula": (
        422,
        "Le nom ne peut pas commencer par « {name} » : un tableur le prendrait pour une "
        "formule. Écrivez-le sans ce signe en tête.",
    ),
    "name_formula.text": (
        422,
        "Le nom ne peut pas commencer par « {text} » : un tableur le prendrait pour une formule.",
    ),
    "not_a_site": (
        409,
        "Seuls les lieux qualifiés sont remboursés : cette organisation n'est pas un lieu.",
    ),
    "valid_from_past": (
        422,
        "Des coordonnées bancaires s'appliquent au plus tôt à partir d'aujourd'hui.",
    ),
    "bank_details_unchanged": (409, "Ces coordonnées bancaires sont déjà en vigueur."),
    "forbidden": (403, "Seul le Département valide des coordonnées bancaires."),
    "invalid_iban": (422, "L'IBAN « {raw} » n'est pas valide : recopiez-le depuis votre RIB."),
    "invalid_bic": (
        422,
        "Le BIC « {raw} » n'est pas valide (8 ou 11 caractères, ex. AGRIFRPP882).",
    ),
    "invalid_phone": (
        422,
        "Le numéro de téléphone « {raw} » n'est pas valide (ex. 02 33 05 55 50).",
    ),
    "invalid_rna": (
        422,
        "Le numéro RNA « {rna} » n'est pas valide : W suivi de 9 chiffres (ex. W502001234).",
    ),
    "invalid_siret": (
        422,
        "Le SIRET « {raw} » n'est pas valide : il compte 14 chiffres, dont les 9 du SIREN, et "
        "ses chiffres de contrôle ne correspondent pas. Recopiez-le depuis "
        "annuaire-entreprises.data.gouv.fr.",
    ),
    "unknown_choice": (422, "{label} inconnu(s) : {unknown}. Choisissez dans la liste nationale."),
    "import_rejected": (
        422,
        "{rejected} ligne(s) refusée(s) : rien n'a été importé. Corrigez le fichier puis "
        "recommencez.",
    ),
    "unknown_user": (404, "Aucun utilisateur avec l'adresse {email}."),
    "duplicate_membership": (409, "Cette personne est déjà rattachée à {name} avec ce rôle."),
    "last_membership": (
        409,
        "C'est le seul rattachement de cette personne : désactivez plutôt son compte.",
    ),
    # « Près de chez moi » naming several communes: a short choice follows the sentence.
    "ambiguous_commune": (
        422,
        "Plusieurs communes répondent à « {text} » : choisissez la vôtre.",
    ),
    "ambiguous_commune.homonyms": (
        422,
        "Plusieurs communes s'appellent « {text} » : choisissez la vôtre.",
    ),
    "ambiguous_commune.many_starting": (
        422,
        "{count} communes commencent par « {text} » : précisez le nom ou tapez le code postal.",
    ),
    "ambiguous_commune.many_containing": (
        422,
        "{count} communes contiennent « {text} » : précisez le nom ou tapez le code postal.",
    ),
    "commune_without_centre": (
        422,
        "Nous ne savons pas encore où se trouve {name} : choisissez une commune voisine ou "
        "regardez la liste de tous les lieux.",
    ),
    "invalid_csv": (422, "Choisissez un fichier CSV non vide."),
    "weak_password.too_short": (
        422,
        "Le mot de passe doit compter au moins {MIN_LENGTH} caractères (une phrase de "
        "quelques mots convient très bien).",
    ),
    "weak_password.too_long": (
        422,
        "Le mot de passe doit compter au plus {MAX_LENGTH} caractères.",
    ),
    "weak_password.common": (
        422,
        "Ce mot de passe est trop courant : il figure dans les listes essayées en premier par "
        "les attaquants. Choisissez-en un autre.",
    ),
    "weak_password.mismatch": (
        422,
        "Les deux mots de passe saisis ne sont pas identiques.",
    ),
    "wrong_password": (422, "Le mot de passe actuel n'est pas le bon."),
    "invalid_position": (
        422,
        "La {label} doit être un nombre en degrés décimaux (par exemple {value}).",
    ),
    "duplicate_email": (409, "Un compte existe déjà avec cette adresse."),
    "suspension_in_future": (
        422,
        "La suspension prend effet au plus tard aujourd'hui : revenez le jour où elle commence.",
    ),
    "link_unknown": (
        404,
        "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier, ou demandez-en un "
        "nouveau.",
    ),
    "link_used": (
        410,
        "Ce lien a déjà été utilisé. Connectez-vous avec votre mot de passe, ou demandez un "
        "nouveau lien (« Mot de passe oublié »).",
    ),
    "link_expired": (
        410,
        "Ce lien a expiré (il était valable {hours}). Demandez-en un nouveau.",
    ),
    "not_qualified": (409, "Ce lieu n'est pas qualifié : rien à suspendre."),
    "not_suspended": (409, "Ce lieu n'est pas suspendu."),
}


def refuse(code: str, /, *, kind: type[DomainError] | None = None, **extra: Any) -> DomainError:
    """The DomainError for ``code`` (see :func:`passnum.errors.refusal`)."""
    return refusal(REFUSALS, code, kind=kind, **extra)


DUPLICATE_EMAIL = ("duplicate_email", "Un compte existe déjà avec cette adresse.")

UNIQUE_REFUSALS: UniqueRefusals = {
    ("organisation", "siret"): ("duplicate_siret", "Une organisation avec ce SIRET existe déjà."),
    ("organisation", "rna"): ("duplicate_rna", "Une organisation avec ce numéro RNA existe déjà."),
    ("piccolo_user", "email"): DUPLICATE_EMAIL,
    ("piccolo_user", "username"): DUPLICATE_EMAIL,
}
