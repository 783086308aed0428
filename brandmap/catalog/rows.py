"""A product file of any accepted format -> rows of text cells keyed by exchange column.

Owns what holds for every format: the size limits, which reader reads which file name, and
how a header ("Tên sản phẩm", "name_vi") maps to exchange-format columns. The readers
themselves are :mod:`~brandmap.catalog.csv_file`, :mod:`~brandmap.catalog.xlsx_file` and
:mod:`~brandmap.catalog.geojson_file`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from brandmap.catalog.cells import GEOMETRY_KEY, MAX_ROWS, ROW_KEY, FileProblem, Record, cell_text
from brandmap.catalog.csv_file import read_csv
from brandmap.catalog.geojson_file import read_geojson
from brandmap.catalog.problems import WARNING, Problem
from brandmap.catalog.schema import REQUIRED, canonical_column
from brandmap.catalog.xlsx_file import read_xlsx

__all__ = ["FILE_SUFFIXES", "MAX_BYTES", "MAX_ROWS", "read_products"]

MAX_BYTES = 20 * 1024 * 1024

_READERS: dict[str, Callable[[Path], tuple[list[Any], Iterator[Record]]]] = {
    ".csv": read_csv,
    ".txt": read_csv,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".geojson": read_geojson,
    ".json": read_geojson,
}
#: The file name endings a product file may have (each names its reader).
FILE_SUFFIXES = tuple(_READERS)


def read_products(path: str | Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """Rows of a product file as text cells keyed by exchange-format column.

    Headers may be the column names or common Vietnamese spellings ("Tên sản phẩm").
    Unknown columns are reported as warnings and dropped. Each row carries its spreadsheet
    row number under ``"_row"``. A file that cannot be read gives no rows and one problem.
    """
    path = Path(path)
    if not path.is_file():
        return [], [Problem.of("file_missing", path=path.name)]
    size = path.stat().st_size
    if size > MAX_BYTES:
        return [], [Problem.of("file_too_large", size=f"{size / 2**20:.1f}")]
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        return [], [Problem.of("bad_format", suffix=suffix or path.name)]
    try:
        header, records = reader(path)
    except FileProblem as exc:
        return [], [exc.problem]
    rows, problems = _rows_from_records(header, records)
    if not rows and not problems:
        return [], [Problem.of("no_rows")]
    return rows, problems


def _rows_from_records(
    header: list[Any], records: Iterable[Record]
) -> tuple[list[dict[str, str]], list[Problem]]:
    columns, problems = _map_header(header)
    rows: list[dict[str, str]] = []
    for number, cells in records:
        if len(rows) >= MAX_ROWS:
            return [], [Problem.of("too_many_rows", limit=MAX_ROWS)]
        if all(cell_text(c) == "" for c in cells):
            continue
        row = {name: cell_text(cells[i]) if i < len(cells) else "" for i, name in columns.items()}
        row[ROW_KEY] = number  # type: ignore[assignment]
        rows.append(row)
    return rows, problems


def _map_header(header: list[Any]) -> tuple[dict[int, str], list[Problem]]:
    """Column index -> column name, and warnings/errors about the header itself."""
    columns: dict[int, str] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        text = cell_text(cell)
        if not text:
            continue
        name = GEOMETRY_KEY if text == GEOMETRY_KEY else canonical_column(text)
        if name is None:
            problems.append(Problem.of("unknown_column", 1, text, severity=WARNING))
        elif name in columns.values():
            problems.append(Problem.of("duplicate_column", 1, text))
        else:
            columns[index] = name
    for name in REQUIRED:
        if name not in columns.values():
            problems.append(Problem.of("missing_column", 1, name))
    return columns, problems
