"""A snapshot loaded for serving: indexes and pre-serialized features, built once.

Everything a request needs that does not depend on the request is computed here, at
start-up or after an import, so handlers only filter and join.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import geopandas as gpd
import pandas as pd
import shapely

from brandmap.catalog.certificates import certificates, province_today
from brandmap.errors import QueryError
from brandmap.present.geojson import collection_bytes, feature_bytes
from brandmap.present.map.messages import value_chain_labels
from brandmap.query.filters import parse_filter
from brandmap.query.index import ProductIndex
from brandmap.store import Snapshot

__all__ = ["COMMUNE_PROPERTIES", "PRODUCT_PROPERTIES", "REGION_PROPERTIES", "Dataset"]

PRODUCT_PROPERTIES = (
    "id",
    "name_vi",
    "name_en",
    "category",
    "brand_types",
    "ocop_stars",
    "ocop_year",
    "ocop_decision",
    "ocop_decision_date",
    "ocop_valid_until",
    "ocop_status",
    "gi_number",
    "producer",
    "producer_kind",
    "address_published",
    "commune_code",
    "commune_name",
    "value_chain",
    "region",
    "description_vi",
    "description_en",
    "phone",
    "website",
    "source_url",
    "source_date",
    "location_quality",
)
COMMUNE_PROPERTIES = (
    "code",
    "name",
    "kind",
    "area_km2",
    "product_count",
    "ocop_4_5_count",
    "geometry_quality",
    "former_province",
)
REGION_PROPERTIES = (
    "id",
    "name_vi",
    "name_en",
    "value_chain",
    "commune_codes",
    "product_count",
    "source_url",
)
# Display geometry for the web map: ~20 m tolerance keeps shapes and shared edges.
DISPLAY_TOLERANCE_DEG = 0.0002


@dataclass
class Dataset:
    """A snapshot as served on ``today``: certificate statuses follow the day, so a served
    dataset is made anew (from the same snapshot) when the day changes."""

    snapshot: Snapshot
    today: date = field(default_factory=province_today)

    def warmed(self) -> Dataset:
        """Compute every per-snapshot cache now (before gunicorn forks its workers), so
        no user's request pays for it and workers share the memory."""
        _ = self.index, self.product_features, self.product_positions, self.regions
        self.index.text.warm()
        self.layer_bytes("communes", simplified=True)
        self.layer_bytes("regions", simplified=True)
        return self

    @cached_property
    def products(self) -> gpd.GeoDataFrame:
        frame = self.snapshot.products.copy()
        for column in PRODUCT_PROPERTIES:
            if column not in frame:
                frame[column] = None
        frame["ocop_stars"] = pd.to_numeric(frame["ocop_stars"], errors="coerce").astype("Int64")
        seen = certificates(frame["ocop_decision_date"], self.today)
        frame["ocop_valid_until"] = [c.valid_until for c in seen]
        frame["ocop_status"] = [c.status for c in seen]
        return frame.reset_index(drop=True)

    def on(self, today: date) -> Dataset:
        """The same snapshot served on another day (this one when the day is the same)."""
        return self if today == self.today else Dataset(self.snapshot, today)

    @cached_property
    def index(self) -> ProductIndex:
        region_communes = dict(
            zip(self.snapshot.regions["id"], self.snapshot.regions["commune_codes"], strict=True)
        )
        regions = self.snapshot.regions
        names = (
            regions.reindex(columns=["name_vi", "name_en"]).astype(object).fillna("").astype(str)
        )
        region_names = dict(
            zip(regions["id"], names["name_vi"] + " " + names["name_en"], strict=True)
        )
        return ProductIndex(self.products, region_communes, region_names, value_chain_labels())

    @cached_property
    def product_features(self) -> list[bytes]:
        return feature_bytes(self.products, PRODUCT_PROPERTIES, "id")

    @cached_property
    def product_positions(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.products["id"])}

    @cached_property
    def commune_codes(self) -> set[str]:
        return set(self.snapshot.communes["code"])

    @cached_property
    def region_ids(self) -> set[str]:
        return set(self.snapshot.regions["id"])

    @cached_property
    def communes(self) -> gpd.GeoDataFrame:
        """Commune layer with product counts."""
        frame = self.snapshot.communes.copy()
        counts = self.products["commune_code"].value_counts()
        top = self.products[self.products["ocop_stars"].fillna(0) >= 4][
            "commune_code"
        ].value_counts()
        frame["product_count"] = frame["code"].map(counts).fillna(0).astype(int)
        frame["ocop_4_5_count"] = frame["code"].map(top).fillna(0).astype(int)
        return frame

    @cached_property
    def regions(self) -> gpd.GeoDataFrame:
        frame = self.snapshot.regions.copy()
        frame["product_count"] = [
            len(self.index.match_region(region_id)) for region_id in frame["id"]
        ]
        return frame

    def layer_bytes(self, name: str, simplified: bool) -> bytes:
        """The whole communes or regions layer as GeoJSON, cached per variant."""
        key = (name, simplified)
        cache = self.__dict__.setdefault("_layer_cache", {})
        if key not in cache:
            cache[key] = self._serialize_layer(name, simplified)
        return cache[key]

    def _serialize_layer(self, name: str, simplified: bool) -> bytes:
        frame = self.communes if name == "communes" else self.regions
        properties, id_column = (
            (COMMUNE_PROPERTIES, "code") if name == "communes" else (REGION_PROPERTIES, "id")
        )
        if simplified:
            frame = frame.copy()
            frame["geometry"] = _simplify(name, frame.geometry.values)
        present = [p for p in properties if p in frame]
        return collection_bytes(feature_bytes(frame, present, id_column), **self.collection_meta)

    def export_frame(self, layer: str, params) -> gpd.GeoDataFrame:
        """The rows of a layer to export; product filters apply to the products layer."""
        if layer == "products":
            product_filter = parse_filter(params, self.commune_codes, self.region_ids)
            return self.products.iloc[self.index.match(product_filter)]
        if params:
            raise QueryError(
                f"filters apply to the products layer only, not to {layer}", sorted(params)[0]
            )
        return self.communes if layer == "communes" else self.regions

    @property
    def export_meta(self) -> dict[str, str]:
        """Attribution and vintage written into exported files."""
        return {
            "attribution": attribution(self.snapshot.meta.get("geometry_quality", "")),
            "vintage": self.snapshot.meta.get("data_vintage", ""),
        }

    @property
    def collection_meta(self) -> dict[str, str]:
        meta = self.snapshot.meta
        return {
            "geometry_quality": meta.get("geometry_quality", ""),
            "data_vintage": meta.get("data_vintage", ""),
        }


BOUNDARY_ATTRIBUTION = {
    "official": "Ranh giới hành chính 2025: NXB Tài nguyên, Môi trường và Bản đồ Việt Nam "
    "(sapnhap.bando.com.vn), qua bộ dữ liệu vietnamese-provinces-database (MIT)",
    "approximate": "Ranh giới xã GẦN ĐÚNG (approximate), tính từ tâm đơn vị hành chính của "
    "gói vietnamadminunits (MIT) và Natural Earth (public domain)",
}


def attribution(geometry_quality: str) -> str:
    """Who to credit: the boundary source and the product sources."""
    boundaries = BOUNDARY_ATTRIBUTION.get(geometry_quality, BOUNDARY_ATTRIBUTION["approximate"])
    return f"{boundaries}. Sản phẩm: brandmap, theo nguồn công bố ghi ở từng sản phẩm (source_url)."


def _simplify(layer: str, geometries):
    """Lighter shapes for display; communes as a coverage so neighbours keep shared edges."""
    if layer == "communes":
        return shapely.coverage_simplify(geometries, DISPLAY_TOLERANCE_DEG)
    return shapely.simplify(geometries, DISPLAY_TOLERANCE_DEG, preserve_topology=True)
