"""Every parameter of the HTTP API, described once in OpenAPI form.

Routes name their parameters by key of :data:`PARAMETERS`; the enumerations come from the
catalog, the CRS list and the OGC collections, so the description follows the data.
"""

from __future__ import annotations

from typing import Any

from brandmap.catalog.certificates import CERTIFICATE_STATUSES, EXPIRING_WITHIN_DAYS
from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.geo.crs import SUPPORTED_CRS
from brandmap.present.export import EXPORT_FORMATS, EXPORT_LAYERS
from brandmap.query.filters import MAX_LIMIT, MAX_TEXT
from brandmap.service.ogc import COLLECTIONS, DEFAULT_LIMIT

__all__ = ["PARAMETERS"]


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A query parameter; an enumerated one may be sent empty, meaning "not given"."""
    enumerated = "enum" in schema or "enum" in schema.get("items", {})
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **({"allowEmptyValue": True} if enumerated else {}),
        **extra,
    }


def _path(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


_CRS_TEXT = ", ".join(f"{c.uri} ({c.code}, {c.label})" for c in SUPPORTED_CRS)
_PRODUCTS_ONLY = " Products collection only."

#: Every parameter once; routes refer to them by key.
PARAMETERS: dict[str, dict[str, Any]] = {
    # product filters (the custom API, the map page and the OGC products collection)
    "commune": _query(
        "commune",
        "2025 commune code (5 digits); repeatable or comma-separated.",
        {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{5}$"}},
        style="form",
        explode=True,
    ),
    "region": _query(
        "region", "Value-chain region id (see the regions layer).", {"type": "string"}
    ),
    "category": _query(
        "category", "OCOP product group.", {"type": "string", "enum": list(CATEGORIES)}
    ),
    "brand_type": _query(
        "brand_type",
        "Brand type; repeatable (any of them matches).",
        {"type": "array", "items": {"type": "string", "enum": list(BRAND_TYPES)}},
        style="form",
        explode=True,
    ),
    "value_chain": _query(
        "value_chain", "Value chain.", {"type": "string", "enum": list(VALUE_CHAINS)}
    ),
    "min_stars": _query(
        "min_stars", "Minimum OCOP star rating.", {"type": "integer", "minimum": 3, "maximum": 5}
    ),
    "ocop_status": _query(
        "ocop_status",
        "OCOP certificate status today; repeatable (any of them matches). A certificate is "
        "valid 36 months from its decision date: valid, expiring (within "
        f"{EXPIRING_WITHIN_DAYS} days), expired, or unknown (no decision date known).",
        {"type": "array", "items": {"type": "string", "enum": list(CERTIFICATE_STATUSES)}},
        style="form",
        explode=True,
    ),
    "q": _query(
        "q",
        "Text search: every word must match, in any order, in the name (vi or en), "
        "producer, address, commune, region or value chain; accents and case ignored, one "
        "typo forgiven in words of 4+ letters, the last word may be a prefix, Vietnamese and "
        "English product words are equals. Results ranked best first; an empty answer "
        "carries `suggestions`.",
        {"type": "string", "maxLength": MAX_TEXT},
    ),
    "polygon": _query(
        "polygon",
        "An area as lon,lat,lon,lat,… (WGS 84, 3 to 500 corners, closed automatically); "
        "products inside it or on its edge.",
        {"type": "string", "example": "105.90,10.00,106.10,10.00,106.00,10.20"},
    ),
    "near": _query(
        "near",
        "Centre of a radius search, as lat,lon (WGS 84).",
        {"type": "string", "example": "10.25,105.97"},
    ),
    "radius_km": _query(
        "radius_km",
        "Radius around near, in km (default 5, at most 500).",
        {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 500},
    ),
    "api_bbox": _query("bbox", "minLon,minLat,maxLon,maxLat (WGS 84).", {"type": "string"}),
    "api_limit": _query(
        "limit",
        "Page size.",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
    ),
    "api_offset": _query(
        "offset", "Features to skip.", {"type": "integer", "minimum": 0, "default": 0}
    ),
    "detail": _query(
        "detail",
        "full geometry, or lighter display shapes for the web map.",
        {"type": "string", "enum": ["full", "display"], "default": "full"},
    ),
    "address": _query(
        "address",
        "A published address (old names, abbreviations allowed).",
        {"type": "string", "maxLength": 500},
        required=True,
    ),
    "by": _query(
        "by",
        "Grouping of the counts.",
        {"type": "string", "enum": ["commune", "region", "category"], "default": "commune"},
        allowEmptyValue=False,  # an empty grouping is refused, not taken as the default
    ),
    "layer": _query(
        "layer",
        "Layer to export.",
        {"type": "string", "enum": list(EXPORT_LAYERS), "default": "products"},
    ),
    "format": _query(
        "format",
        "File format.",
        {"type": "string", "enum": list(EXPORT_FORMATS), "default": "geojson"},
    ),
    "export_crs": _query(
        "crs",
        "CRS of the file: "
        + ", ".join(c.code for c in SUPPORTED_CRS)
        + " (GeoJSON and KML are always WGS 84).",
        {"type": "string", "default": "EPSG:4326"},
    ),
    "lang": _query(
        "lang", "Page language.", {"type": "string", "enum": ["vi", "en"], "default": "vi"}
    ),
    "product_id": _path("product_id", "Product id (stable slug).", {"type": "string"}),
    "filename": _path("filename", "File path below the folder.", {"type": "string"}),
    "draft_id": _path("draft_id", "Draft id (as answered on upload).", {"type": "integer"}),
    "number": _path("number", "Release number.", {"type": "integer"}),
    # OGC API – Features
    "f": _query(
        "f",
        "Output encoding; without it the Accept header decides (JSON by default).",
        {"type": "string", "enum": ["json", "html"]},
    ),
    "collectionId": _path(
        "collectionId", "Collection id.", {"type": "string", "enum": list(COLLECTIONS)}
    ),
    "featureId": _path(
        "featureId", "Feature id (product id, commune code or region id).", {"type": "string"}
    ),
    "limit": _query(
        "limit",
        f"Page size; values above {MAX_LIMIT} are lowered to {MAX_LIMIT}.",
        {"type": "integer", "minimum": 1, "default": DEFAULT_LIMIT},
        style="form",
        explode=False,
    ),
    "offset": _query(
        "offset",
        "Features to skip (the next/prev links set it).",
        {"type": "integer", "minimum": 0, "default": 0},
    ),
    "bbox": _query(
        "bbox",
        "Features intersecting the box: minx,miny,maxx,maxy (6 numbers with "
        "heights), in the axis order of bbox-crs (CRS84: lon,lat; EPSG:4326: lat,lon).",
        {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        style="form",
        explode=False,
    ),
    "bbox-crs": _query(
        "bbox-crs",
        f"CRS of bbox (default CRS84). Supported: {_CRS_TEXT}.",
        {"type": "string", "format": "uri"},
        style="form",
        explode=False,
    ),
    "crs": _query(
        "crs",
        f"CRS of the returned geometries (default CRS84). Supported: {_CRS_TEXT}. "
        "VN-2000 uses the official EPSG:6960 transformation.",
        {"type": "string", "format": "uri"},
        style="form",
        explode=False,
    ),
    "datetime": _query(
        "datetime",
        "RFC 3339 date-time or interval (start/end, '..' open); a date covers its whole "
        "day. Products match by source_date (the date of the published fact, a day, month "
        "or year); products without it, communes and regions have no time and match no "
        "datetime. A malformed value is a 400.",
        {"type": "string"},
        style="form",
        explode=False,
    ),
    "kind": _query("kind", "Communes collection only: xã or phường.", {"type": "string"}),
    "geometry_quality": _query(
        "geometry_quality", "Communes collection only: official or approximate.", {"type": "string"}
    ),
}
