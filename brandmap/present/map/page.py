"""The whole page: the Folium map with the panel, our stylesheets and script modules in the
head, the API downloads preloaded, and the per-request config put in last."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from branca.element import Element

from brandmap.present.map.assets import (
    ENTRY_MODULE,
    EXTRA_CSS,
    external_asset_urls,
    page_modules,
)
from brandmap.present.map.config import DATA_URLS, PageConfig, config_json
from brandmap.present.map.folium_map import CONFIG_TOKEN, build_map
from brandmap.present.map.messages import load_messages
from brandmap.present.map.panel import render_panel

__all__ = ["render_map_page"]


def render_map_page(config: PageConfig | None = None) -> str:
    """The complete HTML of the map page (a few tens of kB, no data layers inline)."""
    config = (config or PageConfig()).resolved()
    html = _page_template(config.lang, config.tiles_url, config.tiles_attribution, config.api_base)
    return html.replace(CONFIG_TOKEN, config_json(config), 1)


@lru_cache(maxsize=8)
def _page_template(lang: str, tiles_url: str, tiles_attribution: str, api_base: str = "") -> str:
    """The rendered page with a placeholder for the per-request config (Folium is slowish)."""
    config = PageConfig(lang=lang, tiles_url=tiles_url, tiles_attribution=tiles_attribution)
    t = load_messages(lang)
    figure = build_map(config, t).get_root()
    figure.title = t["title"]
    figure.html.add_child(Element(render_panel(lang, t)), index=0)
    html = figure.render()
    html = html.replace("</head>", "    " + "\n    ".join(_own_assets()) + "\n</head>", 1)
    html = html.replace("<head>", "<head>" + _preloads(api_base), 1)
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    html = html.replace("<body>", '<body class="bm-page">', 1)
    leftover = external_asset_urls(html)
    if leftover:
        raise ValueError(f"map page would load assets from outside the service: {leftover}")
    return html


def _own_assets() -> list[str]:
    """Our stylesheets and script modules, after Folium's (they build on Leaflet)."""
    tags = [f'<link rel="stylesheet" href="{href}"/>' for href in EXTRA_CSS]
    tags += [
        f'<link rel="modulepreload" href="{src}">' for src in page_modules() if src != ENTRY_MODULE
    ]
    tags.append(f'<script type="module" src="{ENTRY_MODULE}"></script>')
    return tags


def _preloads(api_base: str) -> str:
    """The API downloads the script starts with, begun while the scripts still load."""
    return "".join(
        f'\n    <link rel="preload" href="{escape(api_base + path)}" as="fetch"'
        ' crossorigin="anonymous">'
        for _, path in DATA_URLS
    )
