"""Whether an OCOP certificate is still valid: the one place the 36-month rule lives.

An OCOP certificate runs 36 months from the decision that recognised the product, and no
OCOP system says when one lapses. The catalog records the decision date; the status is
worked out against *today* each time it is served, so it never goes stale in a store that
was built months ago.

The period ends on the day of the decision date 36 calendar months later (the last day of
that month when it has no such day: 29 Feb → 28 Feb), and that day is the last one the
certificate is valid. A certificate is ``expiring`` from 180 days before that day up to
and including it, ``expired`` the day after. Without a decision date the status is
``unknown``: a rating year alone does not say when the certificate ends.

>>> valid_until(date(2023, 5, 10))
datetime.date(2026, 5, 10)
>>> certificate_status(date(2026, 5, 10), today=date(2026, 5, 10))
'expiring'
>>> certificate_status(date(2026, 5, 10), today=date(2026, 5, 11))
'expired'
>>> certificate("2023-05-10", today=date(2025, 1, 1))
Certificate(valid_until='2026-05-10', status='valid')
>>> certificate(None, today=date(2025, 1, 1))
Certificate(valid_until=None, status='unknown')
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

__all__ = [
    "CERTIFICATE_STATUSES",
    "EXPIRING_WITHIN_DAYS",
    "VALIDITY_MONTHS",
    "Certificate",
    "certificate",
    "certificate_status",
    "certificates",
    "decision_day",
    "province_today",
    "valid_until",
]

VALIDITY_MONTHS = 36
EXPIRING_WITHIN_DAYS = 180
CERTIFICATE_STATUSES: tuple[str, ...] = ("valid", "expiring", "expired", "unknown")
PROVINCE_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


class Certificate(NamedTuple):
    """The last valid day (ISO date, None when unknown) and the status on a given day."""

    valid_until: str | None
    status: str


def province_today() -> date:
    """Today in Vĩnh Long: a certificate lapses at midnight there, not at UTC midnight."""
    return datetime.now(PROVINCE_TIME).date()


def valid_until(decision: date) -> date:
    """The last day a certificate recognised on ``decision`` is valid.

    >>> valid_until(date(2024, 2, 29))
    datetime.date(2027, 2, 28)
    """
    months = decision.month - 1 + VALIDITY_MONTHS
    year, month = decision.year + months // 12, months % 12 + 1
    return date(year, month, min(decision.day, calendar.monthrange(year, month)[1]))


def certificate_status(last_day: date | None, today: date) -> str:
    """``valid``, ``expiring`` (at most 180 days left), ``expired`` or ``unknown``.

    >>> certificate_status(date(2026, 12, 31), today=date(2026, 7, 4))  # 180 days left
    'expiring'
    >>> certificate_status(date(2026, 12, 31), today=date(2026, 7, 3))  # 181 days left
    'valid'
    """
    if last_day is None:
        return "unknown"
    days_left = (last_day - today).days
    if days_left < 0:
        return "expired"
    return "expiring" if days_left <= EXPIRING_WITHIN_DAYS else "valid"


def decision_day(value: object) -> date | None:
    """The decision date as a day; None when missing or not a whole ISO day (a month or
    a year alone cannot say which day the certificate ends).

    >>> decision_day("2024-05-29"), decision_day("2024-05"), decision_day(None)
    (datetime.date(2024, 5, 29), None, None)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()[:10]
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def certificate(decision: object, today: date) -> Certificate:
    """The certificate of a product whose decision date is ``decision``, seen on ``today``."""
    day = decision_day(decision)
    last_day = valid_until(day) if day is not None else None
    return Certificate(
        last_day.isoformat() if last_day else None, certificate_status(last_day, today)
    )


def certificates(decisions: Iterable[object], today: date) -> list[Certificate]:
    """:func:`certificate` of each decision date, in order; each distinct date is worked
    out once (decisions are signed in batches, so a catalog holds few distinct dates)."""
    known: dict[object, Certificate] = {}
    found = []
    for decision in decisions:
        key = decision if isinstance(decision, str | date) or decision is None else str(decision)
        if key not in known:
            known[key] = certificate(decision, today)
        found.append(known[key])
    return found
