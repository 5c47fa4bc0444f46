"""A funder's branding on its booklets: a logo (PNG or JPEG) and a one-line message on the cover.

The logo is checked when it is uploaded by the kernel's :func:`passnum.images.check` — its
real type read from its bytes and opened by Pillow, at most ``LOGO_MAX_BYTES`` and
``LOGO_MAX_PIXELS`` a side — then kept in the kernel's document storage; printing reads it
once per print run. Staff brand any funder; a funder's own users brand their organisation.
"""

from __future__ import annotations

import hashlib

from organisations.tables import Organisation
from passnum import audit, clock, images, storage
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from vouchers import schemas
from vouchers.errors import invalid, refuse
from vouchers.tables import FunderBranding

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000
LOGO = images.Limits(
    formats=("PNG", "JPEG"),  # what reportlab draws
    max_bytes=LOGO_MAX_BYTES,
    max_pixels=LOGO_MAX_PIXELS,
    noun="Le logo",
    field="logo",
)
MESSAGE_MAX = 60  # what fits on the cover beside the booklet number's barcode


def check_logo(data: bytes) -> tuple[str, int, int]:
    """The logo's content type and size in pixels, or a 422 naming ``logo`` in French
    (:func:`passnum.images.check`; the refusal keeps this API's code, ``invalid``)."""
    try:
        checked = images.check(data, LOGO)
    except images.ImageRefused as refused:
        raise invalid("logo", refused.message) from None
    return checked.content_type, checked.width, checked.height


async def _funder(actor: Actor, funder_id: int) -> dict:
    if not actor.is_staff and funder_id not in actor.organisation_ids(Role.funder):
        raise refuse("not_found")
    row = await Organisation.select(Organisation.id, Organisation.name).where(
        (Organisation.id == funder_id) & Organisation.is_funder.eq(True)
    )
    if not row:
        raise refuse("not_found")
    return row[0]


def _out(funder: dict, row: dict | None) -> schemas.Branding:
    logo = bool(row and row["logo_key"])
    return schemas.Branding(
        funder_id=funder["id"],
        funder_name=funder["name"],
        message=row["message"] if row else "",
        logo_type=row["logo_type"] if row and logo else None,
        logo_width=row["logo_width"] if row and logo else None,
        logo_height=row["logo_height"] if row and logo else None,
        updated_at=row["updated_at"] if row else None,
    )


async def get_branding(actor: Actor, funder_id: int) -> schemas.Branding:
    funder = await _funder(actor, funder_id)
    row = await FunderBranding.select().where(FunderBranding.funder == funder_id).first()
    return _out(funder, row)


async def set_branding(
    actor: Actor,
    funder_id: int,
    message: str | None = None,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> schemas.Branding:
    """Change the message (when given) and the logo (a new one, or removed)."""
    await _funder(actor, funder_id)
    if message is not None:
        message = " ".join(message.split())
        if len(message) > MESSAGE_MAX:
            raise invalid(
                "message", f"Le message tient sur une ligne : {MESSAGE_MAX} caractères au plus."
            )
    values: dict = {}
    if message is not None:
        values["message"] = message
    if logo:
        kind, width, height = check_logo(logo)
        key = f"vouchers/logos/financeur-{funder_id}-{hashlib.sha256(logo).hexdigest()[:16]}"
        await storage.put(key, [logo], kind)
        values.update(logo_key=key, logo_type=kind, logo_width=width, logo_height=height)
    elif remove_logo:
        values.update(logo_key="", logo_type="", logo_width=0, logo_height=0)
    async with write_transaction():
        row = await FunderBranding.select().where(FunderBranding.funder == funder_id).first()
        if row is None:
            await FunderBranding(funder=funder_id, **values).save()
        elif values:
            await FunderBranding.update(
                {
                    **{getattr(FunderBranding, k): v for k, v in values.items()},
                    FunderBranding.updated_at: clock.stamp(),
                }
            ).where(FunderBranding.funder == funder_id)
        changes = {k: v for k, v in values.items() if k in ("message", "logo_type")}
        await audit.record(actor, "update", "funder_branding", funder_id, changes)
    return await get_branding(actor, funder_id)


async def branding_for_print(funder_id: int) -> tuple[str, bytes | None]:
    """The message and logo bytes to print on a funder's booklets."""
    row = await FunderBranding.select().where(FunderBranding.funder == funder_id).first()
    if row is None:
        return "", None
    logo = None
    if row["logo_key"] and await storage.exists(row["logo_key"]):
        logo = b"".join([chunk async for chunk in await storage.open(row["logo_key"])])
    return row["message"], logo
