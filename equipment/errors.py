"""Refusals of the equipment app that are decided by the database itself.

``UNIQUE_REFUSALS``: each unique column, with the code and French message its service check
gives, for the request that loses a race between that check and its insert (409, not 500).
"""

from __future__ import annotations

from passnum.errors import UniqueRefusals

UNIQUE_REFUSALS: UniqueRefusals = {
    ("item", "serial"): ("duplicate_serial", "Ce numéro de série existe déjà."),
    ("index", "item_serial_lower_key"): (
        "duplicate_serial",
        "Ce numéro de série existe déjà (majuscules et minuscules confondues).",
    ),
    ("item", "asset_tag"): ("duplicate_asset_tag", "Ce numéro d'inventaire existe déjà."),
    ("kit", "name"): ("duplicate_kit", "Un kit porte déjà ce nom."),
    ("kit_item", "item"): ("already_in_kit", "Un de ces appareils est déjà dans un autre kit."),
}
