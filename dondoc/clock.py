"""The one place that reads the wall clock; everything else takes ``as_of`` as a parameter."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dondoc.configuration.settings import TZ


def today_vn() -> date:
    """Today in Asia/Ho_Chi_Minh (not UTC: 31/03 17:00 UTC is already 01/04 there)."""
    return datetime.now(TZ).date()


def utc_now() -> datetime:
    """The current instant, timezone-aware UTC (stored as UTC; converted at the edge)."""
    return datetime.now(UTC)
