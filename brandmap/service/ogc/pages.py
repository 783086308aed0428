"""The HTML pages of the OGC API: one template per resource, sharing a page frame.

Every value is autoescaped: feature properties are data from published sources.
"""

from __future__ import annotations

from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape

from brandmap.service.api import ApiResponse
from brandmap.service.ogc.layers import SERVICE_TITLE
from brandmap.service.ogc.negotiation import HTML_MEDIA_TYPE, OgcRequest

__all__ = ["html_response"]

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


def html_response(
    template: str, request: OgcRequest, headers: dict | None = None, **context: Any
) -> ApiResponse:
    """``template`` rendered in the page frame (navigation to the API's other resources)."""
    page = _TEMPLATES.get_template(template).render(
        service_title=SERVICE_TITLE,
        ogc_root=request.base,
        docs_href=f"{request.root}/docs",
        **context,
    )
    return ApiResponse(200, page.encode(), f"{HTML_MEDIA_TYPE}; charset=utf-8", headers or {})
