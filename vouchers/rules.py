"""Rules computed from dates at request time: expiry, redemption deadline, perimeter.

Pure functions over plain values, shared by every service (and usable from templates).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from vouchers.choices import BookletStatus


def accepted_until(valid_until: date, grace_days: int) -> date:
    """Last day a cheque of a handed-out booklet is accepted (validity + grace period)."""
    return valid_until + timedelta(days=grace_days)


def booklet_status(stored: str, valid_until: date, grace_days: int, today: date) -> str:
    """The status to show: the stored fact, or ``expired`` once its dates have passed.

    Booklets still in stock expire at the end of validity; handed-out ones after the grace period.
    """
    if stored in (BookletStatus.in_stock, BookletStatus.allocated) and today > valid_until:
        return BookletStatus.expired
    if stored == BookletStatus.issued and today > accepted_until(valid_until, grace_days):
        return BookletStatus.expired
    return stored


def site_in_perimeter(
    site_id: int, site_insee: str, allowed_site_ids: list[Any], allowed_insee: list[Any]
) -> bool:
    """No perimeter means every qualified site; otherwise the site or its commune is listed."""
    if not allowed_site_ids and not allowed_insee:
        return True
    return site_id in {int(s) for s in allowed_site_ids} or (
        bool(site_insee) and site_insee in {str(c) for c in allowed_insee}
    )
