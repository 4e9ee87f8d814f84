"""Reporting lines of a task: whom a lead's instance reports to (kept apart from planning, which
parses deadline phrases: reading a task's row needs only this)."""

from __future__ import annotations

from collections.abc import Sequence


def report_targets(agency: str, report_to: Sequence[str]) -> list[str]:
    """Whom one lead's instance reports to: the item's ``report_to`` without the agency itself.

    "Các sở báo cáo Sở Nội vụ": Sở Nội vụ leads its own instance too, but does not report to itself.
    """
    return [body for body in report_to if body != agency]
