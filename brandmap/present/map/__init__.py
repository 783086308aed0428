"""The interactive map page: a Folium-built Leaflet map that carries no data.

Folium builds the map, its controls and plugins (:mod:`.folium_map`); the data layers are
loaded by the page's script modules (``web/static/brandmap/``) from the JSON API, so the
page stays small whatever the size of the catalog. Every script and stylesheet Folium would
take from a public CDN is served by the app itself from the npm packages in
``web/node_modules`` under ``/static/vendor/`` (:mod:`.assets`): the page works offline and
the basemap tiles are its only outside request.

Labels come from one table, ``web/i18n/messages.json`` (:mod:`.messages`; Vietnamese by
default, English); the panel is :mod:`.panel`; what the server hands the script (filters
from the URL, API addresses, data facts) is :mod:`.config`; :mod:`.page` puts them together.
"""

from brandmap.present.map.assets import external_asset_urls, self_host_assets, vendor_file
from brandmap.present.map.config import PageConfig, page_filters
from brandmap.present.map.messages import LANGS, load_messages
from brandmap.present.map.page import render_map_page

__all__ = [
    "LANGS",
    "PageConfig",
    "external_asset_urls",
    "load_messages",
    "page_filters",
    "render_map_page",
    "self_host_assets",
    "vendor_file",
]
