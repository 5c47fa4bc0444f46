"""The one clock: "now" and "today" in the operator's time zone, whatever the server's zone.

Every module asks this one for the time (no ``datetime.now()`` / ``date.today()`` elsewhere, Piccolo
column defaults included: they use :class:`StampNow`). The zone is ``PASSNUM_TIMEZONE`` (default
``Europe/Paris``).

**How times are stored**: as the operator's wall-clock time, without offset (``Timestamp``
columns hold Paris local time). SQLite has no time-zone database, and statistics group scans by
day and month in SQL on both engines: stored local time makes "the 1st of February in Paris" a
plain ``date(column)``. :func:`stamp` gives that stored form; :func:`aware` gives a stored value
back its offset (API responses carry it). The cost, written in ``docs/architecture.md``: in the
autumn hour that happens twice (02:00–03:00), two events may sort out of order and read with the
summer offset.

Tests move the clock with :func:`set_now` (the ``clock`` fixture); a live server started for tests
with ``PASSNUM_FAKE_NOW`` (refused when ``PASSNUM_ENV=production``) starts at that instant and runs
on from there.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Struct
from msgspec.structs import force_setattr
from piccolo.columns.defaults.timestamp import TimestampNow

from passnum.settings import get_settings

# A moved clock: (the fake instant, whether it stands still). None: the real clock.
_fake: tuple[datetime, bool] | None = None
# How far PASSNUM_FAKE_NOW puts this process's clock from the real one (set on first read).
_env_shift: timedelta | None = None


@cache
def zone() -> ZoneInfo:
    """The operator's time zone (``PASSNUM_TIMEZONE``)."""
    name = get_settings().timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"PASSNUM_TIMEZONE « {name} » n'est pas un fuseau horaire connu "
            "(exemple : Europe/Paris)."
        ) from error


def now() -> datetime:
    """The current time, aware, in the operator's zone."""
    # Arithmetic in UTC: adding to a Paris time would keep today's offset across a DST change.
    real = datetime.now(UTC)
    if _fake is not None:
        instant, frozen = _fake
        return instant if frozen else (real + (instant - _fake_set_at)).astimezone(zone())
    return (real + _shift_from_env()).astimezone(zone())


def real_utc_now() -> datetime:
    """The machine's instant in UTC, never moved by tests: for engines that keep their own time
    (the task queue's retry and schedule times are real instants computed by procrastinate)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the operator's zone."""
    return now().date()


def stamp() -> datetime:
    """Now as stored in ``Timestamp`` columns: the operator's wall clock, naive, to the second."""
    return now().replace(tzinfo=None, microsecond=0)


def to_stored(value: datetime) -> datetime:
    """Any datetime as stored: an aware one converted to the operator's wall-clock time."""
    if value.tzinfo is None:
        return value
    return value.astimezone(zone()).replace(tzinfo=None)


def aware(value: datetime) -> datetime:
    """A stored (naive, operator's wall-clock) datetime with its offset; aware ones converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=zone())
    return value.astimezone(zone())


class StampNow(TimestampNow):
    """Column default: :func:`stamp` (Piccolo's ``TimestampNow`` reads the server's zone). The
    database-side default stays ``current_timestamp``; passnum never relies on it."""

    def python(self) -> datetime:
        return stamp()


# --- Moving the clock (tests, and a live server started for tests) -----------------------------

_fake_set_at = datetime.now(UTC)


def set_now(instant: datetime | None, *, frozen: bool = True) -> None:
    """Move the clock to ``instant`` (aware, or naive = operator's wall clock); ``None`` gives the
    real clock back. ``frozen=False`` lets it run on from there."""
    global _fake, _fake_set_at
    if instant is None:
        _fake = None
        return
    _fake_set_at = datetime.now(UTC)
    _fake = (aware(instant), frozen)


def parse_fake_now(text: str) -> datetime:
    """``PASSNUM_FAKE_NOW``: ISO 8601, with an offset or read as the operator's wall clock."""
    return aware(datetime.fromisoformat(text))


def _shift_from_env() -> timedelta:
    global _env_shift
    if _env_shift is None:
        settings = get_settings()
        if not settings.fake_now:
            _env_shift = timedelta(0)
        elif settings.production:
            raise RuntimeError(
                "PASSNUM_FAKE_NOW est refusé en production (PASSNUM_ENV=production)."
            )
        else:
            _env_shift = parse_fake_now(settings.fake_now) - datetime.now(UTC)
    return _env_shift


class WithOffsets:
    """Mixin for answer types: their stored (naive) datetimes get the operator's offset, so API
    timestamps read ``2027-02-01T00:30:00+01:00``. ``class Cheque(msgspec.Struct,
    clock.WithOffsets)`` or a frozen dataclass (the export rows); pages show the same wall-clock
    time. Every answer type holding a datetime inherits it (``tests/trust/test_api_times.py``)."""

    __slots__ = ()

    def __post_init__(self) -> None:
        struct = self if isinstance(self, Struct) else None
        # A Struct's fields, or a dataclass's (the export rows: frozen, set as their __init__ does).
        names = struct.__struct_fields__ if struct else [f.name for f in fields(cast(Any, self))]
        for name in names:
            value = getattr(self, name)
            if type(value) is datetime and value.tzinfo is None:
                value = value.replace(tzinfo=zone())
                if struct is not None:
                    force_setattr(struct, name, value)
                else:
                    object.__setattr__(self, name, value)
