"""The Flask service: an app factory and thin adapters over :mod:`brandmap.service.api`."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from flask import Flask, abort, current_app, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from brandmap import __version__, resources, settings
from brandmap.catalog.certificates import PROVINCE_TIME, province_today
from brandmap.editorial import Records, open_records
from brandmap.errors import BrandmapError, StoreError
from brandmap.present.dataset import Dataset
from brandmap.redaction import logger
from brandmap.service.web.caching import HttpCaching, SnapshotStamp
from brandmap.service.web.security import SecurityHeaders
from brandmap.store import Store, open_store

__all__ = ["ServedData", "create_app", "release_fingerprint", "served"]

WEB_DIR = resources.web_dir()

log = logger("brandmap.service.web")
MAX_REQUEST_BYTES = 1 * 1024 * 1024
# Whole layers, the same for every user: their answers are kept until the data changes.
WHOLE_LAYER_PATHS = ("/api/communes", "/api/regions")


class ServedData:
    """The snapshot being served, reloaded when the store changes (build, import, fetch).

    Workers check the store's version on each request (a file stat for GeoPackage), so an
    import is visible without a restart. A missing or unreadable store is reported, not
    fatal: the last good snapshot keeps being served, and ``/healthz`` says what is wrong.

    Certificate statuses follow the day (``clock``, today in the province): when it
    changes, the snapshot is served anew for the new day, and the stamp (hence every ETag)
    changes with it.
    """

    def __init__(self, store: Store, clock: Callable[[], date] = province_today) -> None:
        self.store = store
        self.clock = clock
        self.version: str | None = None
        self.dataset: Dataset | None = None
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._stamp = SnapshotStamp("none")

    def current(self) -> Dataset | None:
        version = self.store.version()
        if version != self.version or self.dataset is None:
            with self._lock:
                self._reload(version)
        if self.dataset is not None and self.dataset.today != self.clock():
            with self._lock:
                self._turn_day()
        return self.dataset

    def _turn_day(self) -> None:
        today = self.clock()
        if self.dataset is not None and self.dataset.today != today:
            self.dataset = self.dataset.on(today).warmed()
            self._stamp_now()

    def _reload(self, version: str | None) -> None:
        if version == self.version and self.dataset is not None:
            return
        try:
            self.dataset = Dataset(self.store.read(), self.clock()).warmed()
            self.problem = None
        except StoreError as exc:
            if self.problem != str(exc):
                log.error("store unavailable: %s", exc)
            self.problem = str(exc)
        self.version = version
        self._stamp_now()

    def stamp(self) -> SnapshotStamp:
        """The served snapshot's identity and build time, for ETag and Last-Modified."""
        return self._stamp

    def fresh_stamp(self) -> SnapshotStamp:
        """:meth:`stamp` after checking the store, for answers that skip the handlers."""
        self.current()
        return self._stamp

    def _stamp_now(self) -> None:
        """The stamp names the day served too: a certificate's status changes at midnight,
        so yesterday's answers are neither current (ETag) nor unmodified (Last-Modified)."""
        dataset = self.dataset
        if dataset is None:
            self._stamp = SnapshotStamp(f"{self.version}")
            return
        built_at = _parse_time(dataset.snapshot.meta.get("built_at"))
        midnight = datetime.combine(dataset.today, time(), PROVINCE_TIME).astimezone(UTC)
        changed = max(built_at, midnight) if built_at else None
        self._stamp = SnapshotStamp(f"{self.version}/{dataset.today}", changed)


def _parse_time(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def release_fingerprint() -> str:
    """Identifies this release of the code and of the page's own assets and messages."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for folder in (WEB_DIR / "static", WEB_DIR / "i18n"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def served() -> ServedData:
    return current_app.extensions["brandmap.served"]


def create_app(
    store: str | Store | None = None,
    config: dict[str, Any] | None = None,
    clock: Callable[[], date] = province_today,
    records: Records | None = None,
) -> Flask:
    """The service over ``store``: a location, an open store, or the configured store.

    ``clock`` says what day it is in the province (certificate statuses depend on it).
    ``records``: the editorial records (default: those beside the store's location,
    opened when the staff API is first used).
    """
    location = store if isinstance(store, str) else None
    app = Flask(__name__, static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, JSON_AS_ASCII=False)
    app.config.update(config or {})
    if store is None or isinstance(store, str):
        store = open_store(store or settings.default_store())
    data = ServedData(store, clock)
    data.current()
    app.extensions["brandmap.served"] = data
    app.extensions["brandmap.records"] = _records_once(records, location)

    from brandmap.service.web import api, ogc, staff

    app.register_blueprint(api.bp)
    app.register_blueprint(ogc.bp)
    app.register_blueprint(staff.bp)
    _register_pages(app)
    _register_error_handlers(app)
    caching = HttpCaching(
        app.wsgi_app, data.stamp, data.fresh_stamp, release_fingerprint(), WHOLE_LAYER_PATHS
    )
    app.wsgi_app = _behind_proxies(SecurityHeaders(caching, settings.get("tiles_url")))
    return app


def _records_once(records: Records | None, location: str | None) -> Callable[[], Records]:
    """The editorial records, opened (and migrated) by the first request that needs them."""
    opened: list[Records] = [records] if records is not None else []
    lock = threading.Lock()

    def get() -> Records:
        with lock:
            if not opened:
                opened.append(open_records(location))
            return opened[0]

    return get


def _behind_proxies(wsgi_app):
    """Trust the X-Forwarded-* headers of the configured number of reverse proxies (and of
    no one else: clients could forge them)."""
    try:
        proxies = int(settings.get("proxies"))
    except ValueError:
        raise BrandmapError("BRANDMAP_PROXIES must be a whole number of proxies") from None
    if proxies <= 0:
        return wsgi_app
    return ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)


def _register_pages(app: Flask) -> None:
    from brandmap.service.web import pages, product_pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(product_pages.bp)
    app.register_blueprint(product_pages.files_bp)


def _register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_large_bodies():
        length = request.content_length
        if length is not None and length > app.config["MAX_CONTENT_LENGTH"]:
            abort(413)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = jsonify(error=exc.name.lower().replace(" ", "_"), detail=exc.description)
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value  # e.g. Allow on a 405
        return response, exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error")
        return jsonify(
            error="internal_error", detail="the server could not answer this request"
        ), 500
