"""Is this set-up ready to serve? One check per concern, each saying what to do about it.

``brandmap doctor`` prints :func:`checks` one line each. A ``fail`` means the service cannot
do its job (no readable store, no map assets, no database); a ``warn`` means it runs, but
not as the province would want (approximate boundaries, no shared key for several servers,
QR codes pointing at an internal address).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from brandmap import resources, settings
from brandmap.errors import StoreError
from brandmap.store import GeoPackageStore, Snapshot, open_store

__all__ = ["Check", "checks"]

Level = Literal["ok", "warn", "fail"]
#: Shorter secret keys are guessable enough to forge a staff session.
MIN_SECRET_KEY_LENGTH = 32


@dataclass(frozen=True)
class Check:
    """The outcome of one check: its level, what it looked at, and what to do."""

    name: str
    level: Level
    message: str

    def line(self) -> str:
        """
        >>> Check("store", "ok", "var/brandmap.gpkg is readable").line()
        'ok    store: var/brandmap.gpkg is readable'
        """
        return f"{self.level:<5} {self.name}: {self.message}"


def checks(location: str | None = None) -> list[Check]:
    """Every check of the set-up serving the store at ``location`` (default: the settings)."""
    store_checks, snapshot = _store_checks(location or settings.default_store())
    return [
        *store_checks,
        _boundaries_check(snapshot),
        _map_assets_check(),
        _secret_key_check(settings.get("secret_key")),
        _public_url_check(settings.get("public_url")),
    ]


def _store_checks(location: str) -> tuple[list[Check], Snapshot | None]:
    """The database answers (for a PostGIS store); the store is there and readable."""
    try:
        store = open_store(location)
    except StoreError as exc:  # a malformed PostgreSQL URL
        return [Check("store", "fail", str(exc))], None
    found = []
    if not isinstance(store, GeoPackageStore):
        try:
            store.exists()  # connects
        except StoreError as exc:
            reason = f"{exc}: check the URL, the password and that the server runs"
            not_read = "not read: its database does not answer"
            return [Check("postgis", "fail", reason), Check("store", "fail", not_read)], None
        found.append(Check("postgis", "ok", f"{store.location} answers"))
    try:
        snapshot = store.read()
    except StoreError as exc:
        where = "" if store.location in str(exc) else f"{store.location}: "
        return [*found, Check("store", "fail", f"{where}{exc}")], None
    counts = (
        f"{len(snapshot.communes)} communes, {len(snapshot.regions)} regions, "
        f"{len(snapshot.products)} products, built {snapshot.meta.get('built_at', '?')}"
    )
    return [*found, Check("store", "ok", f"{store.location} is readable ({counts})")], snapshot


def _boundaries_check(snapshot: Snapshot | None) -> Check:
    quality = snapshot.meta.get("geometry_quality") if snapshot is not None else None
    if quality == "official":
        return Check("boundaries", "ok", "official 2025 commune polygons")
    if quality == "approximate":
        return Check(
            "boundaries",
            "warn",
            "commune polygons are the offline approximation (the map says so): run "
            "`brandmap fetch boundaries` or `brandmap import boundaries FILE`",
        )
    return Check("boundaries", "warn", "unknown until the store can be read")


def _map_assets_check() -> Check:
    problem = resources.map_assets_problem()
    if problem:
        return Check("map assets", "fail", problem)
    return Check("map assets", "ok", f"installed in {resources.npm_dir()}")


def _secret_key_check(key: str) -> Check:
    if not key:
        kept = settings.secret_key_path()
        where = (
            f"the key generated into {kept}"
            if kept.is_file()
            else f"a key generated into {kept} on first use"
        )
        return Check(
            "secret key",
            "warn",
            f"BRANDMAP_SECRET_KEY is not set: staff sessions are signed with {where}; "
            "servers behind one load balancer need the same key: set it to a long random "
            "value (python -c 'import secrets; print(secrets.token_hex(32))')",
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return Check(
            "secret key",
            "fail",
            f"BRANDMAP_SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters: "
            "use a long random value",
        )
    return Check("secret key", "ok", "BRANDMAP_SECRET_KEY is set")


def _public_url_check(url: str) -> Check:
    if not url:
        return Check(
            "public url",
            "warn",
            "BRANDMAP_PUBLIC_URL is not set: QR codes and links use the address each request "
            "came in on; set it to the public address (https://…) before printing labels",
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return Check(
            "public url",
            "fail",
            f"BRANDMAP_PUBLIC_URL={url!r} is not an http(s) address such as "
            "https://brandmap.example.vn",
        )
    return Check("public url", "ok", f"QR codes and links use {url.rstrip('/')}")
