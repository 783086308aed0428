"""HTTP caching and compression, done once for every route.

The data only changes when the store is rebuilt or imported into, or when the day turns
(certificate statuses follow today's date), so an answer's ETag is the stamp of the
snapshot and day served plus the request, and its Last-Modified is when the snapshot was
built or the day began, whichever is later. Clients and proxies revalidate cheaply (304),
and JSON bodies are gzip-compressed for clients that accept it.

This is a WSGI middleware working on plain header lists rather than a Flask hook: it runs
on every request, and werkzeug's header objects cost more than the rest of a cached
answer.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cached_property
from typing import Any

__all__ = ["Answer", "HttpCaching", "SnapshotStamp"]

COMPRESSIBLE = frozenset(
    {
        "application/json",
        "application/geo+json",
        "text/html",
        "text/csv",
        "application/vnd.oai.openapi+json",
        "application/javascript",
        "text/javascript",
        "text/css",
        "image/svg+xml",
        "application/vnd.google-earth.kml+xml",
    }
)
MIN_COMPRESS_BYTES = 1024
MAX_AGE_SECONDS = 300
GZIP_CACHE_SIZE = 256
# Headers a 304 repeats from the full answer (RFC 9110 §15.4.5); the rest describe a body.
NOT_MODIFIED_HEADERS = frozenset(
    {"cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified"}
)

Headers = list[tuple[str, str]]
StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class SnapshotStamp:
    """What identifies the data being served (the snapshot and the day) and when it last
    changed (if known)."""

    id: str
    built_at: datetime | None = None

    @cached_property
    def last_modified(self) -> str | None:
        return format_datetime(self.built_at, usegmt=True) if self.built_at else None


@dataclass(frozen=True)
class Answer:
    """A complete successful answer, before the per-client choices (304, gzip)."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: str | None
    compressible: bool


class HttpCaching:
    """Adds Cache-Control, ETag, Last-Modified and Vary to successful GET/HEAD answers,
    answers conditional requests with 304 and gzips compressible bodies.

    ``stamp()`` names the snapshot the handler just answered from; ``fresh_stamp()`` checks
    the store first (for answers kept whole, which no handler sees). ``release`` names the
    code and page assets, so a deploy invalidates cached pages too.
    Answers that set their own ETag (static assets) keep it. Streamed answers (no
    Content-Length) pass through untouched.

    Answers at ``remembered_paths`` (the whole-layer routes, the same for every user) are
    kept whole until the snapshot changes, so asking again costs a lookup, not a request
    through the framework.
    """

    def __init__(
        self,
        app: Callable,
        stamp: Callable[[], SnapshotStamp],
        fresh_stamp: Callable[[], SnapshotStamp],
        release: str,
        remembered_paths: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.stamp = stamp
        self.fresh_stamp = fresh_stamp
        self.release = release
        self.remembered_paths = frozenset(remembered_paths)
        self._gzipped: dict[str, bytes] = {}
        self._answers: dict[tuple[str, ...], Answer] = {}
        self._answers_of = ""

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        if method == "HEAD":  # the same headers as GET, without the body
            environ = {**environ, "REQUEST_METHOD": "GET"}
        key = self._answer_key(environ)
        answer = self._answers.get(key) if key is not None else None
        if answer is None:
            captured: list = []

            def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable:
                captured[:] = (status, headers, exc_info)
                return _no_write

            chunks = self.app(environ, capture)
            status, headers, exc_info = captured
            if not status.startswith("200") or not _has(headers, "content-length"):
                return self._send(start_response, status, headers, chunks, method, exc_info)
            answer = self._complete(environ, status, headers, _drain(chunks))
            if key is not None:
                self._remember(key, answer)
        return self._reply(environ, start_response, answer, method)

    def _answer_key(self, environ: dict) -> tuple[str, ...] | None:
        path = environ.get("PATH_INFO", "")
        if path not in self.remembered_paths:
            return None
        stamp = self.fresh_stamp().id
        if stamp != self._answers_of:  # a new snapshot: forget the old answers
            self._answers = {}
            self._answers_of = stamp
        return (path, environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""))

    def _remember(self, key: tuple[str, ...], answer: Answer) -> None:
        if len(self._answers) >= REMEMBERED_ANSWERS:  # many distinct queries: start over
            self._answers = {}
        self._answers[key] = answer

    def _complete(self, environ: dict, status: str, headers: Headers, body: bytes) -> Answer:
        """The answer with its validators, caching and Vary headers."""
        names = {name.lower(): value for name, value in headers}
        etag = names.get("etag")
        if etag is None:
            stamp = self.stamp()
            etag = _etag(f"{self.release}/{stamp.id}", environ)
            headers.append(("ETag", etag))
            if stamp.last_modified and "last-modified" not in names:
                headers.append(("Last-Modified", stamp.last_modified))
                names["last-modified"] = stamp.last_modified
        if "cache-control" not in names:
            headers.append(("Cache-Control", f"public, max-age={MAX_AGE_SECONDS}"))
        _add_vary(headers, names, "Accept-Encoding")
        media_type = names.get("content-type", "").partition(";")[0].strip()
        compressible = (
            len(body) >= MIN_COMPRESS_BYTES
            and "content-encoding" not in names
            and media_type in COMPRESSIBLE
        )
        return Answer(status, tuple(headers), body, etag, names.get("last-modified"), compressible)

    def _reply(
        self, environ: dict, start_response: StartResponse, answer: Answer, method: str
    ) -> Iterable[bytes]:
        """304 when the client's copy is current, else the answer (gzipped if accepted)."""
        if _not_modified(environ, answer.etag, answer.last_modified):
            kept = [(n, v) for n, v in answer.headers if n.lower() in NOT_MODIFIED_HEADERS]
            return self._send(start_response, "304 Not Modified", kept, [], method)
        headers = list(answer.headers)
        body = answer.body
        if answer.compressible and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body = self._compressed(answer.etag, body)
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        return self._send(start_response, answer.status, headers, [body], method)

    def _compressed(self, etag: str, body: bytes) -> bytes:
        """gzip of a body, remembered by ETag: big layers are compressed once, not per
        request."""
        packed = self._gzipped.get(etag)
        if packed is None:
            packed = gzip.compress(body, compresslevel=5)
            if len(self._gzipped) >= GZIP_CACHE_SIZE:
                self._gzipped = {}
            self._gzipped[etag] = packed
        return packed

    @staticmethod
    def _send(
        start_response: StartResponse,
        status: str,
        headers: Headers,
        chunks: Iterable[bytes],
        method: str,
        exc_info: Any = None,
    ) -> Iterable[bytes]:
        start_response(status, headers, exc_info)
        if method == "HEAD":
            _drain(chunks)
            return []
        return chunks


# Whole answers kept for the remembered paths; a client cycling through more distinct
# queries than this only empties the store (no unbounded growth).
REMEMBERED_ANSWERS = 64


def _has(headers: Headers, name: str) -> bool:
    return any(n.lower() == name for n, _ in headers)


def _no_write(data: bytes) -> None:
    raise RuntimeError("brandmap answers are returned, never written")


def _drain(chunks: Iterable[bytes]) -> bytes:
    try:
        return b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _etag(snapshot: str, environ: dict) -> str:
    """Strong ETag of one answer: the snapshot, the URL and what the client accepts."""
    key = "\n".join(
        (
            snapshot,
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT", ""),
        )
    )
    digest = hashlib.blake2b(key.encode("latin-1", "replace"), digest_size=12).hexdigest()
    return f'"{digest}"'


def _add_vary(headers: Headers, names: dict, name: str) -> None:
    current = names.get("vary")
    if current is None:
        headers.append(("Vary", name))
    elif name.lower() not in current.lower():
        headers[:] = [(n, v) for n, v in headers if n.lower() != "vary"]
        headers.append(("Vary", f"{current}, {name}"))


def _not_modified(environ: dict, etag: str, last_modified: str | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since and last_modified:
        return not_modified_since(since, last_modified)
    return False


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks for.

    >>> etag_matches('W/"a", "b"', '"a"'), etag_matches('"b"', '"a"'), etag_matches("*", '"a"')
    (True, False, True)
    """
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def not_modified_since(since: str, last_modified: str) -> bool:
    """True when the client's copy is at least as new; an unreadable date means no.

    >>> not_modified_since("Mon, 23 Nov 2026 10:00:00 GMT", "Mon, 23 Nov 2026 09:00:00 GMT")
    True
    >>> not_modified_since("yesterday", "Mon, 23 Nov 2026 09:00:00 GMT")
    False
    """
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip;q=0`` refuses it).

    >>> accepts_gzip("gzip, br"), accepts_gzip("br, gzip;q=0"), accepts_gzip("*"), accepts_gzip("")
    (True, False, True, False)
    """
    wildcard = 0.0
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.partition(";")
        coding = coding.strip()
        if coding == "gzip":
            return _quality(params) > 0
        if coding == "*":
            wildcard = _quality(params)
    return wildcard > 0


def _quality(params: str) -> float:
    """The ``q`` weight of one Accept-Encoding entry (1 when absent, 0 when unreadable)."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
