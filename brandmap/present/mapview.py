"""The interactive map page: a Folium-built Leaflet map that carries no data.

Folium builds the map, its controls and plugins (layer control, marker clusters, draw,
locate, full screen); the data layers are loaded by ``web/static/brandmap.js`` from the
JSON API, so the page stays small whatever the size of the catalog. Every script and
stylesheet Folium would take from a public CDN is served by the app itself from the npm
packages in ``web/node_modules`` under ``/static/vendor/``: the page works offline and the
basemap tiles are its only outside request.

Labels come from one table, ``web/i18n/messages.json`` (Vietnamese by default, English).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import Draw, Fullscreen, LocateControl, MarkerCluster
from jinja2 import Environment, Template

from brandmap import settings
from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.query.filters import FILTER_PARAMS, lenient_filter
from brandmap.settings import REPO_ROOT
from brandmap.text import fold as _text_fold
from brandmap.text import nfc

__all__ = [
    "BRAND_TYPES",
    "CATEGORIES",
    "DROPPED_ASSETS",
    "LANGS",
    "NODE_MODULES",
    "STATIC_DIR",
    "VALUE_CHAINS",
    "VENDOR_ASSETS",
    "PageConfig",
    "external_asset_urls",
    "fold",
    "load_messages",
    "page_filters",
    "render_map_page",
    "self_host_assets",
    "vendor_file",
]

LANGS = ("vi", "en")
WEB_DIR = REPO_ROOT / "web"
STATIC_DIR = WEB_DIR / "static"
NODE_MODULES = WEB_DIR / "node_modules"
MESSAGES_PATH = WEB_DIR / "i18n" / "messages.json"
VENDOR_URL = "/static/vendor/"
STATIC_URL = "/static/"

# Folium asset name -> the same file from its npm package (under web/node_modules).
# Folium 0.20's own template (Map.default_js/default_css) and the plugins used here.
VENDOR_ASSETS: dict[str, str] = {
    "leaflet": "leaflet/dist/leaflet.js",
    "jquery": "jquery/dist/jquery.min.js",
    "bootstrap": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "awesome_markers": "leaflet.awesome-markers/dist/leaflet.awesome-markers.min.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "bootstrap_css": "bootstrap/dist/css/bootstrap.min.css",
    "awesome_markers_font_css": "@fortawesome/fontawesome-free/css/all.min.css",
    "awesome_markers_css": "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    "markerclusterjs": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/dist/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "leaflet_draw_js": "leaflet-draw/dist/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/dist/leaflet.draw.css",
    "Control_locate_min_js": "leaflet.locatecontrol/dist/L.Control.Locate.min.js",
    "Control_locate_min_css": "leaflet.locatecontrol/dist/L.Control.Locate.min.css",
    "Control.Fullscreen.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
}
# Folium assets with no npm package, left out because the page does not use them.
DROPPED_ASSETS: dict[str, str] = {
    "glyphicons_css": "Bootstrap 3 glyphicons (icons here come from Font Awesome)",
    "awesome_rotate_css": "Folium's icon-rotation rule (no rotated icons here)",
}
# Mapped above but left off our page: it uses none of their code (icons come from Font
# Awesome via our own marker style), which saves four requests on every visit.
UNUSED_ON_PAGE = frozenset({"jquery", "bootstrap", "awesome_markers", "awesome_markers_css"})
# Our own additions: a font that renders Vietnamese diacritics, our stylesheet and script.
EXTRA_CSS = (
    VENDOR_URL + "@fontsource/noto-sans/400.css",
    VENDOR_URL + "@fontsource/noto-sans/700.css",
    STATIC_URL + "brandmap.css",
)
EXTRA_JS = (STATIC_URL + "brandmap.js",)
VENDOR_SUFFIXES = (".js", ".css", ".png", ".svg", ".gif", ".woff", ".woff2", ".ttf", ".map")

# Where the map opens before the commune layer is loaded and fitted (the whole province).
PROVINCE_CENTER = (9.95, 106.25)
PROVINCE_ZOOM = 9

_CONFIG_TOKEN = "__BRANDMAP_PAGE_CONFIG__"


@dataclass(frozen=True)
class PageConfig:
    """What the server tells the page: language, filters from the URL, tiles, data facts."""

    lang: str = "vi"
    filters: Mapping[str, Any] = field(default_factory=dict)
    tiles_url: str = ""
    tiles_attribution: str = ""
    geometry_quality: str | None = None
    data_vintage: str | None = None
    api_base: str = ""

    def resolved(self) -> PageConfig:
        """The same config with tile settings filled in from the settings table."""
        return PageConfig(
            lang=self.lang if self.lang in LANGS else "vi",
            filters=dict(self.filters),
            tiles_url=self.tiles_url or settings.get("tiles_url"),
            tiles_attribution=self.tiles_attribution or settings.get("tiles_attribution"),
            geometry_quality=self.geometry_quality,
            data_vintage=self.data_vintage,
            api_base=self.api_base.rstrip("/"),
        )


def fold(text: str) -> str:
    """Fold text for accent-insensitive search, exactly as the API and the page's JS do.

    >>> fold("Bưởi Năm Roi")
    'buoi nam roi'
    >>> fold("ĐẶC SẢN  Đồng Tháp")
    'dac san dong thap'
    """
    return _text_fold(text)


@lru_cache(maxsize=1)
def _message_table() -> dict[str, dict[str, str]]:
    table = json.loads(MESSAGES_PATH.read_text(encoding="utf-8"))
    return {key: value for key, value in table.items() if not key.startswith("_")}


def load_messages(lang: str) -> dict[str, str]:
    """All labels in one language (falling back to Vietnamese for a missing text).

    >>> load_messages("en")["layer_products"]
    'Products'
    """
    lang = lang if lang in LANGS else "vi"
    return {key: texts.get(lang) or texts["vi"] for key, texts in _message_table().items()}


def page_filters(args: Mapping[str, Any], communes: set[str], regions: set[str]) -> dict[str, Any]:
    """The product filters of a page URL (same names and rules as ``/api/products``).

    The page must open whatever link it is given, so a value the API would refuse is
    dropped rather than refused. ``args`` is a mapping of lists or a Werkzeug MultiDict.

    >>> page_filters({"q": ["buoi"], "min_stars": ["4"], "commune": ["x"]}, {"29659"}, set())
    {'min_stars': 4, 'q': 'buoi'}
    >>> page_filters({"min_stars": ["9"], "commune": ["29659"]}, {"29659"}, set())
    {'commune': ['29659']}
    """
    params = {key: _values(args, key) for key in FILTER_PARAMS}
    f = lenient_filter(params, communes, regions)
    values = {
        "commune": list(f.communes),
        "region": f.region,
        "category": f.category,
        "brand_type": f.brand_types[0] if f.brand_types else None,
        "value_chain": f.value_chain,
        "min_stars": f.min_stars,
        "q": nfc(params["q"][0].strip()) if f.q else None,
        "bbox": list(f.bbox) if f.bbox else None,
        "near": list(f.near) if f.near else None,
        "radius_km": f.radius_km,
    }
    return {key: value for key, value in values.items() if value not in (None, [])}


def _values(args: Mapping[str, Any], key: str) -> list[str]:
    raw = args.getlist(key) if hasattr(args, "getlist") else args.get(key, [])
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def vendor_file(path: str) -> Path | None:
    """The file under ``web/node_modules`` a ``/static/vendor/`` path names, if it may be served.

    Only packages listed in ``web/package.json`` and asset file types are served.
    """
    parts = path.split("/")
    if not path.endswith(VENDOR_SUFFIXES) or any(p in ("", ".", "..") for p in parts):
        return None
    package = "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
    if package not in _vendor_packages():
        return None
    candidate = (NODE_MODULES / path).resolve()
    root = NODE_MODULES.resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate


@lru_cache(maxsize=1)
def _vendor_packages() -> frozenset[str]:
    manifest = json.loads((WEB_DIR / "package.json").read_text(encoding="utf-8"))
    return frozenset(manifest.get("dependencies", {}))


class _Boot(MacroElement):
    """Hands the Folium-made map objects and the page config to ``brandmap.start``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            brandmap.start({{ this.config_token }}, {
                map: {{ this._parent.get_name() }},
                {%- for key, element in this.handles.items() %}
                {{ key }}: {{ element.get_name() }},
                {%- endfor %}
                layerControl: {{ this.layer_control.get_name() }}
            });
        {% endmacro %}
        """
    )

    def __init__(self, handles: dict[str, MacroElement], layer_control: MacroElement):
        super().__init__()
        self._name = "BrandmapBoot"
        self.handles = handles
        self.layer_control = layer_control
        self.config_token = _CONFIG_TOKEN


def _self_hosted(element: Any, leave_out: frozenset[str] = frozenset()) -> None:
    """Point an element's Folium assets at ``/static/vendor/`` (or drop the unused ones)."""
    for attr in ("default_js", "default_css"):
        assets = getattr(element, attr, None)
        if not assets:
            continue
        local = []
        for name, url in assets:
            if name in leave_out:
                continue
            if name in VENDOR_ASSETS:
                local.append((name, VENDOR_URL + VENDOR_ASSETS[name]))
            elif name not in DROPPED_ASSETS:
                raise ValueError(f"no self-hosted copy of map asset {name!r} ({url})")
        setattr(element, attr, local)


def self_host_assets(root: Any, leave_out: frozenset[str] = frozenset()) -> None:
    """Point every Folium asset under ``root`` (a Map, or any element) at ``/static/vendor/``.

    ``leave_out`` names assets to drop. Raises ValueError for an asset with no npm copy, so
    a new plugin cannot slip a CDN in.
    """
    _self_hosted(root, leave_out)
    for child in list(getattr(root, "_children", {}).values()):
        self_host_assets(child, leave_out)


def _build_map(config: PageConfig, t: Mapping[str, str]) -> folium.Map:
    """The Folium map with empty, named layers that ``brandmap.js`` fills from the API."""
    fmap = folium.Map(
        location=PROVINCE_CENTER,
        zoom_start=PROVINCE_ZOOM,
        tiles=None,
        control_scale=True,
        width="100%",
        height="100%",
        min_zoom=7,
    )
    folium.TileLayer(
        tiles=config.tiles_url,
        attr=config.tiles_attribution,
        name=t["layer_basemap"],
        overlay=False,
        control=True,
        max_zoom=19,
    ).add_to(fmap)
    outline = folium.FeatureGroup(name=t["layer_outline"]).add_to(fmap)
    communes = folium.FeatureGroup(name=t["layer_communes"]).add_to(fmap)
    regions = folium.FeatureGroup(name=t["layer_regions"], show=False).add_to(fmap)
    products = MarkerCluster(
        name=t["layer_products"],
        chunkedLoading=True,
        chunkInterval=120,
        chunkDelay=30,
        showCoverageOnHover=False,
        maxClusterRadius=60,
        removeOutsideVisibleBounds=True,
        spiderfyOnMaxZoom=True,
        disableClusteringAtZoom=18,
    ).add_to(fmap)
    drawn = folium.FeatureGroup(name=t["layer_drawn"]).add_to(fmap)
    draw = Draw(
        export=False,
        feature_group=drawn,
        show_geometry_on_click=False,
        position="topleft",
        draw_options={
            "polyline": False,
            "circle": False,
            "marker": False,
            "circlemarker": False,
            "polygon": {"allowIntersection": False},
            "rectangle": {"showArea": False},
        },
        edit_options={"edit": False},
    ).add_to(fmap)
    locate = LocateControl(
        auto_start=False,
        position="topleft",
        flyTo=True,
        showPopup=False,
        strings={"title": t["locate_title"]},
        locateOptions={"maxZoom": 13, "enableHighAccuracy": True},
    )
    locate.add_to(fmap)
    Fullscreen(position="topleft", title=t["fullscreen"], title_cancel=t["fullscreen_exit"]).add_to(
        fmap
    )
    control = folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    handles = {
        "products": products,
        "communes": communes,
        "regions": regions,
        "outline": outline,
        "drawn": drawn,
        "draw": draw,
        "locate": locate,
    }
    _Boot(handles, control).add_to(fmap)
    self_host_assets(fmap, UNUSED_ON_PAGE)
    return fmap


_PANEL = Environment(autoescape=True).from_string(
    """
<a class="bm-skip" href="#bm-search">{{ t.search_label }}</a>
<header class="bm-bar">
  <button type="button" id="bm-toggle" class="bm-toggle" aria-controls="bm-panel"
          aria-expanded="false">&#9776; {{ t.panel_toggle }}</button>
  <h1 class="bm-title">{{ t.short_title }}</h1>
  <span id="bm-geometry-badge" class="bm-badge" role="note" title="{{ t.geometry_approximate }}"
        hidden>{{ t.geometry_badge }}</span>
  <a id="bm-lang" class="bm-lang" href="?lang={{ other_lang }}" hreflang="{{ other_lang }}"
     lang="{{ other_lang }}">{{ t.lang_switch }}</a>
</header>
<aside id="bm-panel" class="bm-panel" aria-label="{{ t.panel_toggle }}">
  <div class="bm-panel-head">
    <h2>{{ t.title }}</h2>
    <button type="button" id="bm-close" class="btn-close" aria-label="{{ t.panel_close }}"></button>
  </div>
  <p id="bm-geometry-note" class="bm-note" role="note" hidden>{{ t.geometry_approximate }}</p>
  <p id="bm-status" class="bm-status" role="status">{{ t.loading }}</p>
  <form id="bm-filters" class="bm-filters" role="search" onsubmit="return false">
    <label for="bm-search">{{ t.search_label }}</label>
    <input id="bm-search" name="q" type="search" class="form-control form-control-sm"
           autocomplete="off" placeholder="{{ t.search_placeholder }}">
    <div class="bm-grid">
      <label>{{ t.filter_category }}
        <select name="category" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for code in categories %}
          <option value="{{ code }}">{{ t['cat_' ~ code] }}</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_brand_type }}
        <select name="brand_type" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for code in brand_types %}
          <option value="{{ code }}">{{ t['bt_' ~ code] }}</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_min_stars }}
        <select name="min_stars" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for n in (3, 4, 5) %}
          <option value="{{ n }}">{{ n }}★+</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_value_chain }}
        <select name="value_chain" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for code in value_chains %}
          <option value="{{ code }}">{{ t['vc_' ~ code] }}</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_commune }}
        <select name="commune" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
        </select></label>
      <label>{{ t.filter_region }}
        <select name="region" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
        </select></label>
    </div>
    <div class="bm-row">
      <button type="button" id="bm-reset"
        class="btn btn-sm btn-outline-secondary">{{ t.reset }}</button>
      <button type="button" id="bm-share"
        class="btn btn-sm btn-outline-primary">{{ t.share }}</button>
    </div>
  </form>
  <section class="bm-section">
    <h3>{{ t.choropleth }}</h3>
    <select id="bm-choropleth" class="form-select form-select-sm" aria-label="{{ t.choropleth }}">
      <option value="product_count">{{ t.choro_product_count }}</option>
      <option value="ocop45">{{ t.choro_ocop45 }}</option>
      <option value="value_chain">{{ t.choro_value_chain }}</option>
      <option value="none">{{ t.choro_none }}</option>
    </select>
  </section>
  <section class="bm-section">
    <h3>{{ t.near_title }}</h3>
    <p class="bm-help">{{ t.near_help }}</p>
    <div class="bm-row">
      <button type="button" id="bm-near-pick"
        class="btn btn-sm btn-outline-primary">{{ t.near_pick }}</button>
      <label class="bm-inline">{{ t.near_radius }}
        <input id="bm-near-radius" type="number" min="0.5" max="100" step="0.5" value="5"
               class="form-control form-control-sm"></label>
    </div>
    <p id="bm-near-state" class="bm-help" hidden></p>
    <button type="button" id="bm-near-clear"
      class="btn btn-sm btn-link" hidden>{{ t.near_clear }}</button>
  </section>
  <section class="bm-section">
    <h3>{{ t.draw_title }}</h3>
    <p class="bm-help">{{ t.draw_help }}</p>
    <div id="bm-draw-state" hidden></div>
    <button type="button" id="bm-draw-clear"
      class="btn btn-sm btn-link" hidden>{{ t.draw_clear }}</button>
    <div class="bm-row">
      <a id="bm-export-api"
        class="btn btn-sm btn-outline-secondary" href="#" download>{{ t.export_api }}</a>
      <button type="button" id="bm-export-client"
        class="btn btn-sm btn-outline-secondary">{{ t.export_client }}</button>
    </div>
  </section>
  <section id="bm-detail" class="bm-section bm-detail" aria-live="polite" hidden></section>
  <section class="bm-section">
    <h3><span>{{ t.results }}</span> <span id="bm-count" class="bm-count"></span></h3>
    <ol id="bm-results" class="bm-results"></ol>
  </section>
  <section class="bm-section bm-about">
    <h3>{{ t.about_title }}</h3>
    <ul id="bm-about"></ul>
  </section>
</aside>
<div id="bm-tiles-note" class="bm-tiles-note" role="status" hidden>{{ t.tiles_failed }}</div>
"""
)


# What the page loads from the API at start; preloaded from the head so the downloads run
# while the scripts load (the script asks for exactly these URLs).
DATA_URLS = (
    ("healthz_data", "/healthz"),
    ("communes_data", "/api/communes?detail=display"),
    ("regions_data", "/api/regions?detail=display"),
    ("products_data", "/api/products?limit=10000"),
)


@lru_cache(maxsize=8)
def _page_template(lang: str, tiles_url: str, tiles_attribution: str, api_base: str = "") -> str:
    """The rendered page with a placeholder for the per-request config (Folium is slowish)."""
    config = PageConfig(lang=lang, tiles_url=tiles_url, tiles_attribution=tiles_attribution)
    t = load_messages(lang)
    fmap = _build_map(config, t)
    figure = fmap.get_root()
    figure.title = t["title"]
    panel = _PANEL.render(
        t=t,
        other_lang="en" if lang == "vi" else "vi",
        categories=CATEGORIES,
        brand_types=BRAND_TYPES,
        value_chains=VALUE_CHAINS,
    )
    figure.html.add_child(Element(panel), index=0)
    html = figure.render()
    own = [f'<link rel="stylesheet" href="{href}"/>' for href in EXTRA_CSS]
    own += [f'<script src="{src}"></script>' for src in EXTRA_JS]
    html = html.replace("</head>", "    " + "\n    ".join(own) + "\n</head>", 1)
    preload = "".join(
        f'\n    <link rel="preload" href="{escape(api_base + path)}" as="fetch"'
        ' crossorigin="anonymous">'
        for _, path in DATA_URLS
    )
    html = html.replace("<head>", "<head>" + preload, 1)
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    html = html.replace("<body>", '<body class="bm-page">', 1)
    leftover = external_asset_urls(html)
    if leftover:
        raise ValueError(f"map page would load assets from outside the service: {leftover}")
    return html


def _config_json(config: PageConfig) -> str:
    """The page config as a JS literal that cannot close the surrounding script element."""
    payload = {
        "lang": config.lang,
        "messages": load_messages(config.lang),
        "filters": dict(config.filters),
        "geometry_quality": config.geometry_quality,
        "data_vintage": config.data_vintage,
        "tiles": {"url": config.tiles_url, "attribution": config.tiles_attribution},
        "api": {
            name: f"{config.api_base}{path}"
            for name, path in (
                ("communes", "/api/communes"),
                ("regions", "/api/regions"),
                ("products", "/api/products"),
                ("healthz", "/healthz"),
                ("export", "/api/export"),
                *DATA_URLS,
            )
        },
        "categories": CATEGORIES,
        "brand_types": BRAND_TYPES,
        "value_chains": VALUE_CHAINS,
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def render_map_page(config: PageConfig | None = None) -> str:
    """The complete HTML of the map page (a few tens of kB, no data layers inline)."""
    config = (config or PageConfig()).resolved()
    html = _page_template(config.lang, config.tiles_url, config.tiles_attribution, config.api_base)
    return html.replace(_CONFIG_TOKEN, _config_json(config), 1)


_ASSET_URL = re.compile(
    r"""<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE,
)


def external_asset_urls(html: str) -> list[str]:
    """Scripts and stylesheets a page would fetch from another host (should be none).

    >>> external_asset_urls('<script src="https://cdn.example/x.js"></script>')
    ['https://cdn.example/x.js']
    >>> external_asset_urls('<link rel="stylesheet" href="/static/vendor/a.css"/>')
    []
    """
    return _ASSET_URL.findall(html)
