"""The fixed set of refusals of the equipment app: stable code, HTTP status, French message.

Keys ``code.variant`` pick one of a code's messages (see :data:`passnum.errors.Refusals`).

``UNIQUE_REFUSALS``: each unique column, with the code and French message its service check
gives, for the request that loses a race between that check and its insert (409, not 500).
"""

from __future__ import annotations

from typing import Any

from passnum.errors import DomainError, Refusals, UniqueRefusals, refusal

REFUSALS: Refusals = {
    "no_loan": (404, "Cette demande n'a pas (encore) de prêt."),
    "invalid.range_reversed": (422, "La date de fin précède la date de début."),
    "invalid.range_too_long": (422, "Choisissez une période d'au plus {most} jours."),
    "invalid.item_type": (422, "Type de matériel inconnu : « {item_type} »."),
    "invalid.weeks": (422, "Choisissez de 1 à 26 semaines."),
    "invalid.label_format": (422, "Format de planche d'étiquettes inconnu."),
    "invalid.label_start": (422, "La position de départ va de 1 à {per_sheet}."),
    "invalid.no_item": (422, "Indiquez au moins un appareil."),
    "invalid.rules_minimum": (422, "Durée et nombre d'appareils : au moins 1."),
    "invalid.tag_prefix": (422, "Le préfixe compte 1 à 6 lettres ou chiffres (ex. MAN)."),
    "invalid.initial_status": (422, "Statut à la création : available, maintenance ou retired."),
    "invalid.serial_missing": (422, "Le numéro de série est obligatoire."),
    "invalid.value_negative": (422, "La valeur déclarée ne peut pas être négative."),
    "invalid.purchase_in_future": (422, "La date d'achat est dans le futur."),
    "invalid.kit_name": (422, "Le nom du kit est obligatoire."),
    "invalid.days": (422, "Indiquez un nombre entre 0 et 3650."),
    "invalid.item_status": (422, "Statut possible : available, maintenance, retired ou lost."),
    "invalid.borrower_missing": (422, "Indiquez pour quelle organisation vous empruntez."),
    "invalid.contact_missing": (422, "Indiquez la personne à contacter pour ce prêt."),
    "invalid.contact_email": (422, "L'adresse e-mail du contact n'est pas valide."),
    "invalid.too_long": (422, "{label} : {most} caractères au plus."),
    "invalid.unknown_kit": (422, "Un des kits demandés n'existe pas."),
    "invalid.nothing_requested": (422, "Demandez au moins un appareil ou un kit."),
    "invalid.decision": (422, "Choisissez d'accepter ou de refuser la demande."),
    "invalid.requested_type": (422, "Type de matériel inconnu : « {code} »."),
    "invalid.quantity": (422, "Indiquez un nombre entre 0 et {most}."),
    "invalid.refusal_reason": (
        422,
        "Indiquez la raison du refus : elle est envoyée à l'emprunteur.",
    ),
    "invalid.dates_reversed": (422, "La date de retour doit être postérieure à la date de début."),
    "invalid.nothing_chosen": (422, "Choisissez au moins un appareil ou un kit."),
    "invalid.not_a_borrower": (422, "Cette organisation n'est pas enregistrée comme emprunteuse."),
    "invalid.extension_not_later": (422, "La nouvelle date de retour doit suivre l'actuelle."),
    "invalid.maintenance_reversed": (422, "La fin de la maintenance précède son début."),
    "invalid.cost_negative": (422, "Le coût ne peut pas être négatif."),
    "invalid.type_missing": (422, "Choisissez un type de matériel dans la liste."),
    "invalid.day": (422, "La {name} « {value} » n'est pas une date (jj/mm/aaaa)."),
    "invalid.day_missing": (422, "Indiquez la {name}."),
    "invalid.amount": (422, "Montant illisible « {value} » : écrivez par exemple 349,90."),
    "invalid.integer": (422, "{label} : indiquez un nombre entier."),
    "invalid.return_choice": (
        422,
        "Pour chaque appareil rendu, choisissez « rendu, données effacées » ou « rendu, "
        "données non effacées ».",
    ),
    "invalid.slip_file": (422, "Choisissez le fichier PDF du bon à vérifier."),
    "invalid.borrower_choice": (422, "Choisissez l'organisation emprunteuse."),
    "invalid.item_count": (422, "Indiquez un nombre entier d'appareils."),
    "invalid.signer_name_too_long": (
        422,
        "Le nom du signataire est trop long (120 caractères au plus).",
    ),
    "invalid.scan_empty": (422, "Scannez une étiquette ou tapez un numéro d'inventaire."),
    "not_found.calendar_link": (404, "Ce lien d'agenda n'existe pas."),
    "not_found.tags": (404, "Numéros d'inventaire inconnus : {unknown}."),
    "not_found.item": (404, "Aucun appareil avec le numéro d'inventaire « {tag} »."),
    "not_found.item_type": (404, "Type de matériel inconnu : « {item_type} »."),
    "not_found.kit_number": (404, "Aucun kit n° {kit_id}."),
    "not_found.photo": (404, "Cette photo n'existe pas (ou plus)."),
    "not_found.kit": (404, "Kit introuvable."),
    "not_found.kits": (404, "Kit introuvable : {missing}."),
    "not_found.request": (404, "Aucune demande n° {request_id}."),
    "not_found.loan": (404, "Aucun prêt n° « {number} »."),
    "not_found.maintenance": (404, "Fiche de maintenance introuvable."),
    "not_found.borrower": (404, "Cet emprunteur n'existe pas."),
    "not_found.stock_take": (404, "Inventaire introuvable."),
    "unavailable": (
        409,
        "Ce matériel est déjà réservé sur ces dates : {listed}. Choisissez d'autres dates ou "
        "d'autres appareils.",
    ),
    "unavailable.with_free_devices": (
        409,
        "{message} Pour ouvrir la maintenance, déplacez d'abord ces réservations sur un autre "
        "appareil ({moves}).",
    ),
    "import_rejected": (
        422,
        "{rejected} ligne(s) refusée(s) : rien n'a été importé. Corrigez le fichier puis "
        "recommencez.",
    ),
    "not_returned": (409, "Aucun appareil du prêt {number} n'a encore été rendu."),
    "not_in_loan.many": (422, "Ces appareils ne font pas partie du prêt {number} : {listed}."),
    "not_in_loan": (422, "L'appareil {tag} ne fait pas partie du prêt {number}."),
    "not_reserved.closed": (409, "Le prêt {number} a déjà été remis ou clos."),
    "not_reserved.raced": (409, "Le prêt {number} vient d'être remis."),
    "not_reserved": (
        409,
        "Le prêt {number} a déjà été remis, clos ou annulé : seuls les appareils d'une "
        "réservation peuvent être changés.",
    ),
    "expired": (409, "La date de retour du prêt {number} est passée : prolongez-le ou annulez-le."),
    "checklist_incomplete": (
        422,
        "Remplissez la liste de contrôle de chaque appareil ; il manque : {missing}.",
    ),
    "not_out": (409, "Le prêt {number} n'est pas en cours."),
    "already_returned.many": (409, "Déjà rendus ou déclarés perdus : {done}."),
    "already_returned": (409, "{item} vient d'être rendu."),
    "not_ready": (
        409,
        "Ces appareils ne sont pas disponibles au parc (encore en prêt, en maintenance, "
        "perdus ou réformés) : {not_ready}.",
    ),
    "duplicate_serial": (409, "Le numéro de série {serial} existe déjà{spelt}."),
    "duplicate_asset_tag": (409, "Le numéro d'inventaire {tag} existe déjà."),
    "duplicate_kit": (409, "Un kit « {name} » existe déjà."),
    "already_in_kit": (409, "Déjà dans un autre kit : {tags}."),
    "on_loan": (409, "{asset_tag} est en prêt : enregistrez d'abord son retour ou sa perte."),
    "already_in_loan": (409, "L'appareil {asset_tag} fait déjà partie du prêt {number}."),
    "last_item": (
        409,
        "L'appareil {tag} est le seul du prêt {number} : remplacez-le, ou annulez la réservation.",
    ),
    "already_decided": (409, "La demande n° {id} a déjà reçu une réponse ({lower})."),
    "overdue_loan": (
        409,
        "Vous avez un prêt en retard : rendez ce matériel (ou demandez une prolongation) "
        "avant de faire une nouvelle demande.",
    ),
    "loan_closed": (409, "Le prêt {number} est clos ou annulé."),
    "forbidden": (403, "Vous n'empruntez pas pour cette organisation."),
    "not_enough_free": (
        409,
        "Pas assez de « {item_type} » libres sur ces dates : {candidates} pour {count} "
        "demandés. Choisissez les appareils à prêter.",
    ),
    "extension_limit": (
        409,
        "Ce prêt a déjà été prolongé {borrower_extensions} fois : au-delà de "
        "{max_extensions}, appelez le Département.",
    ),
    "booked_after": (
        409,
        "Une autre réservation suit ce prêt : ce matériel doit revenir à la date prévue. "
        "Appelez le Département pour trouver une solution.",
    ),
    "notice_too_short": (
        422,
        "Les réservations se font au moins {min_notice_days} jour(s) à l'avance : début "
        "possible à partir du {earliest}.",
    ),
    "notice_too_short.past": (
        422,
        "La date de début est déjà passée : choisissez-la à partir d'aujourd'hui, le {earliest}.",
    ),
    "too_long": (422, "Un prêt dure au plus {max_duration_days} jours (prolongations comprises)."),
    "too_many_items": (
        422,
        "Un emprunteur peut avoir au plus {max_items_per_borrower} appareils en même temps ; "
        "il en a déjà {held} sur ces dates.",
    ),
    "not_lendable": (
        409,
        "Ces appareils sont réformés ou perdus et ne peuvent plus être prêtés : {gone}.",
    ),
    "not_cancellable": (
        409,
        "Le prêt {number} a déjà été remis, clos ou annulé : seule une réservation peut être "
        "annulée.",
    ),
    "wipe_not_confirmed": (
        422,
        "Cet appareil est revenu sans effacement des données personnelles : confirmez "
        "l'effacement des données avant de clore la maintenance.",
    ),
    "invalid_csv": (422, "Choisissez un fichier CSV non vide."),
    "signature_missing": (
        422,
        "Faites signer l'emprunteur : dessinez la signature dans le cadre, ou tapez son nom "
        "et cochez la case de confirmation.",
    ),
    "signature_invalid.not_png": (422, "La signature dessinée n'est pas une image PNG."),
    "signature_invalid.too_heavy": (422, "La signature dessinée est trop lourde."),
    "signature_invalid.unreadable": (422, "La signature dessinée est illisible."),
    "signature_invalid.too_large": (422, "La signature dessinée est trop grande."),
    "signature_empty": (
        422,
        "La zone de signature est vide : faites signer l'emprunteur, ou utilisez la signature "
        "au clavier (nom tapé et case cochée).",
    ),
    "signer_name_missing": (422, "Indiquez le nom de la personne qui signe."),
    "stock_take_closed": (
        409,
        "L'inventaire n° {id} est clos : ouvrez-en un nouveau pour scanner.",
    ),
    "reminders_failed": (400, "Rappels non envoyés ({failed}) : {failed2}."),
}


def refuse(code: str, /, *, kind: type[DomainError] | None = None, **extra: Any) -> DomainError:
    """The DomainError for ``code`` (see :func:`passnum.errors.refusal`)."""
    return refusal(REFUSALS, code, kind=kind, **extra)


UNIQUE_REFUSALS: UniqueRefusals = {
    ("item", "serial"): ("duplicate_serial", "Ce numéro de série existe déjà."),
    ("index", "item_serial_lower_key"): (
        "duplicate_serial",
        "Ce numéro de série existe déjà (majuscules et minuscules confondues).",
    ),
    ("item", "asset_tag"): ("duplicate_asset_tag", "Ce numéro d'inventaire existe déjà."),
    ("kit", "name"): ("duplicate_kit", "Un kit porte déjà ce nom."),
    ("kit_item", "item"): ("already_in_kit", "Un de ces appareils est déjà dans un autre kit."),
}
