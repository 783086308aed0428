"""The OpenAPI document and /docs: valid, complete (every served rule), generated from ROUTES."""

from __future__ import annotations

import re

import pytest
from builders import tiny_snapshot
from openapi_spec_validator import validate

from brandmap.service import ogc, openapi
from brandmap.service.web import create_app
from brandmap.store import GeoPackageStore

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    snapshot = tiny_snapshot()
    store = GeoPackageStore(tmp_path_factory.mktemp("openapi") / "s.gpkg")
    store.write(snapshot)
    return create_app(store.location)


@pytest.fixture(scope="module")
def document(app):
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.content_type == ogc.OPENAPI_MEDIA_TYPE
    return response.get_json()


def _served(app) -> set[tuple[str, str]]:
    return {
        (openapi.openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


def test_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.0")
    assert document["servers"] == [{"url": "http://localhost"}]


def test_every_served_rule_is_described(app, document):
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    missing = _served(app) - described
    assert not missing, f"routes missing from brandmap.service.openapi.ROUTES: {sorted(missing)}"


def test_every_described_route_is_served(app, document):
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    extra = described - _served(app)
    assert not extra, f"ROUTES describes routes the service does not have: {sorted(extra)}"


def test_route_endpoints_match_the_flask_endpoints(app):
    rules = app.url_map.iter_rules()
    endpoints = {openapi.openapi_path(rule.rule): rule.endpoint for rule in rules}
    for route in openapi.ROUTES:
        assert endpoints[route.path] == route.endpoint


def test_path_parameters_are_declared(document):
    parameters = document["components"]["parameters"]
    for path, item in document["paths"].items():
        in_path = set(re.findall(r"\{(\w+)\}", path))
        for operation in item.values():
            declared = {
                parameters[ref["$ref"].rsplit("/", 1)[1]]["name"] for ref in operation["parameters"]
            }
            path_params = {
                parameters[ref["$ref"].rsplit("/", 1)[1]]["name"]
                for ref in operation["parameters"]
                if parameters[ref["$ref"].rsplit("/", 1)[1]]["in"] == "path"
            }
            assert path_params == in_path, path
            assert len(declared) == len(operation["parameters"]), f"duplicate name in {path}"


def test_ogc_items_parameters_cover_what_the_server_accepts(document):
    parameters = document["components"]["parameters"]
    operation = document["paths"]["/ogc/collections/{collectionId}/items"]["get"]
    names = {parameters[ref["$ref"].rsplit("/", 1)[1]]["name"] for ref in operation["parameters"]}
    accepted = set(ogc.ITEMS_PARAMS)
    for spec in ogc.COLLECTIONS.values():
        accepted |= set(spec.filters)
    assert accepted | {"collectionId"} == names


def test_docs_page_lists_every_route_escaped_and_self_contained(app):
    response = app.test_client().get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for route in openapi.ROUTES:
        assert route.path in page and route.summary.replace("'", "&#39;") in page
    assert "<script" not in page and "http://cdn" not in page and "https://cdn" not in page
    assert 'href="http://localhost/openapi.json"' in page


def test_rule_conversions_round_trip():
    for route in openapi.ROUTES:
        assert openapi.openapi_path(openapi.flask_rule(route.path)) == route.path
