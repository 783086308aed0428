"""The OpenAPI 3.0 description of every HTTP route, and the human docs page, from one table.

:data:`ROUTES` names each route once (path, method, Flask endpoint, summary, parameters,
responses). ``/openapi.json`` and ``/docs`` are rendered from it, the OGC API blueprint
registers its URL rules from it, and a test fails when the application serves a rule the
table does not describe — so the description cannot drift from the service.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, select_autoescape

from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.geo.crs import SUPPORTED_CRS
from brandmap.present.export import EXPORT_FORMATS, EXPORT_LAYERS, MEDIA_TYPES
from brandmap.present.geojson import GEOJSON_MEDIA_TYPE
from brandmap.query.filters import FILTER_PARAMS, MAX_LIMIT, MAX_TEXT
from brandmap.service.ogc import COLLECTIONS, DEFAULT_LIMIT

__all__ = [
    "PARAMETERS",
    "ROUTES",
    "Route",
    "docs_html",
    "flask_rule",
    "openapi_document",
    "openapi_path",
    "routes_for",
]

OPENAPI_VERSION = "3.0.3"
API_VERSION = "1.0.0"


@dataclass(frozen=True)
class Route:
    """One operation: ``path`` in OpenAPI form (``/api/products/{product_id}``).

    ``endpoint`` is the Flask endpoint (``blueprint.function``); ``parameters`` are keys of
    :data:`PARAMETERS`; ``responses`` maps a status code to a key of :data:`_RESPONSES`.
    """

    path: str
    endpoint: str
    summary: str
    tag: str
    parameters: tuple[str, ...] = ()
    responses: tuple[tuple[str, str], ...] = (("200", "json"),)
    method: str = "get"
    description: str = ""

    @property
    def blueprint(self) -> str:
        return self.endpoint.partition(".")[0]

    @property
    def operation_id(self) -> str:
        return self.endpoint.replace(".", "_")


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
    "q": _query(
        "q",
        "Text search in names, producer and address; accents and case ignored.",
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

# The product filters of brandmap.query.filters, by their key in PARAMETERS (bbox is "api_bbox":
# its text differs from the OGC bbox).
_PRODUCT_FILTERS = tuple("api_bbox" if name == "bbox" else name for name in FILTER_PARAMS)
# OGC items take the product filters (bbox is OGC's own) and the communes' properties.
_OGC_FILTERS = (*(n for n in FILTER_PARAMS if n != "bbox"), "kind", "geometry_quality")

_RESPONSES: dict[str, tuple[str, dict[str, str]]] = {
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
}
_BAD = ("400", "error")
_MISSING = ("404", "not_found")

#: Every route the service answers.
ROUTES: tuple[Route, ...] = (
    Route(
        "/",
        "pages.index",
        "The interactive map page",
        "Map",
        ("lang", *_PRODUCT_FILTERS),
        (("200", "html"),),
    ),
    Route(
        "/static/{filename}",
        "pages.static",
        "Script and stylesheet of the map page",
        "Map",
        ("filename",),
        (("200", "file"), _MISSING),
    ),
    Route(
        "/static/vendor/{filename}",
        "pages.vendor",
        "Map libraries (from npm)",
        "Map",
        ("filename",),
        (("200", "file"), _MISSING),
    ),
    Route("/healthz", "api.healthz", "Service health and store facts", "Service"),
    Route(
        "/api/communes",
        "api.communes",
        "The 2025 communes with product counts",
        "Data",
        ("detail",),
        (("200", "geojson"), _BAD),
    ),
    Route(
        "/api/regions",
        "api.regions",
        "Value-chain regions with product counts",
        "Data",
        ("detail",),
        (("200", "geojson"), _BAD),
    ),
    Route(
        "/api/products",
        "api.products",
        "Products, filtered and paged",
        "Data",
        (*_PRODUCT_FILTERS, "api_limit", "api_offset"),
        (("200", "geojson"), _BAD),
    ),
    Route(
        "/api/products/{product_id}",
        "api.product",
        "One product",
        "Data",
        ("product_id",),
        (("200", "feature"), _MISSING),
    ),
    Route(
        "/api/resolve",
        "api.resolve",
        "Resolve a published address to a 2025 commune",
        "Data",
        ("address",),
        (("200", "json"), _BAD),
    ),
    Route(
        "/api/stats",
        "api.stats",
        "Product counts by commune, region or category",
        "Data",
        ("by", *_PRODUCT_FILTERS),
        (("200", "json"), _BAD),
    ),
    Route(
        "/api/export",
        "api.export",
        "A layer as a file for GIS software",
        "Data",
        ("layer", "format", "export_crs", *_PRODUCT_FILTERS),
        (("200", "export"), _BAD),
    ),
    Route(
        "/openapi.json",
        "ogc.openapi",
        "This API description (OpenAPI 3.0)",
        "Service",
        (),
        (("200", "openapi"),),
    ),
    Route(
        "/docs", "ogc.docs", "The API documentation as a page", "Service", (), (("200", "html"),)
    ),
    Route(
        "/ogc",
        "ogc.landing",
        "OGC API – Features landing page",
        "OGC API – Features",
        ("f",),
        (("200", "ogc_landing"), _BAD),
    ),
    Route(
        "/ogc/conformance",
        "ogc.conformance",
        "Conformance classes",
        "OGC API – Features",
        ("f",),
        (("200", "ogc_conformance"), _BAD),
    ),
    Route(
        "/ogc/collections",
        "ogc.collections",
        "The feature collections",
        "OGC API – Features",
        ("f",),
        (("200", "ogc_collections"), _BAD),
    ),
    Route(
        "/ogc/collections/{collectionId}",
        "ogc.collection",
        "One collection's metadata",
        "OGC API – Features",
        ("collectionId", "f"),
        (("200", "ogc_collection"), _BAD, _MISSING),
    ),
    Route(
        "/ogc/collections/{collectionId}/schema",
        "ogc.schema",
        "JSON Schema of a collection's features (rel describedby)",
        "OGC API – Features",
        ("collectionId", "f"),
        (("200", "ogc_schema"), _BAD, _MISSING),
    ),
    Route(
        "/ogc/collections/{collectionId}/items",
        "ogc.items",
        "A collection's features",
        "OGC API – Features",
        (
            "collectionId",
            "f",
            "limit",
            "offset",
            "bbox",
            "bbox-crs",
            "crs",
            "datetime",
            *_OGC_FILTERS,
        ),
        (("200", "ogc_items"), _BAD, _MISSING),
        description="Paged with limit/offset and next/prev links. Property filters apply to "
        "the collection named in their description; others refuse them.",
    ),
    Route(
        "/ogc/collections/{collectionId}/items/{featureId}",
        "ogc.item",
        "One feature",
        "OGC API – Features",
        ("collectionId", "featureId", "f", "crs"),
        (("200", "ogc_item"), _BAD, _MISSING),
    ),
)


def routes_for(blueprint: str) -> tuple[Route, ...]:
    return tuple(r for r in ROUTES if r.blueprint == blueprint)


def flask_rule(path: str) -> str:
    """The Flask URL rule of an OpenAPI path.

    >>> flask_rule("/ogc/collections/{collectionId}/items")
    '/ogc/collections/<collectionId>/items'
    """
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def openapi_path(rule: str) -> str:
    """The OpenAPI path of a Flask URL rule (converters dropped).

    >>> openapi_path("/static/vendor/<path:filename>")
    '/static/vendor/{filename}'
    """
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule)


_SCHEMAS: dict[str, Any] = {
    "Object": {"type": "object"},
    "Html": {"type": "string"},
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
        description, media = _RESPONSES[key]
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


_DOCS = Environment(autoescape=select_autoescape(default=True)).from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ doc.info.title }} — API</title><style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:.3rem 0 1.2rem}td,th{border:1px solid #ccc;
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
code{background:#f6f6f6;padding:0 .2rem}h3{margin-bottom:.2rem}
</style></head><body><h1>{{ doc.info.title }}</h1><p>{{ doc.info.description }}</p>
<p>Machine-readable: <a href="{{ root }}/openapi.json">openapi.json</a> (OpenAPI
{{ doc.openapi }}) · <a href="{{ root }}/ogc">OGC API – Features</a></p>
{% for tag in doc.tags %}<h2>{{ tag.name }}</h2>
{% for path, item in doc.paths.items() %}{% for method, op in item.items() %}
{% if tag.name in op.tags %}<h3 id="{{ op.operationId }}"><code>{{ method | upper }}
{{ path }}</code></h3><p>{{ op.summary }}{% if op.description %}.
{{ op.description }}{% endif %}</p>
{% if op.parameters %}<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th>
</tr>{% for ref in op.parameters %}{% set p = param(ref) %}<tr><td><code>{{ p.name }}</code>
{% if p.required %}*{% endif %}</td><td>{{ p["in"] }}</td><td>{{ schema_text(p.schema) }}</td>
<td>{{ p.description }}</td></tr>{% endfor %}</table>{% endif %}
<p>Responses: {% for status, r in op.responses.items() %}<code>{{ status }}</code>
{{ r.description }} ({{ r.content | join(", ") }}){% if not loop.last %}; {% endif %}
{% endfor %}</p>{% endif %}{% endfor %}{% endfor %}{% endfor %}</body></html>"""
)


def _schema_text(schema: Mapping[str, Any]) -> str:
    if schema.get("type") == "array":
        return f"list of {_schema_text(schema['items'])}"
    text = str(schema.get("type", ""))
    if "enum" in schema:
        text += ": " + " | ".join(str(v) for v in schema["enum"])
    if "minimum" in schema or "maximum" in schema:
        text += f" ({schema.get('minimum', '')}…{schema.get('maximum', '')})"
    return text


def docs_html(root: str = "") -> str:
    """The human documentation page: every route with its parameters and responses."""
    document = openapi_document()
    parameters = document["components"]["parameters"]

    def param(ref: Mapping[str, str]) -> dict[str, Any]:
        return parameters[ref["$ref"].rsplit("/", 1)[1]]

    return _DOCS.render(doc=document, root=root.rstrip("/"), param=param, schema_text=_schema_text)
