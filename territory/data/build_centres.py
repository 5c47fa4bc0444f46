"""Rebuild centres.csv (the shipped centres of the Manche's communes) from commune outlines.

    python territory/data/build_centres.py communes-50-manche.geojson

The outlines are IGN's Admin Express COG 2018 (Licence Ouverte / Etalab), as GeoJSON per
département in the france-geojson collection (``departements/50-manche/``). Each current commune
takes the centroid of its own 2018 outline when its code existed then (a merged commune keeps the
code of its chief town, so its centre is that town's), else the mean of the outlines of its old
communes. Run by hand; ``passnum communes centres`` asks the geocoder instead when one is set.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if not area:
        return 0.0, ring[0][0], ring[0][1]
    return area, cx / (6 * area), cy / (6 * area)


def centroid(geometry: dict) -> tuple[float, float]:
    """(latitude, longitude) of a Polygon or MultiPolygon's outer rings, weighted by area."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    total = sx = sy = 0.0
    for polygon in polygons:
        area, x, y = ring_centroid(polygon[0])
        total += abs(area)
        sx += x * abs(area)
        sy += y * abs(area)
    return round(sy / total, 5), round(sx / total, 5)


def build(outlines: Path) -> None:
    features = json.loads(outlines.read_text("utf-8"))["features"]
    by_code = {f["properties"]["code"]: centroid(f["geometry"]) for f in features}
    with gzip.open(HERE / "communes.csv.gz", "rt", encoding="utf-8") as handle:
        department = features[0]["properties"]["code"][:2]
        current = [r["code"] for r in csv.DictReader(handle) if r["departement"] == department]
    with gzip.open(HERE / "anciens-codes.csv.gz", "rt", encoding="utf-8") as handle:
        old_codes: dict[str, list[str]] = {}
        for r in csv.DictReader(handle):
            old_codes.setdefault(r["code"], []).append(r["ancien_code"])
    rows = []
    for code in current:
        if code in by_code:
            rows.append((code, *by_code[code]))
            continue
        parts = [by_code[c] for c in old_codes.get(code, []) if c in by_code]
        if parts:
            lat = round(sum(p[0] for p in parts) / len(parts), 5)
            lon = round(sum(p[1] for p in parts) / len(parts), 5)
            rows.append((code, lat, lon))
    with (HERE / "centres.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "latitude", "longitude"])
        writer.writerows(sorted(rows))
    print(f"{len(rows)} centres sur {len(current)} communes du {department}")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
