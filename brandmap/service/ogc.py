"""OGC API – Features over the products, communes and regions layers, without a web framework.

Every resource is a function ``(dataset, OgcRequest, ...) → ApiResponse`` (pygeoapi's
shape), so each rule of the standard is testable without a server; ``brandmap.service.web.ogc``
only adapts Flask requests to :class:`OgcRequest`.

Conformance: Part 1 Core, GeoJSON, HTML and OpenAPI 3.0; Part 2 "CRS by reference" for
CRS84 (the default and the storage CRS), EPSG:4326 (latitude first, as EPSG defines it),
EPSG:9209 and EPSG:9210 (VN-2000 through the pinned EPSG:6960 transformation).

Choices where the standard leaves room or users may be surprised:

* ``limit`` defaults to 10 and is capped at 10 000; a larger value is lowered to the cap,
  not refused (Part 1, /req/core/fc-limit-response-1 C). ``limit=0`` is a 400.
* ``datetime`` filters products by ``source_date``, the date of the published fact (a day,
  a month or a year, each taken as the interval it names). Products without it, and
  communes and regions, have no temporal geometry, so a valid ``datetime`` matches none
  of them (/req/core/fc-time-response); a malformed one is a 400. GDAL turns filters on
  date fields into ``datetime``, so its filters on ``source_date`` come out right.
* Unknown parameters are refused with a 400 naming them (/req/core/query-param-unknown).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import geopandas as gpd
import numpy as np
import shapely
from jinja2 import DictLoader, Environment, select_autoescape

from brandmap.catalog.schema import PROVINCE_BBOX
from brandmap.errors import QueryError
from brandmap.geo import crs as crs_mod
from brandmap.present.dataset import (
    COMMUNE_PROPERTIES,
    PRODUCT_PROPERTIES,
    REGION_PROPERTIES,
    Dataset,
)
from brandmap.present.geojson import GEOJSON_MEDIA_TYPE, collection_bytes, feature_bytes
from brandmap.query.filters import (
    FILTER_PARAMS,
    MAX_LIMIT,
    WHOLE_NUMBER,
    Page,
    parse_filter,
    parse_page,
)
from brandmap.service.api import ApiResponse, error_response

__all__ = [
    "COLLECTIONS",
    "CONFORMANCE_CLASSES",
    "DEFAULT_LIMIT",
    "ITEMS_PARAMS",
    "OPENAPI_MEDIA_TYPE",
    "CollectionSpec",
    "OgcRequest",
    "collection",
    "collections",
    "conformance",
    "date_interval",
    "item",
    "items",
    "landing",
    "parse_bbox",
    "parse_datetime",
    "schema",
]

DEFAULT_LIMIT = 10
JSON_MEDIA_TYPE = "application/json"
HTML_MEDIA_TYPE = "text/html"
OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_MEDIA_TYPE = "application/schema+json"
_F1 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf"
CONFORMANCE_CLASSES = (
    f"{_F1}/core",
    f"{_F1}/geojson",
    f"{_F1}/html",
    f"{_F1}/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)
#: Parameters every items request may carry, beyond a collection's own property filters.
ITEMS_PARAMS = ("f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime")
SERVICE_TITLE = "Bản đồ thương hiệu Vĩnh Long — Vĩnh Long brand map"
SERVICE_DESCRIPTION = (
    "OCOP products, geographical indications and other local brands of Vĩnh Long province "
    "(2025 boundaries), their 2025 communes and value-chain regions, as OGC API – Features."
)

Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class CollectionSpec:
    """One published layer: which frame, which id column, which property filters."""

    id: str
    title: str
    description: str
    id_column: str
    properties: tuple[str, ...]
    filters: tuple[str, ...]
    geometry: str
    temporal: str | None = None  # the property ``datetime`` filters on


_PRODUCT_FILTERS = tuple(p for p in FILTER_PARAMS if p != "bbox")
COLLECTIONS: dict[str, CollectionSpec] = {
    spec.id: spec
    for spec in (
        CollectionSpec(
            "products",
            "Sản phẩm — Products",
            "OCOP products, geographical indications, collective and certification marks, "
            "one point each (exact, or a stable point in the commune or region it belongs to).",
            "id",
            PRODUCT_PROPERTIES,
            _PRODUCT_FILTERS,
            "Point",
            "source_date",
        ),
        CollectionSpec(
            "communes",
            "Xã, phường (2025) — Communes",
            "The 2025 communes and wards of Vĩnh Long with product counts; "
            "geometry_quality says whether a shape is official or approximate.",
            "code",
            COMMUNE_PROPERTIES,
            ("kind", "geometry_quality"),
            "MultiPolygon",
        ),
        CollectionSpec(
            "regions",
            "Vùng chuỗi giá trị — Value-chain regions",
            "Groups of communes that share a brand or raw-material zone, "
            "dissolved from the commune layer.",
            "id",
            REGION_PROPERTIES,
            ("value_chain",),
            "MultiPolygon",
        ),
    )
}


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


# --------------------------------------------------------------------------- negotiation


def _check_params(params: Params, allowed: Sequence[str]) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise QueryError(
            f"unknown parameter(s): {', '.join(n[:50] for n in unknown)}; "
            f"this resource accepts: {', '.join(allowed)}",
            unknown[0][:50],
        )


def _single(params: Params, name: str) -> str | None:
    values = params.get(name) or ()
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} may be given only once", name)
    return values[0] if values else None


def _output_format(request: OgcRequest) -> str:
    """``json`` or ``html``: the ``f`` parameter wins, then the Accept header.

    >>> _output_format(OgcRequest("", accept="text/html,application/xhtml+xml,*/*;q=0.8"))
    'html'
    >>> _output_format(OgcRequest("", accept="application/geo+json, application/json"))
    'json'
    """
    f = _single(request.params, "f")
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


def _query(params: Mapping[str, Any], dropped: tuple[str, ...] = ()) -> str:
    """``params`` as a query string, leaving out empty values and the ``dropped`` names."""
    kept = {k: v for k, v in params.items() if k not in dropped and v not in (None, [], "")}
    return urlencode(kept, doseq=True)


def _href(base: str, *queries: str) -> str:
    """``base`` with the non-empty query strings joined (each encoded once per answer)."""
    query = "&".join(q for q in queries if q)
    return f"{base}?{query}" if query else base


def _link(href: str, rel: str, media_type: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"href": href, "rel": rel, "type": media_type, "title": title, **extra}


def _self_links(url: str, params: Params, fmt: str, json_type: str = JSON_MEDIA_TYPE) -> list[dict]:
    """``self`` for the format being sent and ``alternate`` for the other one."""
    kept = _query(params, dropped=("f",))
    as_json = _link(_href(url, kept, "f=json"), "self", json_type, "As JSON")
    as_html = _link(_href(url, kept, "f=html"), "self", HTML_MEDIA_TYPE, "As HTML")
    if fmt == "json":
        as_html["rel"] = "alternate"
        return [as_json, as_html]
    as_json["rel"] = "alternate"
    return [as_html, as_json]


def _json(
    payload: Any, media_type: str = JSON_MEDIA_TYPE, headers: dict | None = None
) -> ApiResponse:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return ApiResponse(200, body, media_type, headers or {})


def _html(
    template: str, request: OgcRequest, headers: dict | None = None, **context: Any
) -> ApiResponse:
    page = _TEMPLATES.get_template(template).render(
        service_title=SERVICE_TITLE,
        ogc_root=request.base,
        docs_href=f"{request.root}/docs",
        **context,
    )
    return ApiResponse(200, page.encode(), f"{HTML_MEDIA_TYPE}; charset=utf-8", headers or {})


# --------------------------------------------------------------------------- resources


def landing(request: OgcRequest) -> ApiResponse:
    """The landing page: where the API definition, conformance and collections are."""
    _check_params(request.params, ("f",))
    fmt = _output_format(request)
    links = [
        *_self_links(request.base, request.params, fmt),
        _link(
            f"{request.root}/openapi.json",
            "service-desc",
            OPENAPI_MEDIA_TYPE,
            "The API definition (OpenAPI 3.0)",
        ),
        _link(f"{request.root}/docs", "service-doc", HTML_MEDIA_TYPE, "The API documentation"),
        _link(
            f"{request.base}/conformance",
            "conformance",
            JSON_MEDIA_TYPE,
            "Conformance classes implemented by this server",
        ),
        _link(f"{request.base}/collections", "data", JSON_MEDIA_TYPE, "The feature collections"),
    ]
    payload = {"title": SERVICE_TITLE, "description": SERVICE_DESCRIPTION, "links": links}
    if fmt == "html":
        return _html("landing.html", request, page=payload, title=SERVICE_TITLE)
    return _json(payload)


def conformance(request: OgcRequest) -> ApiResponse:
    _check_params(request.params, ("f",))
    fmt = _output_format(request)
    payload = {"conformsTo": list(CONFORMANCE_CLASSES)}
    if fmt == "html":
        return _html(
            "conformance.html",
            request,
            page=payload,
            title="Conformance",
            links=_self_links(f"{request.base}/conformance", request.params, fmt),
        )
    return _json(payload)


def collections(dataset: Dataset, request: OgcRequest) -> ApiResponse:
    _check_params(request.params, ("f",))
    fmt = _output_format(request)
    payload = {
        "links": _self_links(f"{request.base}/collections", request.params, fmt),
        "collections": [_collection_dict(dataset, spec, request) for spec in COLLECTIONS.values()],
        "crs": [c.uri for c in crs_mod.SUPPORTED_CRS],
    }
    if fmt == "html":
        return _html("collections.html", request, page=payload, title="Collections")
    return _json(payload)


def collection(dataset: Dataset, collection_id: str, request: OgcRequest) -> ApiResponse:
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return _unknown_collection(collection_id)
    _check_params(request.params, ("f",))
    fmt = _output_format(request)
    payload = _collection_dict(dataset, spec, request)
    url = f"{request.base}/collections/{spec.id}"
    payload["links"] = _self_links(url, request.params, fmt) + payload["links"][2:]
    if fmt == "html":
        return _html("collection.html", request, page=payload, title=spec.title)
    return _json(payload)


def _unknown_collection(collection_id: str) -> ApiResponse:
    return error_response(
        404,
        "not_found",
        f"no collection {collection_id[:100]!r}; collections are {', '.join(COLLECTIONS)}",
    )


def _collection_dict(dataset: Dataset, spec: CollectionSpec, request: OgcRequest) -> dict[str, Any]:
    url = f"{request.base}/collections/{spec.id}"
    return {
        "id": spec.id,
        "title": spec.title,
        "description": spec.description,
        "itemType": "feature",
        "extent": _extents(dataset, spec),
        "crs": [c.uri for c in crs_mod.SUPPORTED_CRS],
        "storageCrs": crs_mod.CRS84.uri,
        "links": [
            _link(f"{url}?f=json", "self", JSON_MEDIA_TYPE, spec.title),
            _link(f"{url}?f=html", "alternate", HTML_MEDIA_TYPE, spec.title),
            # No query string: clients (GDAL) append "/{featureId}" or parameters to it.
            _link(f"{url}/items", "items", GEOJSON_MEDIA_TYPE, f"{spec.title} (GeoJSON)"),
            _link(f"{url}/items?f=html", "items", HTML_MEDIA_TYPE, f"{spec.title} (HTML)"),
            _link(f"{url}/schema", "describedby", SCHEMA_MEDIA_TYPE, "Schema of the features"),
        ],
    }


#: JSON Schema of the properties whose type is not plain text.
PROPERTY_SCHEMAS: dict[str, dict[str, Any]] = {
    "ocop_stars": {"type": "integer", "minimum": 3, "maximum": 5},
    "ocop_year": {"type": "integer"},
    "product_count": {"type": "integer", "minimum": 0},
    "ocop_4_5_count": {"type": "integer", "minimum": 0},
    "area_km2": {"type": "number", "minimum": 0},
    "brand_types": {"type": "array", "items": {"type": "string"}},
    "commune_codes": {"type": "array", "items": {"type": "string"}},
    "source_date": {
        "type": "string",
        "format": "date",
        "description": "ISO date of the published fact: a day, a month (2024-05) or a year",
    },
    "source_url": {"type": "string", "format": "uri"},
    "website": {"type": "string", "format": "uri"},
}


def schema(collection_id: str, request: OgcRequest) -> ApiResponse:
    """The features' JSON Schema (a GeoJSON Feature with typed properties; null = unknown).

    Clients such as GDAL type their fields from it instead of guessing from the first page.
    """
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return _unknown_collection(collection_id)
    _check_params(request.params, ("f",))
    if _single(request.params, "f") not in (None, "json"):
        raise QueryError("the schema is only available as JSON (f=json)", "f")
    properties = {name: PROPERTY_SCHEMAS.get(name, {"type": "string"}) for name in spec.properties}
    document = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": f"{request.base}/collections/{spec.id}/schema",
        "title": spec.title,
        "description": spec.description,
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"type": "object", "description": f"GeoJSON {spec.geometry}"},
            "properties": {"type": "object", "properties": properties},
        },
    }
    return _json(document, SCHEMA_MEDIA_TYPE)


def _extents(dataset: Dataset, spec: CollectionSpec) -> dict[str, Any]:
    extent: dict[str, Any] = {
        "spatial": {"bbox": [_extent(_frame(dataset, spec.id))], "crs": crs_mod.CRS84.uri}
    }
    temporal = _temporal_extent(dataset, spec)
    if temporal:
        extent["temporal"] = temporal
    return extent


def _extent(frame: gpd.GeoDataFrame) -> list[float]:
    if len(frame) == 0 or frame.geometry.is_empty.all():
        return list(PROVINCE_BBOX)
    return [round(float(v), 6) for v in frame.total_bounds]


def items(dataset: Dataset, collection_id: str, request: OgcRequest) -> ApiResponse:
    """One page of a collection's features, filtered, in the requested CRS."""
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return _unknown_collection(collection_id)
    params = request.params
    _check_params(params, (*ITEMS_PARAMS, *spec.filters))
    fmt = _output_format(request)
    target = _parse_crs(_single(params, "crs"), "crs")
    page = parse_page(_clamped_limit(params), default_limit=DEFAULT_LIMIT)
    chosen, matched = _matching_page(dataset, spec, params, page)
    features = _features_at(dataset, spec, target, chosen)
    url = f"{request.base}/collections/{spec.id}/items"
    links = _items_links(url, params, fmt, page.offset, page.limit, matched)
    links.append(
        _link(f"{request.base}/collections/{spec.id}", "collection", JSON_MEDIA_TYPE, spec.title)
    )
    members = {
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }
    headers = {"Content-Crs": f"<{target.uri}>"}
    if fmt == "html":
        return _html(
            "items.html",
            request,
            headers,
            spec=spec,
            members=members,
            crs=target,
            features=[json.loads(s) for s in features],
            offset=page.offset,
            title=f"{spec.title} — features",
            item_href=_item_href(request, spec),
        )
    body = collection_bytes(features, **members)
    return ApiResponse(200, body, GEOJSON_MEDIA_TYPE, headers)


def _items_links(
    url: str, params: Params, fmt: str, offset: int, limit: int, matched: int
) -> list[dict]:
    """self/alternate, and next/prev pages that keep every filter of this request."""
    json_type = GEOJSON_MEDIA_TYPE if fmt == "json" else HTML_MEDIA_TYPE
    links = _self_links(url, params, fmt, GEOJSON_MEDIA_TYPE)
    kept = _query(params, dropped=("offset", "limit"))
    if offset + limit < matched:
        links.append(
            _link(
                _href(url, kept, f"limit={limit}&offset={offset + limit}"),
                "next",
                json_type,
                "Next page",
            )
        )
    if offset > 0:
        links.append(
            _link(
                _href(url, kept, f"limit={limit}&offset={max(0, offset - limit)}"),
                "prev",
                json_type,
                "Previous page",
            )
        )
    return links


def _item_href(request: OgcRequest, spec: CollectionSpec) -> Callable[[Any], str]:
    kept = _query({k: v for k, v in request.params.items() if k in ("crs", "f")})

    def href(feature_id: Any) -> str:
        base = f"{request.base}/collections/{spec.id}/items/{quote(str(feature_id), safe='')}"
        return _href(base, kept)

    return href


def item(dataset: Dataset, collection_id: str, feature_id: str, request: OgcRequest) -> ApiResponse:
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return _unknown_collection(collection_id)
    _check_params(request.params, ("f", "crs"))
    fmt = _output_format(request)
    target = _parse_crs(_single(request.params, "crs"), "crs")
    position = _positions_by_id(dataset, spec).get(feature_id)
    if position is None:
        return error_response(
            404, "not_found", f"no feature {feature_id[:100]!r} in collection {spec.id!r}"
        )
    feature = json.loads(_features_at(dataset, spec, target, np.array([position]))[0])
    url = f"{request.base}/collections/{spec.id}/items/{quote(feature_id, safe='')}"
    feature["links"] = [
        *_self_links(url, request.params, fmt, GEOJSON_MEDIA_TYPE),
        _link(f"{request.base}/collections/{spec.id}", "collection", JSON_MEDIA_TYPE, spec.title),
    ]
    headers = {"Content-Crs": f"<{target.uri}>"}
    if fmt == "html":
        return _html(
            "item.html",
            request,
            headers,
            spec=spec,
            feature=feature,
            crs=target,
            title=f"{spec.title}: {feature_id}",
        )
    return _json(feature, GEOJSON_MEDIA_TYPE, headers)


# --------------------------------------------------------------------------- filtering


def _matching_page(
    dataset: Dataset, spec: CollectionSpec, params: Params, page: Page
) -> tuple[np.ndarray, int]:
    """Row positions (in layer order) of one page of the features that pass the property,
    bbox and datetime filters, and how many pass in all."""
    frame = _frame(dataset, spec.id)
    own = {k: v for k, v in params.items() if k in spec.filters}
    bbox_text = _single(params, "bbox")
    bbox_crs = _parse_crs(_single(params, "bbox-crs"), "bbox-crs")
    box = parse_bbox(bbox_text, bbox_crs) if bbox_text is not None else None
    indexed = box is not None and not bbox_crs.projected and box[0] <= box[2]
    datetime_text = _single(params, "datetime")
    if spec.id == "products":
        product_filter = parse_filter(own, dataset.commune_codes, dataset.region_ids)
        if indexed:  # a lon/lat box goes through the product index
            product_filter = dataclasses.replace(product_filter, bbox=box)
        if datetime_text is None and (box is None or indexed):
            return dataset.index.page(product_filter, page.offset, page.limit)
        positions = dataset.index.match(product_filter)
    else:
        positions = _property_match(frame, own)
    if box is not None and not (indexed and spec.id == "products"):
        inside = np.zeros(len(frame), dtype=bool)
        inside[_bbox_match(frame, box, bbox_crs)] = True
        positions = positions[inside[positions]]
    if datetime_text is not None:
        positions = positions[
            _temporal_mask(dataset, spec, parse_datetime(datetime_text))[positions]
        ]
    return positions[page.offset : page.offset + page.limit], len(positions)


def _property_match(frame: gpd.GeoDataFrame, params: Params) -> np.ndarray:
    """Equality filters on an enumerated column; an unknown value is a 400 naming the choices."""
    mask = np.ones(len(frame), dtype=bool)
    for name in params:
        value = _single(params, name)
        if name not in frame:
            raise QueryError(f"{name} is not available for this collection", name)
        column = frame[name].fillna("").astype(str)
        allowed = sorted(v for v in set(column) if v)
        if value not in allowed:
            raise QueryError(
                f"unknown {name} {str(value)[:50]!r}; expected one of: {', '.join(allowed[:20])}",
                name,
            )
        mask &= (column == value).to_numpy()
    return np.flatnonzero(mask)


def _parse_crs(text: str | None, param: str) -> crs_mod.SupportedCrs:
    if text is None:
        return crs_mod.CRS84
    try:
        return crs_mod.parse_crs(text)
    except QueryError as exc:
        raise QueryError(f"{param}: {exc}", param) from None


def _clamped_limit(params: Params) -> Params:
    """A limit above the maximum means the maximum (Part 1, fc-limit-response-1 C)."""
    text = _single(params, "limit")
    if text is not None and WHOLE_NUMBER.fullmatch(text.strip()) and int(text) > MAX_LIMIT:
        return {**params, "limit": [str(MAX_LIMIT)]}
    return params


def parse_bbox(text: str, bbox_crs: crs_mod.SupportedCrs) -> tuple[float, float, float, float]:
    """``bbox`` in the axis order of ``bbox_crs``, returned x first (lon/lat or east/north).

    Four numbers, or six with heights (ignored). In EPSG:4326 the order is
    minLat,minLon,maxLat,maxLon.

    >>> parse_bbox("10,106,10.5,106.5", crs_mod.EPSG_4326)
    (106.0, 10.0, 106.5, 10.5)
    """
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise QueryError("bbox must be 4 numbers (or 6 with heights) separated by commas", "bbox")
    numbers = [_finite(p) for p in parts]
    if len(numbers) == 6:  # heights are ignored: every feature here is 2D
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    x1, y1, x2, y2 = numbers
    if bbox_crs.lat_first:
        x1, y1, x2, y2 = y1, x1, y2, x2
    if y1 > y2:
        raise QueryError("bbox: the lower corner is above the upper corner", "bbox")
    if bbox_crs.projected:
        if x1 > x2:
            raise QueryError("bbox: the lower corner is right of the upper corner", "bbox")
    elif not (-180 <= x1 <= 180 and -180 <= x2 <= 180 and -90 <= y1 <= 90 and -90 <= y2 <= 90):
        raise QueryError("bbox: longitudes must lie in -180..180 and latitudes in -90..90", "bbox")
    return x1, y1, x2, y2


def _finite(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise QueryError(f"bbox: {text.strip()[:50]!r} is not a number", "bbox") from None
    if not np.isfinite(number):
        raise QueryError("bbox: numbers must be finite", "bbox")
    return number


def _bbox_match(
    frame: gpd.GeoDataFrame, box: tuple[float, float, float, float], bbox_crs: crs_mod.SupportedCrs
) -> np.ndarray:
    """Positions of the features that intersect ``box`` (x-first, in ``bbox_crs``)."""
    if len(frame) == 0:
        return np.array([], dtype=int)
    if not bbox_crs.projected:
        x1, y1, x2, y2 = box
        boxes = [box] if x1 <= x2 else [(x1, y1, 180.0, y2), (-180.0, y1, x2, y2)]  # antimeridian
        hits = [frame.sindex.query(shapely.box(*b), predicate="intersects") for b in boxes]
        return np.unique(np.concatenate(hits))
    enclosing = crs_mod.transform_bbox(box, bbox_crs, crs_mod.CRS84)
    candidates = np.unique(frame.sindex.query(shapely.box(*enclosing), predicate="intersects"))
    if len(candidates) == 0:
        return candidates
    projected = crs_mod.to_crs(frame.iloc[candidates], bbox_crs)
    return candidates[projected.intersects(shapely.box(*box)).to_numpy()]


_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[Tt ](?:(\d{2})(?::(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?"
    r"([Zz]|[+-]\d{2}:\d{2})?)?)?$"
)
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
Interval = tuple[datetime | None, datetime | None]


def parse_datetime(text: str) -> Interval:
    """``datetime`` as a half-open UTC interval ``[start, end)``; ``None`` for an open end.

    An instant or interval end written as a date covers that whole day. Besides RFC 3339,
    the shortened forms GDAL sends (``2024-01-01T``, ``2024-01-01T10Z``) are understood.

    >>> start, end = parse_datetime("2024-01-01/..")
    >>> start.isoformat(), end
    ('2024-01-01T00:00:00+00:00', None)
    >>> [v.isoformat() for v in parse_datetime("2024-05-29")]
    ['2024-05-29T00:00:00+00:00', '2024-05-30T00:00:00+00:00']
    """
    ends = text.split("/")
    if len(ends) > 2 or all(e in ("", "..") for e in ends):
        raise QueryError(
            "datetime must be an RFC 3339 date-time or an interval start/end, "
            "e.g. 2024-01-01T00:00:00Z or 2024-01-01T00:00:00Z/..",
            "datetime",
        )
    bounds = [None if e in ("", "..") else _instant_bounds(e) for e in ends]
    start = bounds[0][0] if bounds[0] else None
    end = bounds[-1][1] if bounds[-1] else None
    if start and end and start >= end:
        raise QueryError("datetime: the interval ends before it starts", "datetime")
    return start, end


def _instant_bounds(text: str) -> tuple[datetime, datetime]:
    """The span an instant names: a whole day for a date, one unit of its last field else."""
    match = _DATE_TIME.match(text.strip())
    if not match:
        raise QueryError(f"datetime: {text[:50]!r} is not an RFC 3339 date-time", "datetime")
    day, hour, minute, second, fraction, zone = match.groups()
    try:
        start = datetime.fromisoformat(day).replace(tzinfo=UTC)
        if hour is None:
            return start, start + timedelta(days=1)  # OverflowError on 9999-12-31
        offset = timedelta(0)
        if zone and zone.upper() != "Z":
            sign = 1 if zone[0] == "+" else -1
            offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        start = start.replace(
            hour=int(hour),
            minute=int(minute or 0),
            second=int(second or 0),
            microsecond=int((fraction or ".0")[1:].ljust(6, "0")),
        )
        start -= offset
        if minute is None:
            return start, start + timedelta(hours=1)
        if second is None:
            return start, start + timedelta(minutes=1)
        return start, start + timedelta(microseconds=1)
    except (ValueError, OverflowError):
        raise QueryError(f"datetime: {text[:50]!r} is not a valid date-time", "datetime") from None


def date_interval(value: object) -> tuple[datetime | None, datetime | None]:
    """``2024``, ``2024-05`` or ``2024-05-29`` as the interval it names; (None, None) else.

    >>> [v.day for v in date_interval("2024-02")]
    [1, 1]
    """
    match = _PARTIAL_DATE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        return None, None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        start = datetime(year, month, day or 1, tzinfo=UTC)
    except ValueError:
        return None, None
    if day is not None:
        return start, start + timedelta(days=1)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, following


def _temporal_mask(dataset: Dataset, spec: CollectionSpec, interval: Interval) -> np.ndarray:
    """Which features' temporal extent intersects ``interval`` (none without one)."""
    starts, ends = _temporal_bounds(dataset, spec)
    query_start, query_end = (None if v is None else _as_datetime64(v) for v in interval)
    mask = ~np.isnat(starts)
    if query_end is not None:
        mask &= starts < query_end
    if query_start is not None:
        mask &= ends > query_start
    return mask


def _temporal_bounds(dataset: Dataset, spec: CollectionSpec) -> tuple[np.ndarray, np.ndarray]:
    key = ("temporal", spec.id)
    cache = _cache(dataset)
    if key not in cache:
        frame = _frame(dataset, spec.id)
        values = frame[spec.temporal] if spec.temporal in frame else [None] * len(frame)
        pairs = [date_interval(v) for v in values]
        cache[key] = tuple(
            np.array([_as_datetime64(p[i]) for p in pairs], dtype="datetime64[us]") for i in (0, 1)
        )
    return cache[key]


def _as_datetime64(value: datetime | None) -> np.datetime64:
    """UTC datetime → naive numpy datetime (NaT for None): numpy has no time zones."""
    if value is None:
        return np.datetime64("NaT", "us")
    return np.datetime64(value.astimezone(UTC).replace(tzinfo=None), "us")


def _temporal_extent(dataset: Dataset, spec: CollectionSpec) -> dict[str, Any] | None:
    if spec.temporal is None:
        return None
    starts, ends = _temporal_bounds(dataset, spec)
    known = ~np.isnat(starts)
    if not known.any():
        return None
    first, last = starts[known].min(), ends[known].max()
    return {
        "interval": [[f"{first.astype('datetime64[s]')}Z", f"{last.astype('datetime64[s]')}Z"]],
        "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
    }


# --------------------------------------------------------------------------- features


def _frame(dataset: Dataset, collection_id: str) -> gpd.GeoDataFrame:
    if collection_id == "products":
        return dataset.products
    return dataset.communes if collection_id == "communes" else dataset.regions


def _cache(dataset: Dataset) -> dict:
    """Per-snapshot cache, dropped with the dataset when a new snapshot is loaded."""
    return dataset.__dict__.setdefault("_ogc_cache", {})


def _positions_by_id(dataset: Dataset, spec: CollectionSpec) -> dict[str, int]:
    if spec.id == "products":  # built before the workers fork
        return dataset.product_positions
    key = ("ids", spec.id)
    cache = _cache(dataset)
    if key not in cache:
        ids = _frame(dataset, spec.id)[spec.id_column].astype(str)
        cache[key] = {value: i for i, value in enumerate(ids)}
    return cache[key]


#: Layers up to this size are serialized whole on first use of a CRS; larger ones page by page.
WHOLE_LAYER_ROWS = 5_000


def _features_at(
    dataset: Dataset, spec: CollectionSpec, target: crs_mod.SupportedCrs, positions: np.ndarray
) -> list[bytes]:
    """Serialized features at ``positions``, in ``target``.

    Products in CRS84 are serialized once per snapshot (by the dataset); other CRSs are
    cached whole for small layers, and for large ones only the requested page is projected,
    so the first request in a new CRS costs a page, not the whole layer.
    """
    if spec.id == "products" and target == crs_mod.CRS84:
        strings = dataset.product_features
        return [strings[i] for i in positions]
    key = ("features", spec.id, target.code)
    cache = _cache(dataset)
    frame = _frame(dataset, spec.id)
    if key not in cache and len(frame) > WHOLE_LAYER_ROWS:
        return _serialize(frame.iloc[positions], spec, target)
    if key not in cache:
        cache[key] = _serialize(frame, spec, target)
    return [cache[key][i] for i in positions]


def _serialize(frame: gpd.GeoDataFrame, spec: CollectionSpec, target: crs_mod.SupportedCrs):
    frame = _in_crs(frame, target)
    present = [p for p in spec.properties if p in frame]
    return feature_bytes(frame, present, spec.id_column)


def _in_crs(frame: gpd.GeoDataFrame, target: crs_mod.SupportedCrs) -> gpd.GeoDataFrame:
    """The frame's geometries in ``target``, in that CRS's own axis order."""
    if target.projected or not target.is_wgs84:
        frame = crs_mod.to_crs(frame, target)
    if target.lat_first:
        frame = frame.copy()
        swapped = shapely.transform(np.asarray(frame.geometry.array), lambda xy: xy[:, ::-1])
        frame[frame.geometry.name] = gpd.GeoSeries(swapped, index=frame.index)
    return frame


# --------------------------------------------------------------------------- HTML

_BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — {{ service_title }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}nav a{margin-right:1rem}
code{background:#f6f6f6;padding:0 .2rem}
</style></head><body>
<nav><a href="{{ ogc_root }}">OGC API</a><a href="{{ ogc_root }}/collections">Collections</a>
<a href="{{ ogc_root }}/conformance">Conformance</a><a href="{{ docs_href }}">API docs</a></nav>
<h1>{{ title }}</h1>
{% block content %}{% endblock %}
{% if links %}<h2>Links</h2><ul>{% for link in links %}
<li><a href="{{ link.href }}" rel="{{ link.rel }}">{{ link.title }}</a>
<small>({{ link.rel }}, {{ link.type }})</small></li>{% endfor %}</ul>{% endif %}
</body></html>"""

_PAGES = {
    "base.html": _BASE,
    "landing.html": """{% extends "base.html" %}{% set links = page.links %}
{% block content %}<p>{{ page.description }}</p>{% endblock %}""",
    "conformance.html": """{% extends "base.html" %}{% block content %}<ul>
{% for uri in page.conformsTo %}<li><code>{{ uri }}</code></li>{% endfor %}</ul>{% endblock %}""",
    "collections.html": """{% extends "base.html" %}{% set links = page.links %}
{% block content %}<table><tr><th>id</th><th>title</th><th>description</th><th>items</th></tr>
{% for c in page.collections %}<tr><td><a href="{{ c.links[1].href }}">{{ c.id }}</a></td>
<td>{{ c.title }}</td><td>{{ c.description }}</td>
<td><a href="{{ c.links[3].href }}">items</a></td></tr>{% endfor %}</table>{% endblock %}""",
    "collection.html": """{% extends "base.html" %}{% set links = page.links %}
{% block content %}<p>{{ page.description }}</p><table>
<tr><th>id</th><td>{{ page.id }}</td></tr>
<tr><th>extent (CRS84)</th><td>{{ page.extent.spatial.bbox[0] | join(", ") }}</td></tr>
<tr><th>storageCrs</th><td>{{ page.storageCrs }}</td></tr>
<tr><th>crs</th><td>{% for c in page.crs %}<code>{{ c }}</code><br>{% endfor %}</td></tr>
</table>{% endblock %}""",
    "items.html": """{% extends "base.html" %}{% set links = members.links %}
{% block content %}<p>{{ members.numberReturned }} of {{ members.numberMatched }} features,
from {{ offset + 1 }}; coordinates in <code>{{ crs.uri }}</code>.</p>
<table><tr><th>#</th>{% for p in spec.properties %}<th>{{ p }}</th>{% endfor %}
<th>geometry</th></tr>
{% for feature in features %}<tr><td><a href="{{ item_href(feature.id) }}">{{ feature.id }}</a></td>
{% for p in spec.properties %}<td>{{ feature.properties.get(p) | show }}</td>{% endfor %}
<td>{{ feature.geometry | geometry_summary }}</td></tr>{% endfor %}</table>{% endblock %}""",
    "item.html": """{% extends "base.html" %}{% set links = feature.links %}
{% block content %}<table>{% for name, value in feature.properties.items() %}
<tr><th>{{ name }}</th><td>{{ value | show }}</td></tr>{% endfor %}
<tr><th>geometry</th><td>{{ feature.geometry | geometry_summary }}
<small>(<code>{{ crs.uri }}</code>)</small></td></tr></table>{% endblock %}""",
}


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _geometry_summary(geometry: dict | None) -> str:
    if not geometry:
        return ""
    if geometry["type"] == "Point":
        return f"Point ({', '.join(str(c) for c in geometry['coordinates'])})"
    return geometry["type"]


_TEMPLATES = Environment(loader=DictLoader(_PAGES), autoescape=select_autoescape(default=True))
_TEMPLATES.filters.update(show=_show, geometry_summary=_geometry_summary)
