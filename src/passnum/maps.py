"""Maps on pages: the tile server, the headers it needs, and distances on the Earth.

Pages draw maps with Leaflet (vendored, ``static/vendor/leaflet``) and ``static/map.js``; the
tiles come from ``PASSNUM_MAP_TILES_URL`` (OpenStreetMap's by default). A map page answers with
its own content security policy, which lets images come from the tile server, and a referrer
policy that sends the site's origin (never a path) to it, as OpenStreetMap's tile usage policy
asks. Every map has a list or table next to it that says the same without JavaScript or tiles.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt
from urllib.parse import urlsplit

from passnum.security import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from passnum.settings import get_settings

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance between two WGS 84 points (haversine), in kilometres."""
    la1, lo1, la2, lo2 = map(radians, (a_lat, a_lon, b_lat, b_lon))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def format_km(km: float) -> str:
    """« moins de 100 m », « 800 m », « 3,2 km », « 27 km »: what a person reads."""
    if km < 0.1:
        return "moins de 100 m"
    if km < 1:
        return f"{round(km * 1000, -2):.0f} m"
    if km < 10:
        return f"{km:.1f} km".replace(".", ",")
    return f"{km:.0f} km"


def tile_origin() -> str:
    """scheme://host[:port] of the tile server ("{s}" subdomains as a wildcard), or ""."""
    url = get_settings().map_tiles_url
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}.", "*."))
    return f"{parts.scheme}://{parts.netloc}"


def page_headers(geolocation: bool = False) -> dict[str, str]:
    """The headers of a page that shows a map (``geolocation``: the page may ask the browser
    for the visitor's position, « Autour de moi »)."""
    origin = tile_origin()
    policy = CONTENT_SECURITY_POLICY
    if origin:
        policy = policy.replace("img-src 'self'", f"img-src 'self' {origin}", 1)
    headers = {
        "content-security-policy": policy,
        "referrer-policy": "strict-origin-when-cross-origin",
    }
    if geolocation:
        headers["permissions-policy"] = SECURITY_HEADERS["permissions-policy"].replace(
            "geolocation=()", "geolocation=(self)"
        )
    return headers


def context() -> dict[str, str]:
    """What map.js reads from the map's element (data attributes)."""
    settings = get_settings()
    return {
        "map_tiles_url": settings.map_tiles_url,
        "map_tiles_attribution": settings.map_tiles_attribution,
    }
