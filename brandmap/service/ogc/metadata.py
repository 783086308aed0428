"""What the service offers: the landing page, conformance, collections and feature schemas.

Conformance: Part 1 Core, GeoJSON, HTML and OpenAPI 3.0; Part 2 "CRS by reference".
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from brandmap.catalog.certificates import CERTIFICATE_STATUSES
from brandmap.catalog.schema import PROVINCE_BBOX
from brandmap.errors import QueryError
from brandmap.geo import crs as crs_mod
from brandmap.present.dataset import Dataset
from brandmap.present.geojson import GEOJSON_MEDIA_TYPE
from brandmap.service.api import ApiResponse
from brandmap.service.ogc.layers import (
    COLLECTIONS,
    SERVICE_DESCRIPTION,
    SERVICE_TITLE,
    CollectionSpec,
    frame_of,
    unknown_collection,
)
from brandmap.service.ogc.negotiation import (
    HTML_MEDIA_TYPE,
    JSON_MEDIA_TYPE,
    OPENAPI_MEDIA_TYPE,
    SCHEMA_MEDIA_TYPE,
    OgcRequest,
    check_params,
    json_response,
    link,
    output_format,
    self_links,
    single,
)
from brandmap.service.ogc.pages import html_response
from brandmap.service.ogc.temporal import temporal_extent

__all__ = [
    "CONFORMANCE_CLASSES",
    "PROPERTY_SCHEMAS",
    "collection",
    "collections",
    "conformance",
    "landing",
    "schema",
]

_F1 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf"
CONFORMANCE_CLASSES = (
    f"{_F1}/core",
    f"{_F1}/geojson",
    f"{_F1}/html",
    f"{_F1}/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)

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
    "ocop_decision_date": {
        "type": "string",
        "format": "date",
        "description": "ISO date of the decision recognising the OCOP rating",
    },
    "ocop_valid_until": {
        "type": "string",
        "format": "date",
        "description": "last day the OCOP certificate is valid (36 months from the decision)",
    },
    "ocop_status": {
        "type": "string",
        "enum": list(CERTIFICATE_STATUSES),
        "description": "OCOP certificate status today; also a filter (repeatable)",
    },
    "source_url": {"type": "string", "format": "uri"},
    "website": {"type": "string", "format": "uri"},
}


def landing(request: OgcRequest) -> ApiResponse:
    """The landing page: where the API definition, conformance and collections are."""
    check_params(request.params, ("f",))
    fmt = output_format(request)
    links = [
        *self_links(request.base, request.params, fmt),
        link(
            f"{request.root}/openapi.json",
            "service-desc",
            OPENAPI_MEDIA_TYPE,
            "The API definition (OpenAPI 3.0)",
        ),
        link(f"{request.root}/docs", "service-doc", HTML_MEDIA_TYPE, "The API documentation"),
        link(
            f"{request.base}/conformance",
            "conformance",
            JSON_MEDIA_TYPE,
            "Conformance classes implemented by this server",
        ),
        link(f"{request.base}/collections", "data", JSON_MEDIA_TYPE, "The feature collections"),
    ]
    payload = {"title": SERVICE_TITLE, "description": SERVICE_DESCRIPTION, "links": links}
    if fmt == "html":
        return html_response("landing.html", request, page=payload, title=SERVICE_TITLE)
    return json_response(payload)


def conformance(request: OgcRequest) -> ApiResponse:
    check_params(request.params, ("f",))
    fmt = output_format(request)
    payload = {"conformsTo": list(CONFORMANCE_CLASSES)}
    if fmt == "html":
        return html_response(
            "conformance.html",
            request,
            page=payload,
            title="Conformance",
            links=self_links(f"{request.base}/conformance", request.params, fmt),
        )
    return json_response(payload)


def collections(dataset: Dataset, request: OgcRequest) -> ApiResponse:
    check_params(request.params, ("f",))
    fmt = output_format(request)
    payload = {
        "links": self_links(f"{request.base}/collections", request.params, fmt),
        "collections": [_collection_dict(dataset, spec, request) for spec in COLLECTIONS.values()],
        "crs": [c.uri for c in crs_mod.SUPPORTED_CRS],
    }
    if fmt == "html":
        return html_response("collections.html", request, page=payload, title="Collections")
    return json_response(payload)


def collection(dataset: Dataset, collection_id: str, request: OgcRequest) -> ApiResponse:
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return unknown_collection(collection_id)
    check_params(request.params, ("f",))
    fmt = output_format(request)
    payload = _collection_dict(dataset, spec, request)
    url = f"{request.base}/collections/{spec.id}"
    payload["links"] = self_links(url, request.params, fmt) + payload["links"][2:]
    if fmt == "html":
        return html_response("collection.html", request, page=payload, title=spec.title)
    return json_response(payload)


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
            link(f"{url}?f=json", "self", JSON_MEDIA_TYPE, spec.title),
            link(f"{url}?f=html", "alternate", HTML_MEDIA_TYPE, spec.title),
            # No query string: clients (GDAL) append "/{featureId}" or parameters to it.
            link(f"{url}/items", "items", GEOJSON_MEDIA_TYPE, f"{spec.title} (GeoJSON)"),
            link(f"{url}/items?f=html", "items", HTML_MEDIA_TYPE, f"{spec.title} (HTML)"),
            link(f"{url}/schema", "describedby", SCHEMA_MEDIA_TYPE, "Schema of the features"),
        ],
    }


def schema(collection_id: str, request: OgcRequest) -> ApiResponse:
    """The features' JSON Schema (a GeoJSON Feature with typed properties; null = unknown).

    Clients such as GDAL type their fields from it instead of guessing from the first page.
    """
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return unknown_collection(collection_id)
    check_params(request.params, ("f",))
    if single(request.params, "f") not in (None, "json"):
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
    return json_response(document, SCHEMA_MEDIA_TYPE)


def _extents(dataset: Dataset, spec: CollectionSpec) -> dict[str, Any]:
    extent: dict[str, Any] = {
        "spatial": {"bbox": [_extent(frame_of(dataset, spec.id))], "crs": crs_mod.CRS84.uri}
    }
    temporal = temporal_extent(dataset, spec)
    if temporal:
        extent["temporal"] = temporal
    return extent


def _extent(frame: gpd.GeoDataFrame) -> list[float]:
    if len(frame) == 0 or frame.geometry.is_empty.all():
        return list(PROVINCE_BBOX)
    return [round(float(v), 6) for v in frame.total_bounds]
