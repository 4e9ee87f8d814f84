"""How dates are written for people: dd/mm/yyyy (Vietnamese administrative style)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

#: Periods, "today" and send times are reckoned here, not in UTC (31/03 17:00 UTC is 01/04 here).
TIMEZONE_NAME = "Asia/Ho_Chi_Minh"
VN_TZ = ZoneInfo(TIMEZONE_NAME)


def vn_date(day: date | None, empty: str = "—") -> str:
    """``06/12/2023``; ``empty`` when there is no date (ongoing tasks)."""
    return day.strftime("%d/%m/%Y") if day else empty
