"""Which files the page loads, all from this service: Folium's CDN links replaced by the
same files from npm packages under ``/static/vendor/``, plus our own stylesheet and script
modules under ``/static/``. The basemap tiles are the page's only outside request."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from brandmap.present.map.files import NODE_MODULES, STATIC_DIR, WEB_DIR

__all__ = [
    "DROPPED_ASSETS",
    "ENTRY_MODULE",
    "EXTRA_CSS",
    "UNUSED_ON_PAGE",
    "VENDOR_ASSETS",
    "external_asset_urls",
    "page_modules",
    "self_host_assets",
    "vendor_file",
]

VENDOR_URL = "/static/vendor/"
STATIC_URL = "/static/"

# Folium asset name -> the same file from its npm package (under web/node_modules).
# Folium 0.20's own template (Map.default_js/default_css) and the plugins used here.
VENDOR_ASSETS: dict[str, str] = {
    "leaflet": "leaflet/dist/leaflet.js",
    "jquery": "jquery/dist/jquery.min.js",
    "bootstrap": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "awesome_markers": "leaflet.awesome-markers/dist/leaflet.awesome-markers.min.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "bootstrap_css": "bootstrap/dist/css/bootstrap.min.css",
    "awesome_markers_font_css": "@fortawesome/fontawesome-free/css/all.min.css",
    "awesome_markers_css": "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    "markerclusterjs": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/dist/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "leaflet_draw_js": "leaflet-draw/dist/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/dist/leaflet.draw.css",
    "Control_locate_min_js": "leaflet.locatecontrol/dist/L.Control.Locate.min.js",
    "Control_locate_min_css": "leaflet.locatecontrol/dist/L.Control.Locate.min.css",
    "Control.Fullscreen.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
}
# Folium assets with no npm package, left out because the page does not use them.
DROPPED_ASSETS: dict[str, str] = {
    "glyphicons_css": "Bootstrap 3 glyphicons (icons here come from Font Awesome)",
    "awesome_rotate_css": "Folium's icon-rotation rule (no rotated icons here)",
}
# Mapped above but left off our page: it uses none of their code (icons come from Font
# Awesome via our own marker style), which saves four requests on every visit.
UNUSED_ON_PAGE = frozenset({"jquery", "bootstrap", "awesome_markers", "awesome_markers_css"})
# Our own additions: a font that renders Vietnamese diacritics and our stylesheet.
EXTRA_CSS = (
    VENDOR_URL + "@fontsource/noto-sans/400.css",
    VENDOR_URL + "@fontsource/noto-sans/700.css",
    STATIC_URL + "brandmap.css",
)
# The page's script: ES modules served as they are (no bundler), entered here.
SCRIPT_FOLDER = "brandmap"
ENTRY_MODULE = f"{STATIC_URL}{SCRIPT_FOLDER}/main.js"
VENDOR_SUFFIXES = (".js", ".css", ".png", ".svg", ".gif", ".woff", ".woff2", ".ttf", ".map")


def page_modules() -> list[str]:
    """URLs of every script module of the page, so the browser can fetch them at once
    (``modulepreload``) instead of discovering the imports one level at a time."""
    folder = STATIC_DIR / SCRIPT_FOLDER
    return [f"{STATIC_URL}{SCRIPT_FOLDER}/{path.name}" for path in sorted(folder.glob("*.js"))]


def vendor_file(path: str) -> Path | None:
    """The file under ``web/node_modules`` a ``/static/vendor/`` path names, if it may be served.

    Only packages listed in ``web/package.json`` and asset file types are served.
    """
    parts = path.split("/")
    if not path.endswith(VENDOR_SUFFIXES) or any(p in ("", ".", "..") for p in parts):
        return None
    package = "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
    if package not in _vendor_packages():
        return None
    candidate = (NODE_MODULES / path).resolve()
    root = NODE_MODULES.resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate


@lru_cache(maxsize=1)
def _vendor_packages() -> frozenset[str]:
    manifest = json.loads((WEB_DIR / "package.json").read_text(encoding="utf-8"))
    return frozenset(manifest.get("dependencies", {}))


def _self_hosted(element: Any, leave_out: frozenset[str] = frozenset()) -> None:
    """Point an element's Folium assets at ``/static/vendor/`` (or drop the unused ones)."""
    for attr in ("default_js", "default_css"):
        assets = getattr(element, attr, None)
        if not assets:
            continue
        local = []
        for name, url in assets:
            if name in leave_out:
                continue
            if name in VENDOR_ASSETS:
                local.append((name, VENDOR_URL + VENDOR_ASSETS[name]))
            elif name not in DROPPED_ASSETS:
                raise ValueError(f"no self-hosted copy of map asset {name!r} ({url})")
        setattr(element, attr, local)


def self_host_assets(root: Any, leave_out: frozenset[str] = frozenset()) -> None:
    """Point every Folium asset under ``root`` (a Map, or any element) at ``/static/vendor/``.

    ``leave_out`` names assets to drop. Raises ValueError for an asset with no npm copy, so
    a new plugin cannot slip a CDN in.
    """
    _self_hosted(root, leave_out)
    for child in list(getattr(root, "_children", {}).values()):
        self_host_assets(child, leave_out)


_ASSET_URL = re.compile(
    r"""<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE,
)


def external_asset_urls(html: str) -> list[str]:
    """Scripts and stylesheets a page would fetch from another host (should be none).

    >>> external_asset_urls('<script src="https://cdn.example/x.js"></script>')
    ['https://cdn.example/x.js']
    >>> external_asset_urls('<link rel="stylesheet" href="/static/vendor/a.css"/>')
    []
    """
    return _ASSET_URL.findall(html)
