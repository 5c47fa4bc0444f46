"""Images people upload (a funder's logo, a photo of the fleet's catalogue): checked, then kept.

:func:`check` reads an upload's real type from its bytes (not its name nor the type the browser
announced), opens it with Pillow and refuses, with a stable code and a French message naming
the form's field, what an app cannot use:

- ``image_empty``: no bytes (an empty file, or the form sent without one);
- ``image_too_large``: more bytes than the app's limit;
- ``image_unreadable``: not an image, or a damaged one;
- ``image_wrong_format``: an image of a format the app does not take (a GIF, a HEIC…);
- ``image_too_many_pixels``: a side longer than the app's limit (or a decompression bomb).

:func:`fitted` re-encodes an accepted image for the web: turned upright (a phone's EXIF
orientation), at most ``max_side`` pixels a side, without its metadata (a phone photo's EXIF
holds where it was taken). Apps store the result with :mod:`passnum.storage`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from passnum.errors import DomainError
from passnum.fr import format_number
from passnum.refusals import refuse

MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
EXTENSION = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
NAMES = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}
_MAGIC = {"PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",)}


class ImageRefused(DomainError):
    """An upload that is not an image the app can use (422, ``field`` names the form field;
    codes and messages in :mod:`passnum.refusals`)."""


@dataclass(frozen=True)
class Limits:
    """What an app accepts: formats (Pillow's names), bytes, pixels a side; ``noun`` is how a
    message names the image (« Le logo », « La photo »)."""

    formats: tuple[str, ...] = ("PNG", "JPEG")
    max_bytes: int = 512 * 1024
    max_pixels: int = 2000
    noun: str = "L'image"
    field: str = "image"


@dataclass(frozen=True)
class CheckedImage:
    format: str  # Pillow's name: "PNG", "JPEG", "WEBP"
    content_type: str
    width: int
    height: int


def size_fr(count: int) -> str:
    """« 512 Ko », « 1,5 Mo »: a size as a person reads it."""
    if count < 1024 * 1024:
        return f"{format_number(max(count / 1024, 0.1), 0 if count >= 10 * 1024 else 1)} Ko"
    return f"{format_number(count / 1024 / 1024, 1)} Mo"


def _sniffed(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for kind, prefixes in _MAGIC.items():
        if data.startswith(prefixes):
            return kind
    return None


def _formats(limits: Limits) -> str:
    names = [NAMES.get(f, f) for f in limits.formats]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} ou {names[-1]}"


def check(data: bytes, limits: Limits) -> CheckedImage:
    """The image's format, content type and size in pixels, or :class:`ImageRefused`."""
    field, noun = limits.field, limits.noun
    if not data:
        raise refuse("image_empty", kind=ImageRefused, field=field)
    if len(data) > limits.max_bytes:
        raise refuse(
            "image_too_large",
            kind=ImageRefused,
            _noun=noun,
            _size=size_fr(len(data)),
            _most=size_fr(limits.max_bytes),
            field=field,
        )
    wanted = _formats(limits)
    sniffed = _sniffed(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse(
            "image_too_many_pixels.bomb",
            kind=ImageRefused,
            _noun=noun,
            _most=limits.max_pixels,
            field=field,
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if sniffed is None:
            raise refuse(
                "image_unreadable.not_image", kind=ImageRefused, _wanted=wanted, field=field
            ) from None
        raise refuse("image_unreadable", kind=ImageRefused, _wanted=wanted, field=field) from None
    if kind == "MPO":  # a phone's JPEG holding a second picture: its first one is a JPEG
        kind = "JPEG"
    if kind not in limits.formats or sniffed != kind:
        raise refuse(
            "image_wrong_format",
            kind=ImageRefused,
            _noun=noun,
            _wanted=wanted,
            _found=NAMES.get(kind or "", kind or "inconnu"),
            field=field,
        )
    if max(width, height) > limits.max_pixels:
        raise refuse(
            "image_too_many_pixels",
            kind=ImageRefused,
            _noun=noun,
            _width=width,
            _height=height,
            _most=limits.max_pixels,
            field=field,
        )
    return CheckedImage(kind, MIME[kind], width, height)


def fitted(
    data: bytes, checked: CheckedImage, max_side: int, limits: Limits
) -> tuple[bytes, int, int]:
    """The image upright, at most ``max_side`` pixels a side, re-encoded in its own format
    without metadata; and its width and height. A file damaged past its header (which
    :func:`check` cannot see without decoding it all) is ``image_unreadable``."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            if checked.format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 85, "optimize": True} if checked.format != "PNG" else {}
            image.save(out, format=checked.format, **options)
    except (OSError, SyntaxError, ValueError):
        raise refuse(
            "image_unreadable", kind=ImageRefused, _wanted=_formats(limits), field=limits.field
        ) from None
    return out.getvalue(), image.width, image.height
