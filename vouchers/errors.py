"""The fixed set of refusals of the vouchers app: stable code, HTTP status, French message.

Messages say what went wrong and what to do, for a site agent at a counter or a prescriber.
"""

from __future__ import annotations

from typing import Any

from passnum.errors import DomainError, refusal

REFUSALS: dict[str, tuple[int, str]] = {
    # Scanning a cheque (result codes of a redemption)
    "malformed": (
        422,
        "Code mal saisi : vérifiez les 16 caractères imprimés sous le QR code "
        "(ou scannez-le à nouveau), puis réessayez.",
    ),
    "unknown": (
        404,
        "Ce code ne correspond à aucun chèque. Vérifiez la saisie ; si elle est exacte, "
        "n'acceptez pas ce chèque et appelez le Département au {phone}.",
    ),
    "already_redeemed": (
        409,
        "Ce chèque a déjà été utilisé le {when} ({site}). Ne l'acceptez pas : "
        "la personne peut utiliser un autre chèque de son carnet.",
    ),
    "cancelled": (
        409,
        "Ce chèque a été annulé (carnet déclaré perdu ou volé). Ne l'acceptez pas et "
        "orientez la personne vers la structure qui lui a remis le carnet.",
    ),
    "expired": (
        409,
        "Ce chèque n'est plus valable depuis le {date}. Ne l'acceptez pas : la personne "
        "peut demander un nouveau carnet à la structure qui le lui a remis.",
    ),
    "not_yet_valid": (
        409,
        "Ce chèque ne sera valable qu'à partir du {date}. Ne l'acceptez pas avant cette date.",
    ),
    "not_issued": (
        409,
        "Ce chèque n'a pas encore été remis à un bénéficiaire : il ne peut pas être utilisé. "
        "Ne l'acceptez pas et appelez le Département au {phone}.",
    ),
    "not_accepted_here": (
        409,
        "Ce chèque n'est pas accepté dans votre lieu : son financeur l'a réservé à d'autres "
        "lieux. Indiquez à la personne qu'elle peut consulter les lieux acceptés en scannant "
        "le QR code avec son téléphone.",
    ),
    "site_not_qualified": (
        403,
        "Votre lieu n'est pas (ou plus) habilité à accepter les pass numériques. "
        "N'acceptez pas de chèque et appelez le Département au {phone}.",
    ),
    "not_site_agent": (
        403,
        "Seul un agent d'un lieu habilité peut encaisser un chèque.",
    ),
    # Reversing a redemption made by mistake
    "not_redeemed": (
        409,
        "Ce chèque n'est pas encaissé : il n'y a pas d'encaissement à annuler.",
    ),
    "reversal_not_yours": (
        403,
        "Seul l'agent qui a encaissé ce chèque peut annuler l'encaissement (dans les 15 minutes), "
        "ou le Département au {phone}.",
    ),
    "reversal_too_late": (
        409,
        "Plus de {minutes} minutes sont passées depuis l'encaissement : demandez au Département "
        "({phone}) de l'annuler, en indiquant le motif.",
    ),
    "statement_submitted": (
        409,
        "Le relevé du mois de cet encaissement a déjà été transmis : l'encaissement ne peut plus "
        "être annulé.",
    ),
    # Requests and idempotency
    "in_progress": (
        409,
        "Cette demande est déjà en cours de traitement. Patientez une seconde puis réessayez.",
    ),
    "idempotency_key_reused": (
        422,
        "Cette clé d'idempotence a déjà servi pour une autre demande. Utilisez une clé neuve.",
    ),
    # Scanning without a network
    "review_decided": (
        409,
        "Ce scan hors connexion a déjà été examiné : la décision est enregistrée.",
    ),
    # Booklets, batches, stock
    "malformed_number": (
        422,
        "Numéro de carnet mal saisi : vérifiez les 8 chiffres imprimés sous le code-barres "
        "du carnet, puis réessayez.",
    ),
    "booklet_not_found": (404, "Aucun carnet ne porte ce numéro. Vérifiez la saisie."),
    "batch_not_found": (404, "Ce tirage n'existe pas."),
    "not_in_your_stock": (
        409,
        "Ce carnet n'est pas dans le stock de votre structure. Vérifiez le numéro ; "
        "si le carnet est bien entre vos mains, contactez le Département au {phone}.",
    ),
    "already_handed_out": (
        409,
        "Ce carnet a déjà été remis à une personne. Prenez un autre carnet de votre stock.",
    ),
    "batch_not_active": (
        409,
        "Ce carnet appartient à un tirage pas encore activé (financement non confirmé). "
        "Prenez un carnet d'un autre tirage ou contactez le Département au {phone}.",
    ),
    "booklet_expired": (
        409,
        "Ce carnet n'est plus valable (fin de validité le {date}). Prenez un autre carnet.",
    ),
    "consent_required": (
        422,
        "Cochez la case de consentement : la personne doit accepter l'enregistrement de ces "
        "informations avant la remise du carnet.",
    ),
    "not_cancellable": (
        409,
        "Ce carnet ne peut pas être annulé : il est {status}.",
    ),
    "not_enough_stock": (
        409,
        "Stock insuffisant : {available} carnet(s) disponible(s) pour {wanted} demandé(s).",
    ),
    "batch_already_active": (409, "Ce tirage est déjà activé."),
    "numbers_taken": (
        409,
        "Un autre tirage a pris ces numéros au même instant : rien n'a été enregistré. "
        "Recommencez.",
    ),
    "payment_amount_differs": (
        422,
        "Le montant reçu ({amount}) n'est pas la valeur faciale du tirage ({expected}). "
        "Vérifiez le montant, ou indiquez le motif de l'écart (convention, remise, "
        "paiement partiel…) pour activer quand même.",
    ),
    "batch_validity_ended": (
        409,
        "Ce tirage ne peut pas être activé : sa validité a pris fin le {date}, ses chèques ne "
        "pourraient plus être utilisés. Créez un tirage avec de nouvelles dates.",
    ),
    "invalid.deletion_unticked": (
        422,
        "Cochez la case pour confirmer la suppression de ce tirage (ses carnets et leurs chèques "
        "seront effacés).",
    ),
    "batch_not_draft": (
        409,
        "Ce tirage est activé (le financeur a payé) : il ne peut plus être supprimé. "
        "Ses carnets non remis peuvent être annulés un par un.",
    ),
    "batch_has_scans": (
        409,
        "Des chèques de ce tirage ont déjà été scannés : il ne peut plus être supprimé "
        "(le journal des passages les garde).",
    ),
    "batch_printing": (
        409,
        "Une impression de ce tirage est en cours : attendez qu'elle se termine, puis "
        "supprimez-le.",
    ),
    "forbidden": (403, "Vous n'avez pas accès à ce carnet ou à cette action."),
    "not_found": (404, "Aucun carnet ni chèque ne correspond à cette recherche."),
    "not_found.alert": (
        404,
        "Cette alerte n'existe pas, ne vous concerne pas ou est déjà confirmée.",
    ),
    "invalid": (422, "{detail}"),
}


# Unique columns decided by the database (see passnum.errors.violated_unique): the request that
# loses a race gets the rule's 409. Print runs take their numbers under a lock, so "numbers_taken"
# only names what could still go wrong.
UNIQUE_REFUSALS: dict[tuple[str, str], tuple[str, str]] = {
    ("booklet", "serial"): ("numbers_taken", REFUSALS["numbers_taken"][1]),
    ("booklet", "number"): ("numbers_taken", REFUSALS["numbers_taken"][1]),
    ("cheque", "code"): ("numbers_taken", REFUSALS["numbers_taken"][1]),
}


def refuse(code: str, **extra: Any) -> DomainError:
    """The DomainError for ``code``; ``extra`` fills the message and is returned in the body.

    Keys starting with ``_`` only fill the message (they are not sent back).
    """
    return refusal(REFUSALS, code, **extra)


def invalid(field: str, detail: str) -> DomainError:
    """Bad input in one named field (422 ``invalid``, like the core app)."""
    return refuse("invalid", _detail=detail, field=field)
