"""OCOP certificate lifecycle: 36 months from the decision, status against the day served."""

from __future__ import annotations

import json
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap.catalog.certificates import (
    CERTIFICATE_STATUSES,
    EXPIRING_WITHIN_DAYS,
    certificate,
    certificate_status,
    certificates,
    decision_day,
    valid_until,
)
from brandmap.present.dataset import Dataset
from brandmap.store import GeoPackageStore
from tests.builders import tiny_snapshot

DECISIONS = st.dates(date(2000, 1, 1), date(2090, 12, 31))


def test_valid_until_keeps_the_day_of_month_three_years_on():
    assert valid_until(date(2022, 8, 22)) == date(2025, 8, 22)
    assert valid_until(date(2020, 2, 14)) == date(2023, 2, 14)


def test_a_leap_day_decision_ends_on_the_28th_of_february():
    assert valid_until(date(2024, 2, 29)) == date(2027, 2, 28)
    assert valid_until(date(2020, 2, 29)) == date(2023, 2, 28)


@given(DECISIONS)
def test_valid_until_is_36_calendar_months_later(decision):
    last = valid_until(decision)
    assert (last.year - decision.year) * 12 + last.month - decision.month == 36
    assert last.day == decision.day or (last.day < decision.day and (last + timedelta(1)).day == 1)
    assert 1094 <= (last - decision).days <= 1097


@given(DECISIONS)
def test_status_boundaries_around_the_last_day(decision):
    last = valid_until(decision)

    def on(days_before_last: int) -> str:
        return certificate(decision.isoformat(), last - timedelta(days_before_last)).status

    assert on(EXPIRING_WITHIN_DAYS + 1) == "valid"
    assert on(EXPIRING_WITHIN_DAYS) == "expiring"  # exactly 180 days left
    assert on(0) == "expiring"  # the last day itself is still covered
    assert on(-1) == "expired"


@given(DECISIONS, st.lists(st.integers(-2000, 2000), min_size=2, max_size=6))
def test_status_only_moves_forward_as_days_pass(decision, offsets):
    order = ["valid", "expiring", "expired"]
    days = sorted(decision + timedelta(days=n) for n in offsets)
    seen = [order.index(certificate(decision, today).status) for today in days]
    assert seen == sorted(seen)


@pytest.mark.parametrize("value", [None, "", "2024", "2024-05", "29/05/2024", "2024-02-30"])
def test_without_a_whole_decision_day_the_status_is_unknown(value):
    assert decision_day(value) is None
    assert certificate(value, date(2025, 1, 1)) == (None, "unknown")


def test_a_rating_year_alone_is_never_turned_into_a_date():
    assert certificate_status(None, date(2019, 1, 1)) == "unknown"


@given(st.lists(st.one_of(st.none(), DECISIONS.map(date.isoformat)), max_size=20), DECISIONS)
def test_certificates_of_a_column_equal_one_by_one(decisions, today):
    assert certificates(decisions, today) == [certificate(d, today) for d in decisions]


def _snapshot_with_decision(decision: str):
    snapshot = tiny_snapshot()
    snapshot.products["ocop_decision"] = ["1693/QĐ-UBND"]
    snapshot.products["ocop_decision_date"] = [decision]
    return snapshot


# Decided 2022-08-22: valid to 2025-08-22, expiring from 2025-02-23.
DAYS = {
    "valid": date(2025, 2, 22),
    "expiring": date(2025, 8, 22),
    "expired": date(2025, 8, 23),
}


def test_served_features_follow_the_day():
    dataset = Dataset(_snapshot_with_decision("2022-08-22"), DAYS["valid"])
    for status, today in DAYS.items():
        dataset = dataset.on(today)
        feature = json.loads(dataset.product_features[0])["properties"]
        assert (feature["ocop_status"], feature["ocop_valid_until"]) == (status, "2025-08-22")
        assert feature["ocop_decision"] == "1693/QĐ-UBND"


def test_the_service_turns_a_product_from_valid_to_expiring_to_expired(tmp_path):
    from brandmap.service.web import create_app

    snapshot = _snapshot_with_decision("2022-08-22")
    snapshot.meta["built_at"] = "2024-06-01T08:00:00+00:00"
    store = GeoPackageStore(tmp_path / "brandmap.gpkg")
    store.write(snapshot)
    today = [DAYS["valid"]]
    client = create_app(store, clock=lambda: today[0]).test_client()
    etags = []
    for status, day in DAYS.items():
        today[0] = day
        answer = client.get("/api/products/keo-dua")
        assert answer.json["properties"]["ocop_status"] == status
        matched = client.get(f"/api/products?ocop_status={status}").json["numberMatched"]
        assert matched == 1
        others = [s for s in CERTIFICATE_STATUSES if s != status]
        query = "&".join(f"ocop_status={s}" for s in others)
        assert client.get(f"/api/products?{query}").json["numberMatched"] == 0
        stats = client.get("/api/stats?by=category").json["rows"][0]
        assert stats[f"ocop_{status}"] == 1
        etags.append(answer.headers["ETag"])
        # Changed at midnight in the province (UTC+7), not when the store was built.
        midnight = parsedate_to_datetime(answer.headers["Last-Modified"]) + timedelta(hours=7)
        assert (midnight.date(), midnight.hour) == (day, 0)
        again = client.get("/api/products/keo-dua", headers={"If-None-Match": etags[-1]})
        assert again.status_code == 304
    assert len(set(etags)) == 3  # yesterday's copy is not today's
