"""The fixed set of refusals of the reimbursements app: stable code, HTTP status, French message.

Keys ``code.variant`` pick one of a code's messages (see :data:`passnum.errors.Refusals`).
"""

from __future__ import annotations

from typing import Any

from passnum.errors import DomainError, Refusals, refusal

REFUSALS: Refusals = {
    "invalid.no_statement_ticked": (422, "Cochez au moins un relevé à transmettre."),
    "invalid.payment_date": (422, "Indiquez la date du paiement (jj/mm/aaaa)."),
    "invalid.agreement_unticked": (422, "Cochez la case pour confirmer l'accord sur ces chiffres."),
    "invalid.settlement_date": (422, "Indiquez la date du règlement."),
    "invalid.settlement_reference": (
        422,
        "Indiquez la référence du règlement (mandat, virement…).",
    ),
    "invalid.settlement_in_future": (422, "La date du règlement ne peut pas être dans le futur."),
    "invalid.no_statement_to_pay": (422, "Cochez au moins un relevé à payer."),
    "invalid.date": (422, "Indiquez une date valide (jj/mm/aaaa)."),
    "invalid.run_size": (422, "Choisissez de 1 à {most} relevés à payer."),
    "invalid.cancellation_reason": (422, "Indiquez le motif de l'annulation du virement."),
    "invalid.cancellation_unticked": (
        422,
        "Cochez la case pour confirmer l'annulation du virement.",
    ),
    "invalid.execution_in_past": (422, "La date d'exécution ne peut pas être dans le passé."),
    "invalid.month": (
        422,
        "Indiquez le mois sous la forme AAAA-MM, par exemple 2026-11 (années {first} à {last}).",
    ),
    "invalid.payment_reference": (422, "Indiquez la référence du paiement (mandat, virement…)."),
    "invalid.payment_in_future": (422, "La date de paiement ne peut pas être dans le futur."),
    "invalid.submission_size": (422, "Choisissez de 1 à {most} relevés à transmettre."),
    "forbidden.credit_notes_staff": (403, "Seul le Département gère les avoirs."),
    "forbidden.funders_only": (
        403,
        "Ces documents concernent le Département et les financeurs.",
    ),
    "forbidden.establish_staff": (403, "Seul le Département établit l'état contradictoire."),
    "forbidden.agree_funder": (403, "Seul le financeur du tirage peut accepter cet état."),
    "forbidden.staff": (403, "Seul le Département peut faire cette action."),
    "not_found.credit_note": (404, "Cet avoir n'existe pas ou ne vous concerne pas."),
    "not_found.batch": (404, "Ce tirage n'existe pas ou ne vous concerne pas."),
    "not_found.run": (404, "Ce virement n'existe pas."),
    "not_found.statement": (404, "Ce relevé n'existe pas ou ne concerne pas votre lieu."),
    "joint_statement_not_agreed": (
        409,
        "L'avoir se fait sur l'état contradictoire accepté par le financeur : établissez-le et "
        "recueillez son accord d'abord.",
    ),
    "credit_note_exists": (409, "L'avoir de ce tirage existe déjà."),
    "credit_note_not_draft": (409, "Cet avoir est déjà émis : il ne change plus."),
    "credit_note_not_issued": (409, "Seul un avoir émis et non réglé se règle."),
    "grace_not_over": (
        409,
        "Les chèques de ce tirage sont acceptés jusqu'au {last} : l'état contradictoire "
        "s'établit après cette date.",
    ),
    "batch_not_active": (
        409,
        "Ce tirage n'a jamais été activé (pas de paiement du financeur) : il n'a pas d'état "
        "contradictoire.",
    ),
    "joint_statement_agreed": (409, "Cet état contradictoire est déjà accepté."),
    "joint_statement_not_established": (
        409,
        "Le Département n'a pas encore établi l'état contradictoire de ce tirage.",
    ),
    "already_in_run": (
        409,
        "Un des relevés choisis est déjà dans un autre virement : un relevé n'est payé qu'une "
        "fois. Rechargez la liste et recommencez.",
    ),
    "not_submitted.run": (
        409,
        "{missing} des relevés choisis ne sont pas transmis et non payés : seul un relevé "
        "transmis peut être mis dans un virement. Rien n'a été créé.",
    ),
    "not_submitted.payment": (409, "Seul un relevé transmis et non payé peut être payé."),
    "nothing_to_pay": (
        422,
        "Ces relevés ne doivent rien au lieu (total nul) : {numbers}. Retirez-les du virement. "
        "Rien n'a été créé.",
    ),
    "no_bank_details": (
        422,
        "Ces lieux n'ont pas de coordonnées bancaires validées : {names}. Faites valider leurs "
        "coordonnées bancaires, ou retirez leurs relevés du virement. Rien n'a été créé.",
    ),
    "no_such_file.sepa": (
        404,
        "Ce virement ne paie aucun lieu par virement SEPA : pas de fichier SEPA.",
    ),
    "no_such_file.mandates": (
        404,
        "Ce virement ne paie aucun lieu par le Trésor (régie) : pas de fichier de mandats.",
    ),
    "already_paid": (409, "Le virement {reference} est déjà payé."),
    "already_paid.cancel": (
        409,
        "Le virement {reference} est déjà payé : il ne peut plus être annulé.",
    ),
    "run_cancelled": (409, "Le virement {reference} est annulé : il ne peut plus être payé."),
    "run_cancelled.cancel": (409, "Le virement {reference} est déjà annulé."),
    "month_not_ended": (
        409,
        "Le mois {of_month} n'est pas terminé : ses relevés pourront être construits à partir "
        "du 1er {stop}.",
    ),
    "in_payment_run": (
        409,
        "Ce relevé est dans un virement : il sera payé quand le virement le sera.",
    ),
    "not_draft.many": (
        409,
        "{missing} des relevés choisis ne sont plus des brouillons (déjà transmis ou "
        "inexistants) : rien n'a été transmis. Rechargez la liste et recommencez.",
    ),
    "not_draft": (409, "Ce relevé a déjà été transmis : il ne change plus."),
}


def refuse(code: str, /, *, kind: type[DomainError] | None = None, **extra: Any) -> DomainError:
    """The DomainError for ``code`` (see :func:`passnum.errors.refusal`)."""
    return refusal(REFUSALS, code, kind=kind, **extra)
