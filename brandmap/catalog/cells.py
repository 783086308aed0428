"""What every product-file reader hands on: numbered records of raw cells, and cell text.

A reader (:mod:`~brandmap.catalog.csv_file`, :mod:`~brandmap.catalog.xlsx_file`,
:mod:`~brandmap.catalog.geojson_file`) turns a file into a header and :data:`Record`\\ s, or
refuses the whole file by raising :class:`FileProblem`; :mod:`~brandmap.catalog.rows` maps
them to exchange-format columns. :func:`cell_text` is the one way a cell becomes text.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from typing import Any

from brandmap.catalog.problems import Problem

__all__ = ["GEOMETRY_KEY", "MAX_ROWS", "ROW_KEY", "FileProblem", "Record", "cell_text"]

MAX_ROWS = 200_000  # product rows in one file; a reader need not read past it

ROW_KEY = "_row"  # the spreadsheet row number carried by each read row
GEOMETRY_KEY = "_geometry_problem"  # a GeoJSON feature whose geometry is not a Point

Record = tuple[int, list[Any]]  # (spreadsheet row number, cells)


class FileProblem(Exception):
    """A file no row can be read from; carries the one problem the officer is shown."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


def cell_text(value: Any) -> str:
    """A cell as NFC text; spreadsheet numbers without a spurious '.0'.

    >>> cell_text(29341.0), cell_text(None), cell_text(" Bưởi ")
    ('29341', '', 'Bưởi')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()
