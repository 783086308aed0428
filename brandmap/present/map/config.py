"""What the server hands the page's script: language and labels, the product filters of the
page URL, tiles, data facts and the API addresses the script loads its layers from."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from brandmap import settings
from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.present.map.messages import LANGS, load_messages
from brandmap.query.filters import FILTER_PARAMS, lenient_filter
from brandmap.text import nfc

__all__ = ["DATA_URLS", "PageConfig", "config_json", "page_filters", "script_safe_json"]

# What the page loads from the API at start; preloaded from the head so the downloads run
# while the scripts load (the script asks for exactly these URLs).
DATA_URLS = (
    ("healthz_data", "/healthz"),
    ("communes_data", "/api/communes?detail=display"),
    ("regions_data", "/api/regions?detail=display"),
    ("products_data", "/api/products?limit=10000"),
)
# The API routes the script calls as people filter, draw and export.
API_ROUTES = (
    ("communes", "/api/communes"),
    ("regions", "/api/regions"),
    ("products", "/api/products"),
    ("healthz", "/healthz"),
    ("export", "/api/export"),
    ("product_page", "/p"),
)
# Characters that could end the surrounding script element or a JS line, as JSON escapes.
_SCRIPT_SAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


@dataclass(frozen=True)
class PageConfig:
    """What the server tells the page: language, filters from the URL, tiles, data facts."""

    lang: str = "vi"
    filters: Mapping[str, Any] = field(default_factory=dict)
    tiles_url: str = ""
    tiles_attribution: str = ""
    geometry_quality: str | None = None
    data_vintage: str | None = None
    api_base: str = ""

    def resolved(self) -> PageConfig:
        """The same config with tile settings filled in from the settings table."""
        return PageConfig(
            lang=self.lang if self.lang in LANGS else "vi",
            filters=dict(self.filters),
            tiles_url=self.tiles_url or settings.get("tiles_url"),
            tiles_attribution=self.tiles_attribution or settings.get("tiles_attribution"),
            geometry_quality=self.geometry_quality,
            data_vintage=self.data_vintage,
            api_base=self.api_base.rstrip("/"),
        )


def page_filters(args: Mapping[str, Any], communes: set[str], regions: set[str]) -> dict[str, Any]:
    """The product filters of a page URL (same names and rules as ``/api/products``).

    The page must open whatever link it is given, so a value the API would refuse is
    dropped rather than refused. ``args`` is a mapping of lists or a Werkzeug MultiDict.

    >>> page_filters({"q": ["buoi"], "min_stars": ["4"], "commune": ["x"]}, {"29659"}, set())
    {'min_stars': 4, 'q': 'buoi'}
    >>> page_filters({"min_stars": ["9"], "commune": ["29659"]}, {"29659"}, set())
    {'commune': ['29659']}
    """
    params = {key: _values(args, key) for key in FILTER_PARAMS}
    f = lenient_filter(params, communes, regions)
    values = {
        "commune": list(f.communes),
        "region": f.region,
        "category": f.category,
        "brand_type": f.brand_types[0] if f.brand_types else None,
        "value_chain": f.value_chain,
        "min_stars": f.min_stars,
        "ocop_status": list(f.ocop_statuses),
        "q": nfc(params["q"][0].strip()) if f.q else None,
        "bbox": list(f.bbox) if f.bbox else None,
        "near": list(f.near) if f.near else None,
        "radius_km": f.radius_km,
    }
    return {key: value for key, value in values.items() if value not in (None, [])}


def _values(args: Mapping[str, Any], key: str) -> list[str]:
    raw = args.getlist(key) if hasattr(args, "getlist") else args.get(key, [])
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def config_json(config: PageConfig) -> str:
    r"""The page config as a JS literal that cannot close the surrounding script element.

    >>> text = config_json(PageConfig(filters={"q": "</script>"}))
    >>> "</script>" in text, '"q":"\\u003c/script\\u003e"' in text
    (False, True)
    """
    payload = {
        "lang": config.lang,
        "messages": load_messages(config.lang),
        "filters": dict(config.filters),
        "geometry_quality": config.geometry_quality,
        "data_vintage": config.data_vintage,
        "tiles": {"url": config.tiles_url, "attribution": config.tiles_attribution},
        "api": {name: f"{config.api_base}{path}" for name, path in (*API_ROUTES, *DATA_URLS)},
        "categories": CATEGORIES,
        "brand_types": BRAND_TYPES,
        "value_chains": VALUE_CHAINS,
    }
    return script_safe_json(payload)


def script_safe_json(data: Any) -> str:
    """``data`` as compact JSON that cannot end the ``<script>`` element it is written into
    (nor a JavaScript line)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _SCRIPT_SAFE:
        text = text.replace(raw, escaped)
    return text
