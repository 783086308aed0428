"""Reading an Excel product file as the provinces publish them.

A province's sheet often has a title above the header ("DANH SÁCH SẢN PHẨM OCOP NĂM 2024")
and Vietnamese column names ("Tên sản phẩm"): the header is the first of the first ten rows
that names at least two exchange-format columns, on the first sheet that has one. An .xlsx
is a zip archive, so one that would expand far beyond any real product list is refused
before it is opened.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from brandmap.catalog.cells import MAX_ROWS, FileProblem, Record, cell_text
from brandmap.catalog.problems import Problem
from brandmap.catalog.schema import canonical_column

__all__ = ["read_xlsx"]

MAX_COLUMNS = 100  # our schema has 22; room for a province's extra columns
MAX_EXPANDED_BYTES = 10 * 20 * 1024 * 1024  # ten times the largest accepted file
MAX_COMPRESSION_RATIO = 200  # real sheets compress about 5-20 times
HEADER_SEARCH_ROWS = 10  # title rows a sheet may have above its header


def read_xlsx(path: Path) -> tuple[list[Any], Iterator[Record]]:
    """First sheet with a header row (within its first 10 rows); data rows after it."""
    import openpyxl

    _refuse_zip_bomb(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(Problem.of("unreadable", reason=type(exc).__name__)) from None
    try:
        return _first_sheet_with_header(book)
    except FileProblem:
        raise
    except Exception as exc:  # a sheet damaged inside the zip: bad CRC, cut deflate, bad XML
        raise FileProblem(Problem.of("unreadable", reason=type(exc).__name__)) from None
    finally:
        book.close()


def _first_sheet_with_header(book: Any) -> tuple[list[Any], Iterator[Record]]:
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # read the cells present, not the size the file declares
        # max_col: a sheet may declare 16,384 columns; we never need more than ours
        found = _sheet_records(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
        if found is not None:
            return found
    raise FileProblem(Problem.of("no_header"))


def _refuse_zip_bomb(path: Path) -> None:
    """An .xlsx is a zip: refuse one that would expand far beyond any real product list."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileProblem(Problem.of("not_workbook")) from None
    expanded = sum(m.file_size for m in members)
    ratios = (m.file_size / max(m.compress_size, 1) for m in members)
    if expanded > MAX_EXPANDED_BYTES or any(r > MAX_COMPRESSION_RATIO for r in ratios):
        raise FileProblem(Problem.of("not_workbook"))


def _sheet_records(rows: Iterator[tuple[Any, ...]]) -> tuple[list[Any], Iterator[Record]] | None:
    """Header and numbered data rows, if a header is among the first 10 rows."""
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            return None
        if sum(canonical_column(cell_text(c)) is not None for c in cells) >= 2:
            body = list(itertools.islice(rows, MAX_ROWS + 1))
            return list(cells), iter(list(enumerate(map(list, body), start=number + 1)))
    return None
