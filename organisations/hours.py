"""Opening slots in words: plain French for people, OpenStreetMap syntax for open data.

"mercredi 9 h – 12 h" and "mercredi matin" on pages, ``We 09:00-12:00`` (``opening_hours``) in the
national file, all from the same :class:`Slot`. Pure functions: no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from passnum.fr import MONTHS

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


def hour_fr(moment: time) -> str:
    """9:00 → "9 h", 9:30 → "9 h 30"."""
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


def part_of_day(opens: time, closes: time) -> str:
    if closes <= time(13, 30):
        return "matin"
    if opens >= time(18):
        return "soir"
    if opens >= time(12):
        return "après-midi"
    return "journée"


@dataclass(frozen=True)
class Slot:
    id: int
    weekday: int
    opens: time
    closes: time
    note: str = ""

    @property
    def label(self) -> str:
        """e.g. "mercredi 9 h – 12 h"."""
        return f"{WEEKDAYS[self.weekday]} {hour_fr(self.opens)} – {hour_fr(self.closes)}"


def short_labels(slots: list[Slot]) -> list[str]:
    """One plain phrase per weekday, e.g. ["mercredi matin", "jeudi matin et après-midi"]."""
    by_day: dict[int, list[str]] = {}
    for slot in sorted(slots, key=lambda s: (s.weekday, s.opens)):
        parts = by_day.setdefault(slot.weekday, [])
        if (part := part_of_day(slot.opens, slot.closes)) not in parts:
            parts.append(part)
    return [f"{WEEKDAYS[day]} {' et '.join(parts)}" for day, parts in sorted(by_day.items())]


def osm_opening_hours(slots: list[Slot]) -> str:
    """OpenStreetMap ``opening_hours``: days with the same hours share one rule."""
    by_day: dict[int, list[str]] = {}
    for slot in sorted(slots, key=lambda s: (s.weekday, s.opens)):
        by_day.setdefault(slot.weekday, []).append(f"{slot.opens:%H:%M}-{slot.closes:%H:%M}")
    rules: dict[str, list[str]] = {}
    for day, ranges in sorted(by_day.items()):
        rules.setdefault(",".join(ranges), []).append(OSM_DAYS[day])
    return "; ".join(f"{','.join(days)} {ranges}" for ranges, days in rules.items())


def day_fr(day: date) -> str:
    """ "mercredi 2 décembre", "lundi 1er mars"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]}"


def next_opening(slots: list[Slot], now: datetime) -> str:
    """The next permanence from ``now`` (one still open counts), e.g. "mercredi 2 décembre,
    9 h – 12 h"; "" when the site has no slot."""
    for offset in range(8):
        day = now.date() + timedelta(days=offset)
        for slot in sorted(slots, key=lambda s: s.opens):
            if slot.weekday != day.weekday() or (offset == 0 and slot.closes <= now.time()):
                continue
            return f"{day_fr(day)}, {hour_fr(slot.opens)} – {hour_fr(slot.closes)}"
    return ""
