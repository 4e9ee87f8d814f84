"""Reporting periods and their data cut-off (DOMAIN.md §6).

A period is a month, quarter, half-year or year, named by a key: ``2023-11``, ``2023-Q4``,
``2024-H1``, ``2024``. Its data window follows NĐ 09/2019 Điều 12 (the 15th of the previous
period's last month to the 14th of the period's last month), or, as a province policy, the
calendar period itself. Everything here is in calendar dates of Asia/Ho_Chi_Minh: an instant is
converted with :func:`local_day` before it is compared with a period.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from dondoc.domain.dates import VN_TZ

CutoffMode = Literal["nd09", "calendar"]
ROMAN = ("I", "II", "III", "IV")


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
_COUNT = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}
_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|Q(?P<quarter>\d)|H(?P<half>\d)))?$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period key that does not name a period."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    index: int  # month 1-12, quarter 1-4, half 1-2, year 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= _COUNT[self.kind]:
            raise PeriodError(f"{self.kind} {self.index} does not exist")
        if not 1900 <= self.year <= 2999:
            raise PeriodError(f"year {self.year} is out of range")

    def _name(self, form: int) -> str:
        roman = ROMAN[self.index - 1] if self.kind is PeriodKind.QUARTER else ""
        half = "đầu" if self.index == 1 else "cuối"
        return _NAMES[self.kind][form].format(y=self.year, i=self.index, r=roman, h=half)

    @property
    def key(self) -> str:
        """``2023-11`` / ``2023-Q4`` / ``2024-H1`` / ``2024``."""
        return self._name(0)

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.index * _MONTHS[self.kind]

    @property
    def label_vi(self) -> str:
        """How the period is named in a report title: "quý IV năm 2023"."""
        return self._name(1)

    @property
    def short_vi(self) -> str:
        """Compact label for table headers: "Quý IV/2023"."""
        return self._name(2)


#: Per kind: the key, the title label and the short label (``y`` year, ``i`` index, ``r`` its Roman
#: numeral, ``h`` đầu/cuối for a half).
_NAMES = {
    PeriodKind.MONTH: ("{y}-{i:02d}", "tháng {i} năm {y}", "Tháng {i}/{y}"),
    PeriodKind.QUARTER: ("{y}-Q{i}", "quý {r} năm {y}", "Quý {r}/{y}"),
    PeriodKind.HALF: ("{y}-H{i}", "6 tháng {h} năm {y}", "6 tháng {h} {y}"),
    PeriodKind.YEAR: ("{y}", "năm {y}", "Năm {y}"),
}


@dataclass(frozen=True)
class Window:
    """The data window of a period, both ends included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def parse_period(key: str) -> Period:
    """``2023-11`` / ``2023-Q4`` / ``2024-H1`` / ``2024`` → Period; anything else is a PeriodError."""
    match = _KEY.match(key.strip())
    if not match:
        raise PeriodError(
            f"{key!r} is not a period; write 2023-11 (month), 2023-Q4 (quarter), 2024-H1 (half-year) or 2024 (year)"
        )
    year = int(match["year"])
    try:
        if match["month"]:
            return Period(year, PeriodKind.MONTH, int(match["month"]))
        if match["quarter"]:
            return Period(year, PeriodKind.QUARTER, int(match["quarter"]))
        if match["half"]:
            return Period(year, PeriodKind.HALF, int(match["half"]))
    except PeriodError as exc:
        raise PeriodError(f"{key!r}: {exc}; months are 01-12, quarters Q1-Q4, halves H1-H2") from exc
    return Period(year, PeriodKind.YEAR, 1)


def _last_day(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def previous(period: Period) -> Period:
    if period.index > 1:
        return Period(period.year, period.kind, period.index - 1)
    return Period(period.year - 1, period.kind, _COUNT[period.kind])


def following(period: Period) -> Period:
    if period.index < _COUNT[period.kind]:
        return Period(period.year, period.kind, period.index + 1)
    return Period(period.year + 1, period.kind, 1)


def window(period: Period, mode: CutoffMode = "nd09", cutoff_day: int = 14) -> Window:
    """The days whose data the period's report holds.

    ``nd09``: from the day after the previous period's cut-off (the 15th of its last month) to the
    cut-off day (the 14th) of this period's last month. ``calendar``: the period's own days.
    """
    if mode == "calendar":
        return Window(date(period.year, period.first_month, 1), _last_day(period.year, period.last_month))
    prev = previous(period)
    return Window(
        date(prev.year, prev.last_month, cutoff_day) + timedelta(days=1), date(period.year, period.last_month, cutoff_day)
    )


def period_of(day: date, kind: PeriodKind, mode: CutoffMode = "nd09", cutoff_day: int = 14) -> Period:
    """The period of ``kind`` whose window holds ``day`` (15/12/2023 is in 2024-Q1 under NĐ 09)."""
    month = day.month
    year = day.year
    if mode == "nd09" and day.day > cutoff_day:
        month += 1
        if month == 13:
            month, year = 1, year + 1
    index = (month - 1) // _MONTHS[kind] + 1
    return Period(year, kind, index)


def last_closed(as_of: date, kind: PeriodKind, mode: CutoffMode = "nd09", cutoff_day: int = 14) -> Period:
    """The latest period of ``kind`` whose window ended before ``as_of``."""
    return previous(period_of(as_of, kind, mode, cutoff_day))


def is_closed(period: Period, as_of: date, mode: CutoffMode = "nd09", cutoff_day: int = 14) -> bool:
    """A period is closed (its report can be frozen) once its cut-off day has passed."""
    return as_of > window(period, mode, cutoff_day).end


def closed_since(first_day: date, as_of: date, kind: PeriodKind, mode: CutoffMode = "nd09", cutoff_day: int = 14) -> list[Period]:
    """The periods of ``kind`` from the one holding ``first_day`` to the last closed by ``as_of``, oldest
    first: their windows follow each other without a gap (empty when ``first_day`` is not closed yet)."""
    period, last = period_of(first_day, kind, mode, cutoff_day), last_closed(as_of, kind, mode, cutoff_day)
    out: list[Period] = []
    while period <= last:
        out.append(period)
        period = following(period)
    return out


def unreported(latest: Period, stored: Collection[str], limit: int | None = None) -> list[Period]:
    """The closed periods a scheduled run still has to report, oldest first.

    Walks back from ``latest`` (the last closed period) until a period whose key is in ``stored``
    (the periods already frozen): everything closed since the last stored report. With nothing of
    ``latest``'s kind stored yet, only ``latest``: a new installation does not backfill history.
    ``limit`` (default: one year of periods) bounds the catch-up after a long pause.
    """
    kinds = {p.kind for p in map(_parsed_or_none, stored) if p is not None}
    if latest.kind not in kinds:
        return [latest]
    limit = _COUNT[latest.kind] if limit is None else limit
    pending: list[Period] = []
    period = latest
    while period.key not in stored and len(pending) < limit:
        pending.append(period)
        period = previous(period)
    return pending[::-1]


def _parsed_or_none(key: str) -> Period | None:
    try:
        return parse_period(key)
    except PeriodError:
        return None


def local_day(instant: datetime) -> date:
    """The calendar day in Viet Nam of an aware instant (31/03 17:00 UTC is 01/04 there)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: store instants in UTC with tzinfo and convert at the edge")
    return instant.astimezone(VN_TZ).date()


#: Instance periods that are not reporting periods (a one-off task, ongoing work): no label.
_NO_PERIOD = frozenset({"once", "ongoing"})


def period_vi(key: str) -> str:
    """How an instance's period reads for people: ``2023-11`` → ``Tháng 11/2023``, ``2023-Q4`` →
    ``Quý IV/2023``, an ISO date (several occurrences a year) → ``15/11/2023``, a one-off or
    ongoing task → empty. Unknown keys are shown as stored."""
    if key in _NO_PERIOD:
        return ""
    try:
        return date.fromisoformat(key).strftime("%d/%m/%Y")
    except ValueError:
        pass
    try:
        return parse_period(key).short_vi
    except PeriodError:
        return key
