"""The templates of the server-made pages and what makes data safe inside them.

Autoescaping is on for every template, so product text is text in HTML and attributes;
JSON inside ``<script>`` goes through :func:`script_json`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from brandmap import resources
from brandmap.present.map.config import script_safe_json

__all__ = ["render", "script_json"]


def script_json(data: Any) -> Markup:
    r"""``data`` as JSON that cannot end the ``<script>`` element it is written into.

    >>> text = str(script_json({"name": "</script><b>"}))
    >>> "</" in text, '"\\u003c/script\\u003e' in text
    (False, True)
    """
    return Markup(script_safe_json(data))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(resources.templates_dir()),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["script_json"] = script_json
    return environment


def render(template: str, **context: Any) -> str:
    """A page from one of ``web/templates``."""
    return _environment().get_template(template).render(**context)
