"""Rebuild communes.csv.gz and epci.csv.gz from the @etalab/decoupage-administratif npm package.

    cd /tmp && npm pack @etalab/decoupage-administratif
    tar xzf etalab-decoupage-administratif-*.tgz        # gives /tmp/package
    python territory/data/build.py /tmp/package
    passnum communes update      # loads the new files into the database

Run by hand when the official list changes (each 1st of January); never at run time.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def build(package: Path) -> None:
    communes = json.loads((package / "data" / "communes.json").read_text("utf-8"))
    epcis = json.loads((package / "data" / "epci.json").read_text("utf-8"))
    version = json.loads((package / "package.json").read_text("utf-8"))["version"]
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    current = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    aliases: dict[str, tuple[str, str]] = {}
    for c in communes:
        if c["type"] == "commune-actuelle":
            for old in c.get("anciensCodes", []):
                if old not in current:
                    aliases.setdefault(old, (c["code"], ""))
        else:  # déléguée, associée, arrondissement municipal: its own name, the current commune
            parent = c.get("chefLieu") or c.get("commune")
            if parent in current and c["code"] not in current:
                aliases[c["code"]] = (parent, c["nom"])
    with gzip.open(HERE / "communes.csv.gz", "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "nom", "codes_postaux", "epci", "departement", "population"])
        for code, c in sorted(current.items()):
            writer.writerow(
                [
                    code,
                    c["nom"],
                    " ".join(c.get("codesPostaux", [])),
                    epci_of.get(code, ""),
                    c.get("departement", ""),
                    c.get("population", 0),
                ]
            )
    with gzip.open(HERE / "anciens-codes.csv.gz", "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ancien_code", "code", "nom"])
        for old, (code, name) in sorted(aliases.items()):
            writer.writerow([old, code, name])
    with gzip.open(HERE / "epci.csv.gz", "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "nom", "type"])
        for e in sorted(epcis, key=lambda e: e["code"]):
            writer.writerow([e["code"], e["nom"], e["type"]])
    (HERE / "VERSION").write_text(f"@etalab/decoupage-administratif {version}\n", "utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
