"""A parsed deadline → the reading object `explain-deadline --format json` prints.

Kept to one small function so it can be replaced by the parser's own ``reading_json`` when it lands.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from dondoc.domain.deadlines import DeadlineKind, ParsedDeadline
from dondoc.domain.recurrence import occurrences

_KIND = {
    DeadlineKind.ONCE: "once",
    DeadlineKind.MILESTONE: "once",
    DeadlineKind.RECURRING: "recurring",
    DeadlineKind.ONGOING: "ongoing",
    DeadlineKind.EVENT: "event",
    DeadlineKind.UNKNOWN: "unknown",
}
_STATED_DAY = re.compile(r"\bngày\s+\d{1,2}\b|\b\d{1,2}\s*[/.-]\s*\d{1,2}\b")


def reading_json(parsed: ParsedDeadline, *, issued: date | None, count: int = 6) -> dict[str, Any]:
    """{kind, dates, reading, understood}: dates are ISO days, the first ``count`` of a cycle."""
    dates: list[date] = []
    if parsed.rules:
        start = parsed.starts or issued
        if start is not None:
            dates = occurrences(parsed.rules, start=start, end=date(start.year + 10, 12, 31))[:count]
    elif parsed.due:
        dates = [parsed.due]
    return {
        "kind": _KIND[parsed.kind],
        "dates": [d.isoformat() for d in dates],
        "reading": parsed.reading,
        "understood": parsed.understood,
    }


def from_reporting_calendar(parsed: ParsedDeadline) -> bool:
    """A cycle whose day the text does not give ("định kỳ hàng quý"): its dates are the province's policy."""
    if parsed.kind is not DeadlineKind.RECURRING or parsed.text is None:
        return False
    return _STATED_DAY.search(parsed.text) is None
