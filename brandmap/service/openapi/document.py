"""The OpenAPI 3.0 document, built from the route and parameter tables.

Built once per process; each answer gets its own copy with the service's root URL.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from brandmap.present.export import MEDIA_TYPES
from brandmap.present.geojson import GEOJSON_MEDIA_TYPE
from brandmap.service.openapi.parameters import PARAMETERS
from brandmap.service.openapi.routes import ROUTES, Route

__all__ = ["API_VERSION", "OPENAPI_VERSION", "RESPONSES", "openapi_document"]

OPENAPI_VERSION = "3.0.3"
API_VERSION = "1.0.0"

#: What each kind of answer is, by the key routes name in :attr:`Route.responses`.
_EXCEPTION = {"application/json": "Exception"}
RESPONSES: dict[str, tuple[str, dict[str, str]]] = {
    "json": ("JSON document", {"application/json": "Object"}),
    "geojson": (
        "GeoJSON FeatureCollection (RFC 7946)",
        {"application/geo+json": "FeatureCollection"},
    ),
    "feature": ("GeoJSON Feature", {"application/geo+json": "Feature"}),
    "html": ("HTML page", {"text/html": "Html"}),
    "file": ("File", {"application/octet-stream": "Binary"}),
    "export": (
        "A file download (Content-Disposition names it)",
        {
            m.split(";")[0]: "FeatureCollection" if m == GEOJSON_MEDIA_TYPE else "Binary"
            for m in MEDIA_TYPES.values()
        },
    ),
    "openapi": (
        "This OpenAPI document",
        {"application/vnd.oai.openapi+json;version=3.0": "Object"},
    ),
    "ogc_landing": ("Landing page", {"application/json": "LandingPage", "text/html": "Html"}),
    "ogc_conformance": (
        "Conformance classes",
        {"application/json": "ConfClasses", "text/html": "Html"},
    ),
    "ogc_collections": ("Collections", {"application/json": "Collections", "text/html": "Html"}),
    "ogc_collection": (
        "Collection metadata",
        {"application/json": "Collection", "text/html": "Html"},
    ),
    "ogc_schema": ("JSON Schema", {"application/schema+json": "Object"}),
    "ogc_items": (
        "Features (header Content-Crs names their CRS)",
        {"application/geo+json": "FeatureCollection", "text/html": "Html"},
    ),
    "ogc_item": (
        "One feature (header Content-Crs names its CRS)",
        {"application/geo+json": "Feature", "text/html": "Html"},
    ),
    "error": (
        "Bad request: malformed, out-of-range or unknown parameter",
        {"application/json": "Exception"},
    ),
    "not_found": ("Not found", {"application/json": "Exception"}),
    "qr_svg": ("QR code", {"image/svg+xml": "Binary"}),
    "qr_png": ("QR code", {"image/png": "Binary"}),
    "sitemap": ("Sitemap (sitemaps.org)", {"application/xml": "Text"}),
    "text": ("Plain text", {"text/plain": "Text"}),
    "page_not_found": ("Not found: a page saying so, in its language", {"text/html": "Html"}),
    "unauthorized": ("No or bad credential (Authorization: Bearer TOKEN)", _EXCEPTION),
    "forbidden": ("The credential's role does not allow this", _EXCEPTION),
    "conflict": ("Conflicts with the catalog as published (ids named)", _EXCEPTION),
    "too_large": ("The request body is too large", _EXCEPTION),
    "unsupported": ("Not a CSV, XLSX or GeoJSON product file", _EXCEPTION),
}


_SCHEMAS: dict[str, Any] = {
    "Object": {"type": "object"},
    "Html": {"type": "string"},
    "Text": {"type": "string"},
    "Binary": {"type": "string", "format": "binary"},
    "Link": {
        "type": "object",
        "required": ["href"],
        "properties": {k: {"type": "string"} for k in ("href", "rel", "type", "title")},
    },
    "Exception": {
        "type": "object",
        "required": ["error", "detail"],
        "properties": {k: {"type": "string"} for k in ("error", "detail", "param")},
    },
    "Feature": {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
        },
    },
    "FeatureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"$ref": "#/components/schemas/Feature"}},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "suggestions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Close searches that find products, when q found none.",
            },
        },
    },
    "LandingPage": {
        "type": "object",
        "required": ["links"],
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
        },
    },
    "ConfClasses": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "Collection": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "itemType": {"type": "string"},
            "extent": {"type": "object"},
            "crs": {"type": "array", "items": {"type": "string"}},
            "storageCrs": {"type": "string"},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
        },
    },
    "Collections": {
        "type": "object",
        "required": ["links", "collections"],
        "properties": {
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "collections": {"type": "array", "items": {"$ref": "#/components/schemas/Collection"}},
            "crs": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _operation(route: Route) -> dict[str, Any]:
    responses = {}
    for status, key in route.responses:
        description, media = RESPONSES[key]
        responses[status] = {
            "description": description,
            "content": {
                m: {"schema": {"$ref": f"#/components/schemas/{s}"}} for m, s in media.items()
            },
        }
    operation: dict[str, Any] = {
        "tags": [route.tag],
        "summary": route.summary,
        "operationId": route.operation_id,
        "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in route.parameters],
        "responses": responses,
    }
    if route.description:
        operation["description"] = route.description
    return operation


@lru_cache(maxsize=1)
def _document_template() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = _operation(route)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "brandmap — Vĩnh Long brand map",
            "version": API_VERSION,
            "description": "OCOP products and local brands of Vĩnh Long province on the "
            "2025 communes: a JSON API, OGC API – Features (Part 1 and "
            "Part 2 CRS) and the interactive map.",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": t} for t in dict.fromkeys(r.tag for r in ROUTES)],
        "paths": paths,
        "components": {"parameters": PARAMETERS, "schemas": _SCHEMAS},
    }


def openapi_document(server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI document; ``server_url`` (the service root) makes it absolute."""
    document = copy.deepcopy(_document_template())
    if server_url:
        document["servers"] = [{"url": server_url.rstrip("/") or "/"}]
    return document
