"""Plain Python values of data-frame cells, for JSON and for comparing rows.

pandas hands back NaN, ``pd.NA``, numpy scalars and arrays; JSON writers, exports and the
import report (which compares an old row with a new one) need ``None``, ``int``, ``float``
and lists.

>>> import numpy as np
>>> json_value(np.int64(4)), json_value(float("nan")), json_value(np.array([1, 2]))
(4, None, [1, 2])
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["json_value"]


def json_value(value: Any) -> Any:
    """A plain JSON value for a cell of a data frame (NaN → null, numpy → Python)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, list | tuple | np.ndarray):
        return [json_value(v) for v in value]
    return value
