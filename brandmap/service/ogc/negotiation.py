"""What an OGC request asks for, and the links and JSON bodies every answer shares.

Unknown parameters are refused with a 400 naming them (/req/core/query-param-unknown); the
``f`` parameter, then the Accept header, chooses between JSON and HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from brandmap.errors import QueryError
from brandmap.service.api import ApiResponse

__all__ = [
    "HTML_MEDIA_TYPE",
    "JSON_MEDIA_TYPE",
    "OPENAPI_MEDIA_TYPE",
    "SCHEMA_MEDIA_TYPE",
    "OgcRequest",
    "Params",
    "check_params",
    "href",
    "json_response",
    "link",
    "output_format",
    "query_string",
    "self_links",
    "single",
]

JSON_MEDIA_TYPE = "application/json"
HTML_MEDIA_TYPE = "text/html"
OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_MEDIA_TYPE = "application/schema+json"

Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class OgcRequest:
    """What a resource needs from an HTTP request.

    ``root`` is the service root URL without a trailing slash (``http://host:5000``);
    the OGC API lives under ``root + "/ogc"``.
    """

    root: str
    params: Params = field(default_factory=dict)
    accept: str = ""

    @property
    def base(self) -> str:
        return f"{self.root}/ogc"


def check_params(params: Params, allowed: Sequence[str]) -> None:
    """Refuse any parameter the resource does not accept, naming what it does accept."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise QueryError(
            f"unknown parameter(s): {', '.join(n[:50] for n in unknown)}; "
            f"this resource accepts: {', '.join(allowed)}",
            unknown[0][:50],
        )


def single(params: Params, name: str) -> str | None:
    """The one value of ``name``, or None; a repeated parameter is a 400."""
    values = params.get(name) or ()
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} may be given only once", name)
    return values[0] if values else None


def output_format(request: OgcRequest) -> str:
    """``json`` or ``html``: the ``f`` parameter wins, then the Accept header.

    >>> output_format(OgcRequest("", accept="text/html,application/xhtml+xml,*/*;q=0.8"))
    'html'
    >>> output_format(OgcRequest("", accept="application/geo+json, application/json"))
    'json'
    """
    f = single(request.params, "f")
    if f is not None:
        if f not in ("json", "html"):
            raise QueryError(f"f must be 'json' or 'html', got {f[:50]!r}", "f")
        return f
    best, best_q = "json", 0.0
    for part in request.accept.split(","):
        media, _, rest = part.strip().partition(";")
        q = _quality(rest)
        kind = (
            "html"
            if media.strip() in ("text/html", "application/xhtml+xml")
            else ("json" if media.strip().endswith("json") else None)
        )
        if kind and q > best_q:
            best, best_q = kind, q
    return best


def _quality(parameters: str) -> float:
    match = re.search(r"q\s*=\s*([0-9.]+)", parameters)
    try:
        return float(match.group(1)) if match else 1.0
    except ValueError:
        return 0.0


def query_string(params: Mapping[str, Any], dropped: tuple[str, ...] = ()) -> str:
    """``params`` as a query string, leaving out empty values and the ``dropped`` names."""
    kept = {k: v for k, v in params.items() if k not in dropped and v not in (None, [], "")}
    return urlencode(kept, doseq=True)


def href(base: str, *queries: str) -> str:
    """``base`` with the non-empty query strings joined (each encoded once per answer)."""
    query = "&".join(q for q in queries if q)
    return f"{base}?{query}" if query else base


def link(href: str, rel: str, media_type: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"href": href, "rel": rel, "type": media_type, "title": title, **extra}


def self_links(url: str, params: Params, fmt: str, json_type: str = JSON_MEDIA_TYPE) -> list[dict]:
    """``self`` for the format being sent and ``alternate`` for the other one."""
    kept = query_string(params, dropped=("f",))
    as_json = link(href(url, kept, "f=json"), "self", json_type, "As JSON")
    as_html = link(href(url, kept, "f=html"), "self", HTML_MEDIA_TYPE, "As HTML")
    if fmt == "json":
        as_html["rel"] = "alternate"
        return [as_json, as_html]
    as_json["rel"] = "alternate"
    return [as_html, as_json]


def json_response(
    payload: Any, media_type: str = JSON_MEDIA_TYPE, headers: dict | None = None
) -> ApiResponse:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return ApiResponse(200, body, media_type, headers or {})
