"""The official communes, read from the files vendored in ``territory/data`` and put in the tables.

The files come from the ``@etalab/decoupage-administratif`` npm package (MIT, Etalab), compacted by
``territory/data/build.py``; the migration loads them once and ``passnum communes update`` loads
them again after a refresh. Nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

from passnum.db import write_transaction
from passnum.fr import fold

DATA = Path(__file__).parent / "data"
BATCH = 500


def _rows(name: str) -> Iterator[dict[str, str]]:
    with gzip.open(DATA / name, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def communes() -> list[dict[str, object]]:
    return [
        {
            "code": r["code"],
            "name": r["nom"],
            "search_name": fold(r["nom"]),
            "postcodes": f" {r['codes_postaux']} ",
            "epci_code": r["epci"],
            "department": r["departement"],
            "population": int(r["population"] or 0),
        }
        for r in _rows("communes.csv.gz")
    ]


def aliases() -> list[dict[str, object]]:
    return [
        {
            "old_code": r["ancien_code"],
            "commune_code": r["code"],
            "name": r["nom"],
            "search_name": fold(r["nom"]),
        }
        for r in _rows("anciens-codes.csv.gz")
    ]


def epcis() -> list[dict[str, object]]:
    return [{"code": r["code"], "name": r["nom"], "kind": r["type"]} for r in _rows("epci.csv.gz")]


def version() -> str:
    return (DATA / "VERSION").read_text("utf-8").strip()


async def replace_all(tables: dict[str, type]) -> dict[str, int]:
    """Empty the three tables and load the vendored files, in one write transaction.

    ``tables`` maps "commune", "alias", "epci" to Table classes (the migration passes its own, as
    they stood then; ``passnum communes update`` the app's)."""
    loaded = {"commune": communes(), "alias": aliases(), "epci": epcis()}
    async with write_transaction():
        for key, table in tables.items():
            await table.delete(force=True)
            rows = loaded[key]
            for start in range(0, len(rows), BATCH):
                await table.insert(*[table(**row) for row in rows[start : start + BATCH]])
    return {key: len(rows) for key, rows in loaded.items()}


def centres() -> dict[str, tuple[float, float]]:
    """Commune code → (latitude, longitude), as shipped in data/centres.csv (the Manche, from
    IGN's outlines: see data/build_centres.py)."""
    with (DATA / "centres.csv").open(encoding="utf-8", newline="") as handle:
        return {
            r["code"]: (float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(handle)
        }


async def load_centres(table: type) -> int:
    """Write the shipped centres into ``table`` (the commune table, as the caller declares it);
    communes without a shipped centre keep theirs (from the geocoder)."""
    shipped = centres()
    async with write_transaction():
        for code, (latitude, longitude) in shipped.items():
            await table.update({table.latitude: latitude, table.longitude: longitude}).where(
                table.code == code
            )
    return len(shipped)
