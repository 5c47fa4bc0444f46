"""Calendar months as statement periods."""

from __future__ import annotations

import re
from datetime import date, timedelta

from reimbursements.errors import refuse

FIRST_YEAR, LAST_YEAR = 2000, 2999  # a month's end and the next month stay in the calendar


def parse_month(text: str) -> date:
    """'2026-11' → 1 Nov 2026; anything else (month 13, year 0000 or 9999…) is refused with
    what to type."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not match or not 1 <= int(match[2]) <= 12 or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise refuse("invalid.month", _first=FIRST_YEAR, _last=LAST_YEAR, field="month")
    return date(int(match[1]), int(match[2]), 1)


def next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def month_end(start: date) -> date:
    return next_month(start) - timedelta(days=1)


def previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
