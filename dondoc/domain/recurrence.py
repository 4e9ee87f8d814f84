"""Expansion of RFC 5545 recurrence rules (python-dateutil) into due dates and periods."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rruleset, rrulestr

from dondoc.domain.deadlines import Frequency


def occurrences(rules: Sequence[str], *, start: date, end: date) -> list[date]:
    """Every occurrence of ``rules`` in [start, end], in order."""
    if end < start:
        return []
    dtstart = datetime.combine(start, time())
    rset = rruleset()
    for rule in rules:
        rset.rrule(rrulestr(rule, dtstart=dtstart))  # type: ignore[arg-type]
    return [moment.date() for moment in rset.between(dtstart, datetime.combine(end, time()), inc=True)]


def horizon_end(as_of: date, months: int) -> date:
    """The last day planned for open-ended cycles (rolling horizon)."""
    return as_of + relativedelta(months=months)


def period_label(frequency: Frequency | None, due: date) -> str:
    """A human period key for one occurrence: 2023-09, 2023-Q4, 2024-H1, 2024 or the ISO date."""
    match frequency:
        case Frequency.MONTHLY:
            return f"{due.year}-{due.month:02d}"
        case Frequency.QUARTERLY:
            return f"{due.year}-Q{(due.month - 1) // 3 + 1}"
        case Frequency.HALF_YEARLY:
            return f"{due.year}-H{1 if due.month <= 6 else 2}"
        case Frequency.YEARLY:
            return f"{due.year}-{due.month:02d}-{due.day:02d}" if due.month != 12 else f"{due.year}"
        case _:
            return due.isoformat()
