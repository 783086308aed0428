"""Value-chain regions: named groups of 2025 communes (a GI area, a raw-material zone).

Defined in ``data/geo/regions.csv`` (id, names, value chain, commune codes, source); their
polygons are never stored by hand but dissolved from the commune layer at build time, so
they always agree with whichever commune boundaries are loaded.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from brandmap.errors import ValidationError

__all__ = ["Region", "dissolve_regions", "read_regions"]

REGION_COLUMNS = ("id", "name_vi", "name_en", "value_chain", "commune_codes", "source_url")


@dataclass(frozen=True)
class Region:
    id: str
    name_vi: str
    name_en: str
    value_chain: str
    commune_codes: tuple[str, ...]
    source_url: str
    source_date: str = ""


def read_regions(path: Path, known_codes: set[str]) -> list[Region]:
    """Read and check the region definitions; every commune code must be a 2025 code."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = [c for c in REGION_COLUMNS if rows and c not in rows[0]]
    if missing:
        raise ValidationError(f"{path.name}: missing columns {', '.join(missing)}")
    regions = [_region_from_row(row) for row in rows]
    seen: set[str] = set()
    for line, region in enumerate(regions, start=2):
        if region.id in seen:
            raise ValidationError(f"{path.name}, row {line}: duplicate region id {region.id!r}")
        seen.add(region.id)
        unknown = sorted(set(region.commune_codes) - known_codes)
        if unknown or not region.commune_codes:
            raise ValidationError(
                f"{path.name}, row {line}: region {region.id!r} has unknown or no commune codes "
                f"{', '.join(unknown)}"
            )
    return regions


def _region_from_row(row: dict[str, str]) -> Region:
    return Region(
        id=row["id"].strip(),
        name_vi=row["name_vi"].strip(),
        name_en=row["name_en"].strip(),
        value_chain=row["value_chain"].strip(),
        commune_codes=tuple(row["commune_codes"].replace(";", " ").split()),
        source_url=row["source_url"].strip(),
        source_date=(row.get("source_date") or "").strip(),
    )


def dissolve_regions(regions: list[Region], communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One (Multi)Polygon per region: the union of its communes."""
    by_code = communes.set_index("code").geometry
    records = [
        {
            "id": r.id,
            "name_vi": r.name_vi,
            "name_en": r.name_en,
            "value_chain": r.value_chain,
            "commune_codes": list(r.commune_codes),
            "source_url": r.source_url,
            "source_date": r.source_date,
            "geometry": by_code.loc[list(r.commune_codes)].union_all(),
        }
        for r in regions
    ]
    columns = [*REGION_COLUMNS, "source_date", "geometry"]
    return gpd.GeoDataFrame(records, columns=columns, geometry="geometry", crs=communes.crs)
