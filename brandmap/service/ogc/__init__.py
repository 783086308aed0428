"""OGC API – Features over the products, communes and regions layers, without a web framework.

Every resource is a function ``(dataset, OgcRequest, ...) → ApiResponse`` (pygeoapi's
shape), so each rule of the standard is testable without a server;
``brandmap.service.web.ogc`` only adapts Flask requests to :class:`OgcRequest`.

The package owns the OGC resources and answers one question per module: ``layers`` (which
collections are published), ``negotiation`` (parameters, format, links), ``metadata``
(landing, conformance, collections, schemas), ``features`` (items and single items),
``spatial`` (bbox and CRS), ``temporal`` (``datetime``) and ``pages`` (the HTML). It may
import the layers below the service and :mod:`brandmap.service.api`, never Flask.
"""

from brandmap.service.ogc.features import DEFAULT_LIMIT, ITEMS_PARAMS, item, items
from brandmap.service.ogc.layers import COLLECTIONS
from brandmap.service.ogc.metadata import collection, collections, conformance, landing, schema
from brandmap.service.ogc.negotiation import OPENAPI_MEDIA_TYPE, OgcRequest
from brandmap.service.ogc.spatial import parse_bbox
from brandmap.service.ogc.temporal import date_interval, parse_datetime

__all__ = [
    "COLLECTIONS",
    "DEFAULT_LIMIT",
    "ITEMS_PARAMS",
    "OPENAPI_MEDIA_TYPE",
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
