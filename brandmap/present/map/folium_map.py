"""The Folium map of the page: basemap, empty named layers the script fills from the API,
and the controls and plugins (layer control, marker clusters, draw, locate, full screen)."""

from __future__ import annotations

from collections.abc import Mapping

import folium
from branca.element import MacroElement
from folium.plugins import Draw, Fullscreen, LocateControl, MarkerCluster
from jinja2 import Template

from brandmap.present.map.assets import UNUSED_ON_PAGE, self_host_assets
from brandmap.present.map.config import PageConfig

__all__ = ["CONFIG_TOKEN", "PROVINCE_CENTER", "PROVINCE_ZOOM", "build_map"]

# Where the map opens before the commune layer is loaded and fitted (the whole province).
PROVINCE_CENTER = (9.95, 106.25)
PROVINCE_ZOOM = 9

# Stands in the cached page for the per-request config (see brandmap.present.map.page).
CONFIG_TOKEN = "__BRANDMAP_PAGE_CONFIG__"


class _Boot(MacroElement):
    """Hands the Folium-made map objects and the page config to ``brandmap.start``.

    The page's script modules are deferred: they run after this inline code, but before
    ``DOMContentLoaded``, so the call waits for that event.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            document.addEventListener('DOMContentLoaded', function () {
                brandmap.start({{ this.config_token }}, {
                    map: {{ this._parent.get_name() }},
                    {%- for key, element in this.handles.items() %}
                    {{ key }}: {{ element.get_name() }},
                    {%- endfor %}
                    layerControl: {{ this.layer_control.get_name() }}
                });
            });
        {% endmacro %}
        """
    )

    def __init__(self, handles: dict[str, MacroElement], layer_control: MacroElement):
        super().__init__()
        self._name = "BrandmapBoot"
        self.handles = handles
        self.layer_control = layer_control
        self.config_token = CONFIG_TOKEN


def build_map(config: PageConfig, t: Mapping[str, str]) -> folium.Map:
    """The Folium map with empty, named layers that the page's script fills from the API."""
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
    handles = _data_layers(fmap, t)
    handles.update(_tools(fmap, t, handles["drawn"]))
    control = folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    _Boot(handles, control).add_to(fmap)
    self_host_assets(fmap, UNUSED_ON_PAGE)
    return fmap


def _data_layers(fmap: folium.Map, t: Mapping[str, str]) -> dict[str, MacroElement]:
    """The overlays, in drawing order: outline, communes, regions, products, drawn area."""
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
    return {
        "products": products,
        "communes": communes,
        "regions": regions,
        "outline": outline,
        "drawn": drawn,
    }


def _tools(
    fmap: folium.Map, t: Mapping[str, str], drawn: folium.FeatureGroup
) -> dict[str, MacroElement]:
    """The planner's tools: draw an area (into ``drawn``), locate me, full screen."""
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
    return {"draw": draw, "locate": locate}
