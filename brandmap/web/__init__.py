"""The Flask service: an app factory and thin adapters over :mod:`brandmap.api`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from brandmap import settings
from brandmap.dataset import Dataset
from brandmap.store import open_store

__all__ = ["create_app"]

log = logging.getLogger("brandmap.web")
MAX_REQUEST_BYTES = 1 * 1024 * 1024


def create_app(store: str | None = None, config: dict[str, Any] | None = None) -> Flask:
    """Load the store once and serve it; ``store`` defaults to the configured store."""
    app = Flask(__name__, static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, JSON_AS_ASCII=False)
    app.config.update(config or {})
    location = store or settings.default_store()
    app.extensions["brandmap.dataset"] = Dataset(open_store(location).read())
    app.extensions["brandmap.store"] = location

    from brandmap.web import api

    app.register_blueprint(api.bp)
    _register_pages(app)
    _register_error_handlers(app)
    return app


def _register_pages(app: Flask) -> None:
    try:
        from brandmap.web import pages
    except ImportError:  # the map page is optional for API-only deployments
        return
    app.register_blueprint(pages.bp)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = jsonify(error=exc.name.lower().replace(" ", "_"), detail=exc.description)
        return response, exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error")
        return jsonify(error="internal_error", detail="the server could not answer this request"), 500
