"""The OpenAPI 3.0 description of every HTTP route, and the human docs page, from one table.

:data:`ROUTES` names each route once (path, method, Flask endpoint, summary, parameters,
responses). ``/openapi.json`` and ``/docs`` are rendered from it, the OGC API blueprint
registers its URL rules from it, and a test fails when the application serves a rule the
table does not describe — so the description cannot drift from the service.

The package owns that description: ``parameters`` (every parameter once), ``routes`` (the
route table and its Flask rules), ``document`` (the OpenAPI document) and ``docs`` (the
page). It may import the layers below the service and :mod:`brandmap.service.ogc`, never
Flask.
"""

from brandmap.service.openapi.docs import docs_html
from brandmap.service.openapi.document import openapi_document
from brandmap.service.openapi.routes import ROUTES, flask_rule, openapi_path, routes_for

__all__ = ["ROUTES", "docs_html", "flask_rule", "openapi_document", "openapi_path", "routes_for"]
