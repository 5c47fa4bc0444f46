"""The organisations' background tasks (run by the queue, :mod:`passnum.tasks`)."""

from __future__ import annotations

from procrastinate.exceptions import AlreadyEnqueued

from organisations import positions
from passnum.tasks import Tasks
from territory import geocoder

TASKS = Tasks("organisations")


@TASKS.task(label="Géocodage d'un lieu (position d'après l'adresse)", retry=3)
async def geocode_site(organisation_id: int) -> None:
    await positions.geocode_site(organisation_id)


async def queue_geocoding(organisation_id: int) -> bool:
    """Queue the site's geocoding once (a run already waiting is enough); False when no geocoder
    is configured (staff place sites by hand)."""
    if not geocoder.configured():
        return False
    try:
        await geocode_site.configure(queueing_lock=f"geocode-site-{organisation_id}").defer_async(
            organisation_id=organisation_id
        )
    except AlreadyEnqueued:
        pass
    return True
