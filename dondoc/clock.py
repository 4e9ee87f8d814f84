"""The one place that reads the wall clock; everything else takes ``as_of`` as a parameter.

``DONDOC_TODAY`` (settings ``today``) fixes "today" for a whole process tree: replays, the tests of
the flows, and a worker that must act as of a given day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from dondoc.configuration.settings import TZ, get_settings


def today_vn() -> date:
    """Today in Asia/Ho_Chi_Minh (not UTC: 31/03 17:00 UTC is already 01/04 there), or the fixed day."""
    fixed = get_settings().today
    return fixed if fixed is not None else datetime.now(TZ).date()


def utc_now() -> datetime:
    """The current instant, timezone-aware UTC (stored as UTC; converted at the edge)."""
    return datetime.now(UTC)
