"""The human ``/docs`` page: every route with its parameters and responses, from the
OpenAPI document so that the page and the machine-readable description say the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, select_autoescape

from brandmap.service.openapi.document import openapi_document

__all__ = ["docs_html"]

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
