"""Expansion of RFC 5545 recurrence rules (python-dateutil) into due dates and periods."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rruleset, rrulestr

from dondoc.domain.deadlines import Frequency
from dondoc.domain.periods import Period, PeriodKind


def occurrences(rules: Sequence[str], *, start: date, end: date) -> list[date]:
    """Every occurrence of ``rules`` in [start, end], in order."""
    if end < start:
        return []
    dtstart = datetime.combine(start, time())
    rset = rruleset()
    for rule in rules:
        rset.rrule(rrulestr(rule, dtstart=dtstart))  # type: ignore[arg-type]
    return [moment.date() for moment in rset.between(dtstart, datetime.combine(end, time()), inc=True)]


def is_monthly(rule: str | None) -> bool:
    """Whether a stored deadline rule is a monthly cycle (the reminder ladder's ``lead_before_monthly``).

    ``rule`` is the assignment's ``deadline_rule``: one RFC 5545 RRULE value per line (an
    optional ``RRULE:`` prefix is accepted; DTSTART/EXDATE/RDATE lines are ignored). It is
    monthly when it has at least one rule and every rule has ``FREQ=MONTHLY`` with no
    ``INTERVAL`` above 1 (every second month is not a monthly cycle; neither is a monthly rule
    combined with a yearly one). The order of the parts does not matter.
    """
    if not rule:
        return False
    found = False
    for line in rule.splitlines():
        line = line.strip()
        if not line:
            continue
        name, sep, value = line.partition(":")
        if sep and "=" not in name:  # a content line: "RRULE:…", "DTSTART:…", "EXDATE;…:…"
            if name.strip().upper() != "RRULE":
                continue
            line = value
        elif line.split(";", 1)[0].split("=", 1)[0].strip().upper() in {"DTSTART", "EXDATE", "RDATE", "EXRULE"}:
            continue
        parts: dict[str, str] = {}
        for part in line.split(";"):
            key, _, val = part.partition("=")
            parts[key.strip().upper()] = val.strip().upper()
        if parts.get("FREQ") != "MONTHLY":
            return False
        interval = parts.get("INTERVAL", "1")
        if not interval.isdigit() or int(interval) > 1:
            return False
        found = True
    return found


def horizon_end(as_of: date, months: int) -> date:
    """The last day planned for open-ended cycles (rolling horizon)."""
    return as_of + relativedelta(months=months)


def period_label(frequency: Frequency | None, due: date) -> str:
    """A human period key for one occurrence: 2023-09, 2023-Q4, 2024-H1, 2024 or the ISO date."""
    match frequency:
        case Frequency.MONTHLY:
            return Period(due.year, PeriodKind.MONTH, due.month).key
        case Frequency.QUARTERLY:
            return Period(due.year, PeriodKind.QUARTER, (due.month - 1) // 3 + 1).key
        case Frequency.HALF_YEARLY:
            return Period(due.year, PeriodKind.HALF, 1 if due.month <= 6 else 2).key
        case Frequency.YEARLY if due.month == 12:
            return Period(due.year, PeriodKind.YEAR, 1).key
        case _:
            return due.isoformat()  # several occurrences a year: the date itself is the period
