"""Signatures on the tablet: the borrower's contact signs at hand-over and at each return.

Two ways to sign, equal in law here and on the slip: drawing on the screen (``signature_pad``,
vendored in the kernel's static files; the page sends the drawing as a PNG data URL), or — for
anyone who cannot or will not draw, and for keyboard users — typing their name and ticking a box
that says what they confirm. Either way the signer's name and the moment (``passnum.clock``) are
kept with the loan (:class:`~equipment.tables.LoanSignature`), in the same transaction as the
hand-over or the return they sign, and printed on the slip. ``equipment.slip_archive`` then keeps
the signed slip in the document storage with its SHA-256.

A drawing is checked before anything is written: a real PNG, of sensible size, with ink on it
(an empty pad is refused, not kept as a blank signature). It is stored flattened onto white, in
grey levels: what is printed is what was kept.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PIL import Image, UnidentifiedImageError

from equipment import schemas
from equipment.errors import refuse
from equipment.tables import LoanSignature
from passnum import audit, clock
from passnum.auth.actor import Actor
from passnum.fr import format_moment
from printing import SignatureLine

MAX_PNG_BYTES = 512 * 1024
MAX_SIDE = 2400  # pixels: a tablet's full width at a high pixel ratio
MIN_INK_PIXELS = 30  # a dot or a slip of the finger is not a signature
DATA_URL = "data:image/png;base64,"


class Moment(StrEnum):
    handover = "handover"
    return_ = "return"


MOMENT_LABELS = {Moment.handover: "Remise", Moment.return_: "Retour"}


@dataclass(frozen=True)
class SignatureIn:
    """What the page or the API sends: a name, and a drawing or the typed confirmation."""

    signer_name: str
    image_png: bytes | None = None
    typed_confirmed: bool = False


def png_from_data_url(value: str) -> bytes | None:
    """The PNG of a ``data:image/png;base64,…`` URL (what ``signature_pad`` gives); None if
    empty; refused if it is anything else."""
    value = value.strip()
    if not value:
        return None
    if not value.startswith(DATA_URL):
        raise refuse("signature_invalid.not_png", field="signature")
    try:
        return base64.b64decode(value[len(DATA_URL) :], validate=True)
    except (binascii.Error, ValueError):
        raise refuse("signature_invalid.unreadable", field="signature") from None


def clean_drawing(png: bytes) -> bytes:
    """The drawing checked and flattened onto white, in grey levels (PNG); refused if it is not a
    PNG, too large, or empty."""
    if len(png) > MAX_PNG_BYTES:
        raise refuse("signature_invalid.too_heavy", field="signature")
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG":
                raise refuse("signature_invalid.not_png", field="signature")
            if max(image.size) > MAX_SIDE:
                raise refuse("signature_invalid.too_large", field="signature")
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise refuse("signature_invalid.unreadable", field="signature") from None
    flat = Image.new("RGBA", rgba.size, "white")
    flat.alpha_composite(rgba)
    grey = flat.convert("L")
    ink = sum(grey.histogram()[:128])  # pixels darker than mid-grey
    if ink < MIN_INK_PIXELS:
        raise refuse("signature_empty", field="signature")
    out = io.BytesIO()
    grey.save(out, format="PNG", optimize=True)
    return out.getvalue()


def checked(signature: SignatureIn) -> SignatureIn:
    """The signature as it will be kept: a name, and a clean drawing or the confirmation."""
    name = " ".join(signature.signer_name.split())
    if not name:
        raise refuse("signer_name_missing", field="signer_name")
    if len(name) > 120:
        raise refuse("invalid.signer_name_too_long", field="signer_name")
    if signature.image_png:
        return SignatureIn(name, clean_drawing(signature.image_png))
    if signature.typed_confirmed:
        return SignatureIn(name, None, True)
    raise refuse("signature_missing", field="signature")


async def record(
    actor: Actor | None, loan_id: int, number: str, moment: Moment, signature: SignatureIn
) -> int:
    """Keep a checked signature (call it inside the hand-over's or the return's transaction);
    the loan's history says who signed, when and how."""
    method = "drawn" if signature.image_png else "typed"
    row = LoanSignature(
        loan=loan_id,
        moment=moment.value,
        signer_name=signature.signer_name,
        method=method,
        image=signature.image_png,
        signed_at=clock.stamp(),
        agent_name=actor.display_name if actor else "",
    )
    await row.save()
    changes = {"signer": signature.signer_name, "moment": moment.value, "method": method}
    await audit.record(actor, "sign", "loan", number, changes)
    return row.id


async def of_loan(loan_id: int, moment: Moment | None = None) -> list[dict]:
    """A loan's signatures, oldest first (rows, image included)."""
    where = LoanSignature.loan == loan_id
    if moment is not None:
        where &= LoanSignature.moment == moment.value
    return await LoanSignature.select().where(where).order_by(LoanSignature.id)


def printed(row: dict, *, with_moment: bool = False) -> SignatureLine:
    """A kept signature as the slip prints it."""
    label = MOMENT_LABELS[Moment(row["moment"])]
    return SignatureLine(
        signer_name=row["signer_name"],
        signed_at=row["signed_at"],
        image_png=bytes(row["image"]) if row["image"] else None,
        agent_name=row["agent_name"],
        moment=f"{label} du {format_moment(row['signed_at'])}" if with_moment else "",
    )


def from_api(data: schemas.SignatureData | None) -> SignatureIn | None:
    """The API's signature (base64 PNG, or a data URL as the page sends) as the services take it."""
    if data is None:
        return None
    image = data.image_png_base64.strip()
    if image and not image.startswith("data:"):
        image = DATA_URL + image
    return SignatureIn(data.signer_name, png_from_data_url(image), data.typed_confirmed)


def from_form(form: Any) -> SignatureIn:
    """The signature fields of the hand-over and return screens."""

    def field(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else ""

    return SignatureIn(
        field("signer_name"),
        png_from_data_url(field("signature_png")),
        field("signature_typed") == "1",
    )


async def views(loan: schemas.LoanView) -> list[schemas.SignatureView]:
    return [
        schemas.SignatureView(
            id=row["id"],
            moment=row["moment"],
            signer_name=row["signer_name"],
            method=row["method"],
            signed_at=row["signed_at"],
            agent_name=row["agent_name"],
            slip_sha256=row["slip_sha256"],
            slip_url=f"/api/v1/loans/{loan.number}/signatures/{row['id']}/slip.pdf",
        )
        for row in await of_loan(loan.id)
    ]
