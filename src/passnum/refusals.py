"""The fixed set of refusals of the kernel: stable code, HTTP status, French message.

The framework's own answers (401, 403, 404, 429, ``invalid``, ``csrf_failed``…) are in
``passnum.errors.HTTP_CODES`` and its handlers; these are the kernel's services' refusals (API
tokens, second factor, backups, CSV imports, tasks, mail, documents). Keys ``code.variant`` pick
one of a code's messages (see :data:`passnum.errors.Refusals`).
"""

from __future__ import annotations

from typing import Any

from passnum.errors import DomainError, Refusals, refusal

REFUSALS: Refusals = {
    # Accounts (commands and staff pages)
    "unknown_user": (
        404,
        "Aucun utilisateur avec l'adresse {email}. Vérifiez l'adresse (ou créez le compte).",
    ),
    "not_found.user": (404, "Utilisateur introuvable."),
    # Second factor of a login
    "wrong_code": (
        422,
        "Ce code n'est pas le bon, ou il a déjà servi. Saisissez le code à 6 chiffres affiché "
        "maintenant par votre application, ou un de vos codes de secours.",
    ),
    "two_factor_enabled": (409, "La double authentification est déjà activée."),
    "two_factor_required": (
        403,
        "La double authentification est obligatoire pour les comptes du Département : "
        "elle ne peut pas être désactivée.",
    ),
    "own_two_factor": (
        403,
        "Vous ne pouvez pas réinitialiser votre propre double authentification : "
        "demandez-le à un autre membre du Département, ou utilisez un code de secours.",
    ),
    "two_factor_unreadable": (
        409,
        "Votre double authentification ne peut plus être vérifiée : la clé secrète du serveur a "
        "changé depuis que vous l'avez activée. Connectez-vous avec un de vos codes de secours, "
        "et demandez à un autre agent du Département de réinitialiser votre double "
        "authentification (depuis votre fiche, ou par la commande « passnum user "
        "reset-two-factor ») ; vous l'activerez ensuite de nouveau.",
    ),
    # Second factor
    # Tasks run in the background
    "not_found.task": (404, "Cette tâche n'existe pas (ou plus). Rechargez la liste des tâches."),
    "task_not_failed": (409, "Seule une tâche échouée peut être relancée."),
    # Backups (commands)
    "backup_not_written": (
        500,
        "Impossible d'écrire la sauvegarde {target} : {reason}. Choisissez un fichier dans un "
        "dossier où passnum peut écrire, puis recommencez.",
    ),
    "no_database": (404, "Aucune base de données à sauvegarder ({source})."),
    "corrupt_backup": (
        422,
        "La sauvegarde {path} est endommagée : choisissez une autre sauvegarde.",
    ),
    "not_a_backup.unreadable": (422, "{path} n'est pas une sauvegarde passnum lisible."),
    "not_a_backup": (
        422,
        "{path} n'est pas une sauvegarde passnum : choisissez un fichier écrit par "
        "« passnum backup ».",
    ),
    "no_backup": (404, "Fichier introuvable : {backup}. Vérifiez le chemin de la sauvegarde."),
    "database_in_use": (
        409,
        "Un service passnum est en marche sur cette base ({target}) : la restaurer "
        "maintenant effacerait ce qu'il enregistre. Rien n'a été restauré ; arrêtez le "
        "service (par exemple systemctl stop passnum), relancez la restauration, puis "
        "redémarrez-le.",
    ),
    # CSV files imported
    "invalid_csv.unreadable": (
        422,
        "Ce fichier n'est pas un tableau CSV lisible. Dans le tableur, choisissez "
        "« Enregistrer sous… » puis le format « CSV UTF-8 ».",
    ),
    "invalid_csv.header": (
        422,
        "La première ligne du fichier CSV est mal formée ({problem}). Vérifiez-la dans le tableur.",
    ),
    "invalid_csv.columns": (
        422,
        "La première ligne doit nommer les colonnes, dont au moins {named}. "
        "Colonnes attendues : {columns}.",
    ),
    "invalid_csv.too_long": (
        422,
        "Au plus {max_rows} lignes par import : découpez le fichier en plusieurs imports.",
    ),
    # Images sent (logos, photos: passnum.images)
    "image_empty": (422, "Le fichier envoyé est vide : choisissez une image."),
    "image_too_large": (422, "{noun} pèse {size} : {most} au plus."),
    "image_too_many_pixels.bomb": (
        422,
        "{noun} compte trop de pixels : {most} pixels au plus de côté.",
    ),
    "image_too_many_pixels": (
        422,
        "{noun} fait {width} × {height} pixels : {most} pixels au plus de côté.",
    ),
    "image_unreadable.not_image": (
        422,
        "Ce fichier n'est pas une image : envoyez une image {wanted}.",
    ),
    "image_unreadable": (
        422,
        "Ce fichier n'est pas une image {wanted} lisible (abîmée ou incomplète).",
    ),
    "image_wrong_format": (
        422,
        "{noun} doit être une image {wanted} (ce fichier est au format {found}).",
    ),
    # Mail and stored documents
    "mail_not_configured": (
        503,
        "Aucun serveur d'envoi d'e-mails n'est configuré (PASSNUM_SMTP_HOST) : "
        "aucun e-mail n'a été envoyé.",
    ),
    "mail_failed": (
        502,
        "L'e-mail à {recipient} n'a pas pu être envoyé ({reason}). Réessayez plus tard.",
    ),
    "document_not_found": (404, "Ce document n'existe pas ou n'est plus disponible."),
}


def refuse(code: str, /, *, kind: type[DomainError] | None = None, **extra: Any) -> DomainError:
    """The DomainError for ``code`` (see :func:`passnum.errors.refusal`)."""
    return refusal(REFUSALS, code, kind=kind, **extra)
