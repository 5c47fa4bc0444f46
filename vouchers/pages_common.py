"""What every vouchers page shares: the template context (French formatting, vocabularies,
operator phone) and rendering a refusal inside the page that caused it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from litestar.response import Template

from passnum.errors import DomainError
from passnum.fr import format_date, format_euros, format_moment, format_time
from passnum.settings import get_settings
from vouchers import choices
from vouchers.codes import format_code

RESULT_NEXT_STEP: dict[str, str] = {
    "redeemed": "Réalisez l'accompagnement, puis gardez le chèque : il n'a plus de valeur.",
    "already_redeemed": "Rendez le chèque à la personne et demandez-lui le chèque suivant.",
    "cancelled": "Rendez le chèque et orientez la personne vers la structure qui l'a remis.",
    "expired": "Rendez le chèque : la personne peut demander un nouveau carnet.",
    "not_yet_valid": "Rendez le chèque et invitez la personne à revenir à partir de cette date.",
    "not_issued": "N'acceptez pas ce chèque et appelez le Département.",
    "not_accepted_here": "Orientez la personne vers un lieu où ce chèque est accepté.",
    "site_not_qualified": "N'acceptez aucun chèque et appelez le Département.",
    "unknown": "Vérifiez la saisie, puis réessayez ; sinon n'acceptez pas ce chèque.",
    "malformed": "Scannez à nouveau le QR code ou retapez les 16 caractères.",
}
RESULT_TITLES: dict[str, str] = choices.SCAN_RESULT_LABELS  # the verdict's title


def euros(cents: int | None) -> str:
    return format_euros(cents or 0)


def day(value: date | datetime | None) -> str:
    return format_date(value) if value else ""


def moment(value: datetime | None) -> str:
    return format_moment(value) if value else ""


def hour(value: datetime | None) -> str:
    return format_time(value) if value else ""


def base_context() -> dict[str, Any]:
    settings = get_settings()
    return {
        "operator_phone": settings.operator_phone,
        "operator_name": settings.operator_name,
        "public_url": settings.public_url,
        "euros": euros,
        "day": day,
        "moment": moment,
        "hour": hour,
        "format_code": format_code,
        # Words for codes: the templates' label("booklet_status", …) and choices("need")
        # (passnum.templating), the vocabularies vouchers.choices defines.
    }


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    """A vouchers template with the shared context."""
    return Template(
        f"vouchers/{name}", context={**base_context(), **context}, status_code=status_code
    )


def error_view(error: DomainError) -> dict[str, Any]:
    """A refusal as the pages show it: code, French message, the field to fix if any, and the
    communes to choose from when a commune typed names several."""
    return {
        "code": error.code,
        "message": error.message,
        "field": error.field,
        "choices": error.extra.get("choices", []),
    }


def form_dict(form: Any, *names: str) -> dict[str, str]:
    """The named single-value fields of a submitted form, as trimmed strings."""
    return {name: str(form.get(name) or "").strip() for name in names}


def int_or_none(text: str) -> int | None:
    """A form's number field: None when empty or not a number (the service then refuses)."""
    text = (text or "").strip()
    return int(text) if text.isdigit() else None
