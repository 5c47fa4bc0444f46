"""What every page template may call: the kernel's words for codes and French formatting.

Installed once on the Jinja environment (``composition.app``), so a page never spells a status
itself nor formats a date by hand: ``{{ label("site_status", org.site_status) }}`` is the same
function as the PDF's and the CSV's (passnum.vocabulary), ``{{ day(d) }}``, ``{{ moment(t) }}``,
``{{ hour(t) }}``, ``{{ euros(cents) }}``, ``{{ phone(e164) }}``, ``{{ de(name) }}``
(« d'Avranches ») are passnum.fr's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from passnum import vocabulary
from passnum.fr import de, format_date, format_euros, format_moment, format_phone, format_time


def day(value: date | None) -> str:
    return format_date(value) if value else ""


def moment(value: datetime | None) -> str:
    return format_moment(value) if value else ""


def hour(value: datetime | None) -> str:
    return format_time(value) if value else ""


def euros(cents: int | None) -> str:
    return format_euros(cents or 0)


def phone(e164: str | None) -> str:
    return format_phone(e164) if e164 else ""


GLOBALS: dict[str, Any] = {
    "label": vocabulary.label,
    "choices": vocabulary.choices,
    "day": day,
    "moment": moment,
    "hour": hour,
    "euros": euros,
    "phone": phone,
    "de": de,  # "de" elided: {{ de(org.name) }} gives « d'Espace public numérique »
}


def install(template_engine: Any) -> None:
    """``TemplateConfig(engine_callback=install)``: the globals on Litestar's Jinja environment."""
    template_engine.engine.globals.update(GLOBALS)
