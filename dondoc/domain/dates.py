"""How dates are written for people: dd/mm/yyyy (Vietnamese administrative style)."""

from __future__ import annotations

from datetime import date


def vn_date(day: date | None, empty: str = "—") -> str:
    """``06/12/2023``; ``empty`` when there is no date (ongoing tasks)."""
    return day.strftime("%d/%m/%Y") if day else empty
