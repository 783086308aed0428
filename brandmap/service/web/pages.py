"""The map page ``/`` and the files it loads (our own under ``/static/``, npm ones under
``/static/vendor/``): a thin adapter over :mod:`brandmap.present.map`."""

from __future__ import annotations

import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request

from brandmap import resources
from brandmap.present.map import LANGS, PageConfig, page_filters, render_map_page, vendor_file
from brandmap.present.map.files import STATIC_DIR
from brandmap.service.web.adapter import page_params

__all__ = ["bp"]

bp = Blueprint("pages", __name__)

VENDOR_MAX_AGE = 7 * 24 * 3600  # npm files change only with web/package-lock.json
STATIC_MAX_AGE = 300


def _known_places() -> tuple[set[str], set[str]]:
    """Commune codes and region ids of the served snapshot (empty when none is loaded)."""
    served = current_app.extensions.get("brandmap.served")
    dataset = served.current() if served is not None else None
    return (dataset.commune_codes, dataset.region_ids) if dataset else (set(), set())


def _store_facts() -> dict[str, str | None]:
    """Geometry quality and data vintage of the served snapshot, when the app holds one.

    The page shows the approximate-boundaries note at once from these; it also asks
    ``/healthz`` so it stays right when they are missing.
    """
    served = current_app.extensions.get("brandmap.served")
    dataset = served.current() if served is not None else None
    meta = getattr(getattr(dataset, "snapshot", None), "meta", None) or {}
    return {
        "geometry_quality": meta.get("geometry_quality") or None,
        "data_vintage": meta.get("data_vintage") or None,
    }


@bp.get("/")
def index() -> Response:
    """The interactive map; ``?lang=en`` and the product filters of ``/api/products``.

    Like a filter the API would refuse, an unreadable parameter is left out: the page opens.
    """
    assets_problem = resources.map_assets_problem()
    if assets_problem:
        abort(503, assets_problem)  # a page without its map assets shows no map
    params = page_params()
    lang = (params.get("lang") or ["vi"])[0]
    config = PageConfig(
        lang=lang if lang in LANGS else "vi",
        filters=page_filters(params, *_known_places()),
        api_base=request.script_root,
        **_store_facts(),
    )
    html = render_map_page(config)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Language"] = config.lang
    response.headers["Cache-Control"] = "no-cache"
    return response


@lru_cache(maxsize=256)
def _asset(path: Path, mtime_ns: int) -> tuple[bytes, str]:
    """File bytes and an ETag of their content; read once per file version."""
    data = path.read_bytes()
    return data, hashlib.blake2b(data, digest_size=12).hexdigest()


def _send_asset(path: Path, max_age: int) -> Response:
    """The file with its own ETag and lifetime; 304s and gzip come from the caching layer."""
    data, etag = _asset(path, path.stat().st_mtime_ns)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".js":
        mimetype = "text/javascript"
    response = Response(data, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@bp.get("/static/vendor/<path:filename>")
def vendor(filename: str) -> Response:
    """A file of an npm package listed in web/package.json (installed by ``npm ci``)."""
    path = vendor_file(filename)
    if path is None:
        abort(404)
    return _send_asset(path, VENDOR_MAX_AGE)


@bp.get("/static/<path:filename>")
def static(filename: str) -> Response:
    """Our own stylesheet and script modules of the map page."""
    root = STATIC_DIR.resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file():
        abort(404)
    return _send_asset(path, STATIC_MAX_AGE)
