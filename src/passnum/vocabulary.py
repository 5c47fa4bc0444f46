"""French words for stored codes: one label function per concept, for pages, PDFs, CSV and iCal.

Each app defines its own vocabularies (``booklet_status``, ``item_type``…) with :func:`define`,
which returns the concept's label function. Code that must not import the owning app (the kernel's
audit trail, the reporting exports) asks by concept name with :func:`label`. JSON keeps the codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

_VOCABULARIES: dict[str, Mapping[str, str]] = {}


def define(concept: str, labels: Mapping[str, str]) -> Callable[[str | None], str]:
    """Register ``labels`` (code → French) as ``concept``; the concept's label function."""
    _VOCABULARIES[concept] = labels

    def label_of(code: str | None) -> str:
        return label(concept, code)

    label_of.__name__ = f"{concept}_label"
    return label_of


def label(concept: str, code: str | None) -> str:
    """The French word for ``code`` in ``concept``; an unknown code is shown as it is."""
    if code is None:
        return ""
    return _VOCABULARIES.get(concept, {}).get(code, code)


def choices(concept: str) -> list[tuple[str, str]]:
    """Every (code, French word) of ``concept``, in its defined order: a form's options."""
    return list(_VOCABULARIES.get(concept, {}).items())


def knows(concept: str) -> bool:
    return concept in _VOCABULARIES
