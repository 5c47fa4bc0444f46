"""Rules computed from dates at request time: expiry, redemption deadline, perimeter.

Pure functions over plain values, shared by every service (and usable from templates).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from passnum.fr import format_date
from vouchers.choices import BatchStatus, BookletStatus, ChequeStatus


def accepted_until(valid_until: date, grace_days: int) -> date:
    """Last day a cheque of a handed-out booklet is accepted (validity + grace period).

    New batches are checked to stay far from the calendar's end; a batch stored before that
    check (valid until 9999-12-31) shows the calendar's last day instead of failing every list
    it appears in."""
    try:
        return valid_until + timedelta(days=grace_days)
    except OverflowError:
        return date.max


def validity_lines(valid_from: date, valid_until: date, grace_days: int) -> tuple[str, ...]:
    """Until when a cheque can be used, in the words printed and shown everywhere.

    The first line is the batch's validity; the second, when there is a grace period, the last
    day a handed-out booklet is still accepted. Printed documents put each on its own line;
    pages and the API join them with :func:`validity_text`.
    """
    lines = [f"Valable du {format_date(valid_from)} au {format_date(valid_until)}"]
    if grace_days > 0:
        last = format_date(accepted_until(valid_until, grace_days))
        lines.append(f"accepté jusqu'au {last} si le carnet a été remis avant")
    return tuple(lines)


def validity_text(valid_from: date, valid_until: date, grace_days: int) -> str:
    """The validity as one sentence: « Valable du … au … — accepté jusqu'au … si … »."""
    return " — ".join(validity_lines(valid_from, valid_until, grace_days))


def cheque_state(row: dict[str, Any], day: date) -> ChequeStatus:
    """The one decision of what a cheque is worth on ``day``, before any site is considered.

    The public status (``/c/{CODE}``, ``GET /api/v1/cheques/{code}``) is this value and a
    redemption's refusal is its code, so the two never disagree. ``row`` holds the cheque's
    ``status``, its booklet's ``booklet_status`` and its batch's ``batch_status``,
    ``valid_from``, ``valid_until`` and ``grace_days`` (a row read by the redemption's SQL).
    Order: used, cancelled, past its last day, not handed out, not yet valid, valid. A booklet
    never handed out ends with its validity; a handed-out one after the grace period.
    """
    if row["status"] == ChequeStatus.redeemed:
        return ChequeStatus.redeemed
    if row["status"] == ChequeStatus.cancelled or row["booklet_status"] == BookletStatus.cancelled:
        return ChequeStatus.cancelled
    if day > last_day(row):
        return ChequeStatus.expired
    if row["batch_status"] != BatchStatus.active or not _handed_out(row["booklet_status"]):
        return ChequeStatus.not_issued
    if day < row["valid_from"]:
        return ChequeStatus.not_yet_valid
    return ChequeStatus.valid


def _handed_out(booklet_status: str) -> bool:
    return booklet_status in (BookletStatus.issued, BookletStatus.exhausted)


def last_day(row: dict[str, Any]) -> date:
    """The last day this cheque can be used (with the grace period once handed out)."""
    if _handed_out(row["booklet_status"]):
        return accepted_until(row["valid_until"], row["grace_days"])
    return row["valid_until"]


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
