"""The booking calendar: a picture staff read at a glance, and the same facts as a table.

The picture is server-drawn SVG (no script, no inline style: the CSP forbids both): one row per
item, one column per day, each booking a bar carrying its loan number as text, filled by a pattern
that differs by kind (striped = reserved, solid = out, hatched = maintenance), so colour is never
the only cue. Screen readers get the table below it, which the picture only illustrates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from equipment import schemas

DAY = 26
LABEL = 120
ROW = 30
HEAD = 44
KIND_LABELS = {
    "reserved": "Réservé",
    "out": "Sorti",
    "done": "Rendu",
    "maintenance": "Maintenance",
    "late": "En retard, pas encore rendu",
}


@dataclass
class Bar:
    x: int
    y: int
    width: int
    kind: str
    text: str
    title: str


@dataclass
class Picture:
    width: int
    height: int
    days: list[tuple[int, date, bool]]  # x, day, weekend
    weeks: list[tuple[int, date]]
    rows: list[tuple[int, str]]  # y, asset tag
    bars: list[Bar]
    today_x: int | None


def kind_of(segment: schemas.CalendarSegment) -> str:
    if segment.reason == "maintenance":
        return "maintenance"
    if segment.reason == "overdue":
        return "late"
    if segment.status == "reserved":
        return "reserved"
    return "done" if segment.status == "returned" else "out"


def bar_text(segment: schemas.CalendarSegment, width: int) -> str:
    """The loan number if it fits, else its digits: a bar always says whose it is."""
    if segment.reason == "maintenance":
        return "Maint." if width >= 2 * DAY else "M"
    number = segment.loan or ""
    if width >= 3 * DAY:
        return number
    return number.split("-")[-1].lstrip("0") or number


def describe_segment(segment: schemas.CalendarSegment, end: date) -> str:
    last = segment.end_date or end
    period = f"du {segment.start_date:%d/%m} au {last:%d/%m}"
    if segment.reason == "maintenance":
        return f"Maintenance {period}" + ("" if segment.end_date else " (sans date de fin)")
    kind = KIND_LABELS[kind_of(segment)]
    return f"{segment.loan} — {segment.borrower} — {period} ({kind})"


def draw(calendar: schemas.Calendar, today: date) -> Picture:
    days = [(LABEL + n * DAY, d, d.weekday() >= 5) for n, d in enumerate(calendar.days)]
    bars = []
    for r, row in enumerate(calendar.rows):
        y = HEAD + r * ROW
        for segment in row.segments:
            last = segment.end_date or calendar.end_date
            x = LABEL + (segment.start_date - calendar.start_date).days * DAY
            width = ((last - segment.start_date).days + 1) * DAY
            bars.append(
                Bar(
                    x=x,
                    y=y + 4,
                    width=width - 2,
                    kind=kind_of(segment),
                    text=bar_text(segment, width),
                    title=describe_segment(segment, calendar.end_date),
                )
            )
    in_range = calendar.start_date <= today <= calendar.end_date
    return Picture(
        width=LABEL + len(days) * DAY,
        height=HEAD + max(len(calendar.rows), 1) * ROW,
        days=days,
        weeks=[(x, d) for x, d, _ in days if d.weekday() == 0],
        rows=[(HEAD + r * ROW, row.item) for r, row in enumerate(calendar.rows)],
        bars=bars,
        today_x=LABEL + (today - calendar.start_date).days * DAY if in_range else None,
    )


def shift(start: date, weeks: int, direction: int) -> str:
    return (start + timedelta(days=7 * weeks * direction)).isoformat()
