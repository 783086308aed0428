"""The planner's notebook runs top to bottom on a freshly built store, so it never rots."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from brandmap.resources import REPO_ROOT


def test_planner_notebook_runs(built_store, tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDMAP_STORE", built_store)
    notebook = nbformat.read(REPO_ROOT / "notebooks" / "planner_value_chain.ipynb", as_version=4)
    NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    assert (tmp_path / "region_products.png").stat().st_size > 10_000
    assert list(tmp_path.glob("brandmap_products_*.gpkg"))
