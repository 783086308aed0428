"""The HTTP service: API functions, OGC API – Features, the OpenAPI description, and the
Flask adapters that expose them.

:mod:`~brandmap.service.api`, :mod:`~brandmap.service.ogc` and
:mod:`~brandmap.service.openapi` are plain functions returning ``ApiResponse`` — no Flask —
so every rule is testable without a server. Only :mod:`brandmap.service.web` and
:mod:`brandmap.service.serve` know Flask and gunicorn. May import every layer below it.
"""
