"""HTTP caching and compression, done once for every route.

The data only changes when the store is rebuilt or imported into, so an ETag is the
snapshot's identity plus the request; clients and proxies revalidate cheaply (304), and
JSON bodies are gzip-compressed for clients that accept it.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict

from flask import Flask, Request, Response, request

__all__ = ["install_caching"]

COMPRESSIBLE = (
    "application/json",
    "application/geo+json",
    "text/html",
    "text/csv",
    "application/vnd.oai.openapi+json",
    "application/javascript",
    "text/css",
)
MIN_COMPRESS_BYTES = 1024
MAX_AGE_SECONDS = 300


def install_caching(app: Flask, snapshot_id, release: str) -> None:
    """``snapshot_id()`` names the data currently served (changes on every rebuild);
    ``release`` names the code and page assets, so a deploy invalidates pages too."""

    @app.after_request
    def cache_and_compress(response: Response) -> Response:
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or response.direct_passthrough
        ):
            return response
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
        if not response.get_etag()[0]:
            response.set_etag(_etag(f"{release}/{snapshot_id()}", request), weak=False)
        response.vary.add("Accept-Encoding")
        response = response.make_conditional(request)
        if response.status_code == 200:
            _gzip(response)
        return response


def _etag(snapshot: str, req: Request) -> str:
    key = f"{snapshot}\n{req.path}\n{req.query_string.decode('latin-1')}\n{req.accept_mimetypes}"
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


_GZIP_CACHE: OrderedDict[str, bytes] = OrderedDict()
_GZIP_CACHE_SIZE = 256


def _gzip(response: Response) -> None:
    if "gzip" not in request.headers.get("Accept-Encoding", "") or response.content_encoding:
        return
    if response.mimetype not in COMPRESSIBLE:
        return
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return
    response.set_data(_compressed(response.get_etag()[0], body))
    response.headers["Content-Encoding"] = "gzip"


def _compressed(etag: str, body: bytes) -> bytes:
    """gzip of a body, remembered by ETag: big layers are compressed once, not per request."""
    if etag in _GZIP_CACHE:
        _GZIP_CACHE.move_to_end(etag)
        return _GZIP_CACHE[etag]
    packed = gzip.compress(body, compresslevel=5)
    _GZIP_CACHE[etag] = packed
    if len(_GZIP_CACHE) > _GZIP_CACHE_SIZE:
        _GZIP_CACHE.popitem(last=False)
    return packed
