"""The places nearest to a beneficiary, for the hand-over receipt and the cheque's public page.

The receipt knows the person's commune (the prescriber recorded it); the cheque page asks for it.
Distances and next openings are the directory's (:mod:`organisations.nearby`); a cheque restricted
to some sites (its batch's perimeter) lists only those.
"""

from __future__ import annotations

from organisations.nearby import Origin, commune_origin, nearest
from passnum.errors import DomainError
from vouchers import schemas

HOW_MANY = 3


async def nearest_sites(
    origin: Origin | None, everywhere: bool, accepted: list[schemas.SiteInfo]
) -> list[schemas.NearSite]:
    if origin is None:
        return []
    only = None if everywhere else [s.id for s in accepted]
    found = await nearest(origin, HOW_MANY, only)
    return [
        schemas.NearSite(
            id=n.place.id,
            name=n.place.name,
            commune=n.place.commune,
            address=n.place.address,
            phone=n.place.phone_display,
            distance=n.distance,
            next_opening=n.next_opening,
        )
        for n in found
    ]


async def origin_of(insee_code: str) -> Origin | None:
    """The recorded commune's centre; None when unknown or without a centre (the receipt then
    points to the directory, as before)."""
    if not insee_code:
        return None
    try:
        return await commune_origin(insee_code)
    except DomainError:  # an unplaceable commune only drops the list, never the receipt
        return None
