"""The table of every route the service answers, and the translation of its paths to Flask.

:data:`ROUTES` names each route once (path, method, Flask endpoint, summary, parameters,
responses); the OGC API blueprint registers its URL rules from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from brandmap.query.filters import FILTER_PARAMS

__all__ = ["ROUTES", "Route", "flask_rule", "openapi_path", "routes_for"]


@dataclass(frozen=True)
class Route:
    """One operation: ``path`` in OpenAPI form (``/api/products/{product_id}``).

    ``endpoint`` is the Flask endpoint (``blueprint.function``); ``parameters`` are keys of
    :data:`~brandmap.service.openapi.parameters.PARAMETERS`; ``responses`` maps a status code
    to a key of :data:`~brandmap.service.openapi.document.RESPONSES`.
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


# The product filters of brandmap.query.filters, by their key in PARAMETERS (bbox is "api_bbox":
# its text differs from the OGC bbox).
_PRODUCT_FILTERS = tuple("api_bbox" if name == "bbox" else name for name in FILTER_PARAMS)
# OGC items take the product filters (bbox is OGC's own) and the communes' properties.
_OGC_FILTERS = (*(n for n in FILTER_PARAMS if n != "bbox"), "kind", "geometry_quality")

_BAD = ("400", "error")
_MISSING = ("404", "not_found")
# Every staff route: a credential is needed, and a role.
_STAFF = (("401", "unauthorized"), ("403", "forbidden"))
_STAFF_DESCRIPTION = "Authorization: Bearer TOKEN (an API token of `brandmap tokens create`)."

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
    Route(
        "/p/{product_id}",
        "product_pages.product",
        "A product's own page, to share and print",
        "Pages",
        ("product_id", "lang"),
        (("200", "html"), ("404", "page_not_found")),
        description="Open Graph and Twitter card tags, schema.org Product JSON-LD, hreflang "
        "alternates and a canonical URL from BRANDMAP_PUBLIC_URL.",
    ),
    Route(
        "/p/{product_id}.json",
        "product_files.product_json",
        "A product's page as its GeoJSON Feature",
        "Pages",
        ("product_id",),
        (("200", "feature"), _BAD, _MISSING),
    ),
    Route(
        "/p/{product_id}/qr.svg",
        "product_files.qr_svg",
        "QR code of a product page (SVG)",
        "Pages",
        ("product_id", "lang"),
        (("200", "qr_svg"), _BAD, _MISSING),
        description="Encodes the page's public URL (BRANDMAP_PUBLIC_URL, else the request's).",
    ),
    Route(
        "/p/{product_id}/qr.png",
        "product_files.qr_png",
        "QR code of a product page (PNG)",
        "Pages",
        ("product_id", "lang"),
        (("200", "qr_png"), _BAD, _MISSING),
        description="Encodes the page's public URL (BRANDMAP_PUBLIC_URL, else the request's).",
    ),
    Route(
        "/sitemap.xml",
        "product_pages.sitemap",
        "Every public page, in both languages (a sitemap for search engines)",
        "Pages",
        (),
        (("200", "sitemap"),),
    ),
    Route(
        "/robots.txt",
        "product_pages.robots",
        "What crawlers may visit, and where the sitemap is",
        "Pages",
        (),
        (("200", "text"),),
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
        "/api/drafts",
        "staff.new_draft",
        "Upload a product file as a draft: its problems and what it would change",
        "Staff",
        (),
        (("201", "json"), _BAD, *_STAFF, ("413", "too_large"), ("415", "unsupported")),
        method="post",
        description="Role editor. multipart/form-data: `file` (CSV, XLSX or GeoJSON in the "
        "exchange format) and `mode` (`merge` by id, the default, or `replace`). "
        + _STAFF_DESCRIPTION,
    ),
    Route(
        "/api/drafts/{draft_id}",
        "staff.draft",
        "A draft's report",
        "Staff",
        ("draft_id",),
        (("200", "json"), *_STAFF, _MISSING),
        description="Role editor. " + _STAFF_DESCRIPTION,
    ),
    Route(
        "/api/drafts/{draft_id}/publish",
        "staff.publish",
        "Publish a draft as the next release",
        "Staff",
        ("draft_id",),
        (("200", "json"), *_STAFF, _MISSING, ("409", "conflict")),
        method="post",
        description="Role publisher. 409 when the draft has problems or touches products "
        "changed since its release. " + _STAFF_DESCRIPTION,
    ),
    Route(
        "/api/releases",
        "staff.releases",
        "Every published release, newest first",
        "Staff",
        (),
        (("200", "json"), *_STAFF),
        description="Role editor. " + _STAFF_DESCRIPTION,
    ),
    Route(
        "/api/releases/{number}/restore",
        "staff.restore",
        "Publish an earlier release's catalog again, as a new release",
        "Staff",
        ("number",),
        (("200", "json"), *_STAFF, _MISSING),
        method="post",
        description="Role publisher. " + _STAFF_DESCRIPTION,
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
