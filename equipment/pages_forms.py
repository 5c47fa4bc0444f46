"""Reading staff forms into service inputs, and the helpers every fleet template receives.

Bad input never reaches a service as a crash: dates and amounts that do not parse become a
``DomainError`` with a French message naming the field, shown on the same form.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, overload

from litestar.datastructures import FormMultiDict
from litestar.response import Template

from equipment.booking import describe
from equipment.csvio import parse_euros
from equipment.errors import refuse
from passnum.errors import DomainError
from passnum.fr import format_euros

FIELD_NAMES = {
    "start_date": "date de début",
    "due_date": "date de retour",
    "end_date": "date de fin",
    "purchase_date": "date d'achat",
}


def text(form: FormMultiDict, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def checked(form: FormMultiDict, name: str) -> bool:
    return form.get(name) in ("1", "on", "oui")


@overload
def parse_day(value: str, name: str, *, required: Literal[True] = True) -> date: ...
@overload
def parse_day(value: str, name: str, *, required: bool) -> date | None: ...
def parse_day(value: str, name: str, *, required: bool = True) -> date | None:
    """An ISO date from ``<input type=date>`` (or jj/mm/aaaa typed by hand)."""
    value = value.strip()
    if not value:
        if required:
            raise refuse("invalid.day_missing", _name=FIELD_NAMES.get(name, name), field=name)
        return None
    for parse in (date.fromisoformat, _french_date):
        try:
            return parse(value)
        except ValueError:
            continue
    raise refuse("invalid.day", _name=FIELD_NAMES.get(name, name), _value=value, field=name)


def _french_date(value: str) -> date:
    day, month, year = value.split("/")
    return date(int(year), int(month), int(day))


def parse_cents(value: str, name: str) -> int:
    """ "349,90" or "349" euros → cents."""
    try:
        return parse_euros(value)
    except ValueError:
        raise refuse("invalid.amount", _value=value, field=name) from None


def parse_int(value: str, name: str, label: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise refuse("invalid.integer", _label=label, field=name) from None


def split_list(value: str) -> list[str]:
    """ "chargeur, souris" (or one per line) → ["chargeur", "souris"]."""
    return [p.strip() for p in value.replace("\n", ",").split(",") if p.strip()]


def euros_input(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def error_context(error: DomainError) -> dict[str, Any]:
    """The message, and each conflict in a sentence, for the alert at the top of a form."""
    conflicts = error.extra.get("conflicts") or []
    return {
        "error": error.message,
        "error_field": error.field,
        "conflicts": [describe(c) for c in conflicts],
    }


HELPERS: dict[str, Any] = {
    "from_iso": date.fromisoformat,  # an ISO day (a conflict's "from") as a date
    "euros": format_euros,
    "euros_input": euros_input,
    # Words for codes: label("item_type", …), choices("item_status") (passnum.templating).
}
"""Passed to every fleet template (Jinja filters are app-wide; these stay ours)."""


def render(template: str, status_code: int = 200, **context: Any) -> Template:
    """A fleet page: ``equipment/<template>`` with the shared helpers."""
    return Template(
        f"equipment/{template}", context={**HELPERS, **context}, status_code=status_code
    )
