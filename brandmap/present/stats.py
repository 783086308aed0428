"""Counts for planners: products per commune, region or category, by stars, brand type and
OCOP certificate status (on the day served)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from brandmap.catalog.certificates import CERTIFICATE_STATUSES
from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES

if TYPE_CHECKING:
    from brandmap.present.dataset import Dataset

__all__ = ["STATS_GROUPS", "product_stats"]

STATS_GROUPS = ("commune", "region", "category")


def product_stats(dataset: Dataset, positions: np.ndarray, by: str) -> list[dict[str, Any]]:
    """One row per group (every group listed, zeros included), in a stable order."""
    products = dataset.products.iloc[positions]
    if by == "commune":
        groups = [
            ({"code": c, "name": n}, products["commune_code"] == c)
            for c, n in zip(
                dataset.snapshot.communes["code"], dataset.snapshot.communes["name"], strict=True
            )
        ]
    elif by == "region":
        in_region = {
            rid: set(dataset.products["id"].iloc[dataset.index.match_region(rid)])
            for rid in dataset.snapshot.regions["id"]
        }
        groups = [
            ({"id": rid, "name_vi": vi, "name_en": en}, products["id"].isin(in_region[rid]))
            for rid, vi, en in dataset.snapshot.regions[["id", "name_vi", "name_en"]].itertuples(
                index=False
            )
        ]
    else:
        groups = [({"category": c}, products["category"] == c) for c in CATEGORIES]
    return [{**key, **_counts(products[mask])} for key, mask in groups]


def _counts(products: pd.DataFrame) -> dict[str, int]:
    stars = pd.to_numeric(products["ocop_stars"], errors="coerce")
    counts = {"total": len(products)}
    counts.update({f"ocop_{n}_star": int((stars == n).sum()) for n in (3, 4, 5)})
    counts.update(
        {t: int(products["brand_types"].map(lambda b, t=t: t in b).sum()) for t in BRAND_TYPES}
    )
    statuses = products["ocop_status"]
    counts.update({f"ocop_{s}": int((statuses == s).sum()) for s in CERTIFICATE_STATUSES})
    return counts
