"""The ``datetime`` parameter and the temporal filter of the products collection.

``datetime`` filters products by ``source_date``, the date of the published fact (a day, a
month or a year, each taken as the interval it names). Products without it, and communes and
regions, have no temporal geometry, so a valid ``datetime`` matches none of them
(/req/core/fc-time-response); a malformed one is a 400. GDAL turns filters on date fields
into ``datetime``, so its filters on ``source_date`` come out right.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from brandmap.errors import QueryError
from brandmap.present.dataset import Dataset
from brandmap.service.ogc.layers import CollectionSpec, frame_of, snapshot_cache

__all__ = ["Interval", "date_interval", "parse_datetime", "temporal_extent", "temporal_mask"]

_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[Tt ](?:(\d{2})(?::(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?"
    r"([Zz]|[+-]\d{2}:\d{2})?)?)?$"
)
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
Interval = tuple[datetime | None, datetime | None]


def parse_datetime(text: str) -> Interval:
    """``datetime`` as a half-open UTC interval ``[start, end)``; ``None`` for an open end.

    An instant or interval end written as a date covers that whole day. Besides RFC 3339,
    the shortened forms GDAL sends (``2024-01-01T``, ``2024-01-01T10Z``) are understood.

    >>> start, end = parse_datetime("2024-01-01/..")
    >>> start.isoformat(), end
    ('2024-01-01T00:00:00+00:00', None)
    >>> [v.isoformat() for v in parse_datetime("2024-05-29")]
    ['2024-05-29T00:00:00+00:00', '2024-05-30T00:00:00+00:00']
    """
    ends = text.split("/")
    if len(ends) > 2 or all(e in ("", "..") for e in ends):
        raise QueryError(
            "datetime must be an RFC 3339 date-time or an interval start/end, "
            "e.g. 2024-01-01T00:00:00Z or 2024-01-01T00:00:00Z/..",
            "datetime",
        )
    bounds = [None if e in ("", "..") else _instant_bounds(e) for e in ends]
    start = bounds[0][0] if bounds[0] else None
    end = bounds[-1][1] if bounds[-1] else None
    if start and end and start >= end:
        raise QueryError("datetime: the interval ends before it starts", "datetime")
    return start, end


def _instant_bounds(text: str) -> tuple[datetime, datetime]:
    """The span an instant names: a whole day for a date, one unit of its last field else."""
    match = _DATE_TIME.match(text.strip())
    if not match:
        raise QueryError(f"datetime: {text[:50]!r} is not an RFC 3339 date-time", "datetime")
    day, hour, minute, second, fraction, zone = match.groups()
    try:
        start = datetime.fromisoformat(day).replace(tzinfo=UTC)
        if hour is None:
            return start, start + timedelta(days=1)  # OverflowError on 9999-12-31
        offset = timedelta(0)
        if zone and zone.upper() != "Z":
            sign = 1 if zone[0] == "+" else -1
            offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        start = start.replace(
            hour=int(hour),
            minute=int(minute or 0),
            second=int(second or 0),
            microsecond=int((fraction or ".0")[1:].ljust(6, "0")),
        )
        start -= offset
        if minute is None:
            return start, start + timedelta(hours=1)
        if second is None:
            return start, start + timedelta(minutes=1)
        return start, start + timedelta(microseconds=1)
    except (ValueError, OverflowError):
        raise QueryError(f"datetime: {text[:50]!r} is not a valid date-time", "datetime") from None


def date_interval(value: object) -> tuple[datetime | None, datetime | None]:
    """``2024``, ``2024-05`` or ``2024-05-29`` as the interval it names; (None, None) else.

    >>> [v.day for v in date_interval("2024-02")]
    [1, 1]
    """
    match = _PARTIAL_DATE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        return None, None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        start = datetime(year, month, day or 1, tzinfo=UTC)
    except ValueError:
        return None, None
    if day is not None:
        return start, start + timedelta(days=1)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, following


def temporal_mask(dataset: Dataset, spec: CollectionSpec, interval: Interval) -> np.ndarray:
    """Which features' temporal extent intersects ``interval`` (none without one)."""
    starts, ends = _temporal_bounds(dataset, spec)
    query_start, query_end = (None if v is None else _as_datetime64(v) for v in interval)
    mask = ~np.isnat(starts)
    if query_end is not None:
        mask &= starts < query_end
    if query_start is not None:
        mask &= ends > query_start
    return mask


def _temporal_bounds(dataset: Dataset, spec: CollectionSpec) -> tuple[np.ndarray, np.ndarray]:
    key = ("temporal", spec.id)
    cache = snapshot_cache(dataset)
    if key not in cache:
        frame = frame_of(dataset, spec.id)
        values = frame[spec.temporal] if spec.temporal in frame else [None] * len(frame)
        pairs = [date_interval(v) for v in values]
        cache[key] = tuple(
            np.array([_as_datetime64(p[i]) for p in pairs], dtype="datetime64[us]") for i in (0, 1)
        )
    return cache[key]


def _as_datetime64(value: datetime | None) -> np.datetime64:
    """UTC datetime → naive numpy datetime (NaT for None): numpy has no time zones."""
    if value is None:
        return np.datetime64("NaT", "us")
    return np.datetime64(value.astimezone(UTC).replace(tzinfo=None), "us")


def temporal_extent(dataset: Dataset, spec: CollectionSpec) -> dict[str, Any] | None:
    """The collection's temporal extent for its metadata; None when it has no dated feature."""
    if spec.temporal is None:
        return None
    starts, ends = _temporal_bounds(dataset, spec)
    known = ~np.isnat(starts)
    if not known.any():
        return None
    first, last = starts[known].min(), ends[known].max()
    return {
        "interval": [[f"{first.astype('datetime64[s]')}Z", f"{last.astype('datetime64[s]')}Z"]],
        "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
    }
