"""Report maths from aggregated counts (DOMAIN.md §4 and §6): rates, change, colours, KPIs, delays.

The database hands over counts per (agency, directive) for a period's window; everything a
report says about them is decided here, without I/O.

Counting rules for a window [start, end] evaluated as of ``as_of`` (the cut-off day, or an
earlier day while the period is still open):

- hoàn thành đúng hạn / quá hạn: completed within the window, on or before / after its due date
  (so a late completion after the cut-off shows up in the *next* period as "quá hạn");
- quá hạn chưa hoàn thành: not completed by ``as_of`` and due before ``as_of`` (backlog included);
- đang thực hiện trong hạn: not completed by ``as_of``, opened by then, due on or after it;
- ongoing (Thường xuyên) and undated tasks are counted apart, as are extended ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from dondoc.domain.numbers import percent_vi
from dondoc.domain.policy import Policy
from dondoc.domain.status import Colour, rating_colour

#: Agency kinds of the provincial level: a target for "province" or "department" applies to them.
PROVINCIAL_KINDS = frozenset(
    {"department", "board", "office", "office_unit", "inspectorate", "police", "vertical_agency", "province_committee"}
)


@dataclass(frozen=True)
class Counts:
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    overdue: int = 0
    ongoing: int = 0
    undated: int = 0
    extended: int = 0

    def __add__(self, other: Counts) -> Counts:
        return total((self, other))

    @property
    def total(self) -> int:
        """The four official categories."""
        return self.on_time + self.late + self.in_progress + self.overdue

    @property
    def due(self) -> int:
        """Tasks that reached their deadline or were settled in the window: the rating's denominator."""
        return self.on_time + self.late + self.overdue

    @property
    def done(self) -> int:
        return self.on_time + self.late

    def values(self) -> tuple[int, int, int, int, int, int, int]:
        """The counts in field order."""
        return (self.on_time, self.late, self.in_progress, self.overdue, self.ongoing, self.undated, self.extended)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counts:
        return cls(**{f.name: int(data.get(f.name, 0)) for f in fields(cls)})


def total(counts: Iterable[Counts]) -> Counts:
    """The field-wise sum, column by column over plain tuples (a report adds up thousands of (agency, directive) rows)."""
    columns = list(zip(*(c.values() for c in counts), strict=True))
    return Counts(*map(sum, columns)) if columns else Counts()


# --- all-time figures from frozen periods ------------------------------------------------------


@dataclass(frozen=True)
class Settled:
    """What one agency's tasks settled inside a closed period's window add to all-time figures: done on
    time, done late, how many of those had been extended, and the ongoing and undated tasks reported in
    it (still counted as such). Open and overdue tasks are a state on a day, not a sum over periods:
    they always come from the live part."""

    on_time: int = 0
    late: int = 0
    extended: int = 0
    ongoing: int = 0
    undated: int = 0


def all_time_counts(frozen: Iterable[Mapping[int, Settled]], live: Mapping[int, Counts]) -> dict[int, Counts]:
    """All-time counts per agency: the settled counts of every frozen period, plus the live counts over
    the open periods (their settled tasks, and every state as of the report's day).

    ``live`` must count from the day after the last frozen window, so that no task is counted twice."""
    settled: dict[int, list[int]] = {}
    for period in frozen:
        for agency, s in period.items():
            sums = settled.setdefault(agency, [0] * 5)
            for n, value in enumerate((s.on_time, s.late, s.extended, s.ongoing, s.undated)):
                sums[n] += value
    out: dict[int, Counts] = {}
    for agency in settled.keys() | live.keys():
        on_time, late, extended, ongoing, undated = settled.get(agency, [0] * 5)
        c = live.get(agency, Counts())
        combined = Counts(
            c.on_time + on_time,
            c.late + late,
            c.in_progress,
            c.overdue,
            c.ongoing + ongoing,
            c.undated + undated,
            c.extended + extended,
        )
        if combined != Counts():
            out[agency] = combined
    return out


@dataclass(frozen=True)
class FrozenWindow:
    """A frozen period's counts: its key, its data window and when they were computed."""

    key: str
    start: date
    end: date
    frozen_at: datetime


@dataclass(frozen=True)
class CompletionRecord:
    """A completion from the audit trail: when it was recorded, the day it gives and the day it replaced."""

    instance_id: int
    at: datetime
    on: date | None
    previous: date | None


def stale_periods(frozen: Sequence[FrozenWindow], records: Iterable[CompletionRecord], margin: timedelta) -> dict[str, list[int]]:
    """The frozen periods a later completion falls into, each with the instances that did it.

    A completion recorded after a period's counts were computed, dated inside its window (or moving a
    completion out of it with ``--force``), changes what that window settled: those counts must be
    re-opened and recomputed, never left short. ``margin`` covers a completion whose transaction began
    before the counts were computed and committed after: it is treated as later too (recomputing an
    up-to-date period only finds the same numbers)."""
    stale: dict[str, list[int]] = {}
    for record in records:
        for period in frozen:
            if record.at <= period.frozen_at - margin:
                continue
            if any(day is not None and period.start <= day <= period.end for day in (record.on, record.previous)):
                stale.setdefault(period.key, []).append(record.instance_id)
    return stale


def rate(part: int, whole: int) -> float | None:
    """Percent with one decimal; None when there is nothing to divide by."""
    return None if whole == 0 else round(100.0 * part / whole, 1)


def on_time_rate(c: Counts) -> float | None:
    """DOMAIN.md §4: done on time / all due in the period."""
    return rate(c.on_time, c.due)


def shares(c: Counts) -> dict[str, float | None]:
    """Each official category as a share of the four together."""
    return {
        "on_time": rate(c.on_time, c.total),
        "late": rate(c.late, c.total),
        "in_progress": rate(c.in_progress, c.total),
        "overdue": rate(c.overdue, c.total),
    }


def colour(c: Counts, policy: Policy) -> Colour:
    return rating_colour(c.on_time, c.due, policy)


@dataclass(frozen=True)
class Change:
    """Current minus previous: counts per category and the on-time rate in percentage points."""

    on_time: int
    late: int
    in_progress: int
    overdue: int
    on_time_rate_points: float | None


def change(current: Counts, previous: Counts | None) -> Change | None:
    if previous is None:
        return None
    now, before = on_time_rate(current), on_time_rate(previous)
    points = None if now is None or before is None else round(now - before, 1)
    return Change(
        current.on_time - previous.on_time,
        current.late - previous.late,
        current.in_progress - previous.in_progress,
        current.overdue - previous.overdue,
        points,
    )


def signed(value: float | int | None, unit: str = "") -> str:
    """+3 / −2 / 0 for a change column ("—" when unknown)."""
    if value is None:
        return "—"
    if value == 0:
        return f"0{unit}"
    text = f"{abs(value):g}" if isinstance(value, float) else str(abs(value))
    return f"{'+' if value > 0 else '−'}{text.replace('.', ',')}{unit}"


def percent(value: float | None) -> str:
    """The one Vietnamese rate format: ``97,5 %`` (:func:`dondoc.domain.numbers.percent_vi`)."""
    return percent_vi(value)


@dataclass(frozen=True)
class Delay:
    agency: str
    name: str
    overdue: int
    late: int
    max_days_overdue: int


def delayers(by_agency: Sequence[tuple[str, str, Counts]], max_days: dict[str, int]) -> list[Delay]:
    """Agencies that caused delays in the window (overdue or completed late), worst first."""
    out = [Delay(code, name, c.overdue, c.late, max_days.get(code, 0)) for code, name, c in by_agency if c.overdue or c.late]
    return sorted(out, key=lambda d: (-d.overdue, -d.max_days_overdue, -d.late, d.name))


# --- KPI targets against reported actuals ----------------------------------------------------


@dataclass(frozen=True)
class KpiTarget:
    key: str
    label: str
    target: float
    unit: str = "%"
    comparator: str = ">="
    level: str = "any"
    agency: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KpiTarget:
        return cls(
            key=str(data["key"]),
            label=str(data.get("label", data["key"])),
            target=float(data["target"]),
            unit=str(data.get("unit", "%")),
            comparator=str(data.get("comparator", ">=")),
            level=str(data.get("level", "any")),
            agency=data.get("agency"),
        )


def agency_levels(kind: str) -> frozenset[str]:
    """The target levels an agency answers to: a district to "district", a department to "department"/"province"."""
    if kind == "district":
        return frozenset({"district"})
    if kind == "commune":
        return frozenset({"commune"})
    if kind in PROVINCIAL_KINDS:
        return frozenset({"department", "province"})
    return frozenset()


def pick_target(targets: Sequence[KpiTarget], key: str, agency: str, kind: str) -> KpiTarget | None:
    """The most specific target for this agency: named agency, then its level, then "any"."""
    candidates = [t for t in targets if t.key == key]
    levels = agency_levels(kind)
    for match in (
        lambda t: t.agency == agency,
        lambda t: t.agency is None and t.level in levels,
        lambda t: t.agency is None and t.level == "any",
    ):
        found = [t for t in candidates if match(t)]
        if found:
            return found[0]
    return None


def kpi_met(comparator: str, target: float, actual: float) -> bool:
    if comparator == ">=":
        return actual >= target
    if comparator == "<=":
        return actual <= target
    return abs(actual - target) < 1e-9


def attainment(comparator: str, target: float, actual: float) -> float | None:
    """How far the actual goes towards the target, percent (100 = met exactly)."""
    if comparator == ">=":
        return None if target == 0 else round(100.0 * actual / target, 1)
    if comparator == "<=":
        return None if actual == 0 else round(100.0 * target / actual, 1)
    return 100.0 if kpi_met(comparator, target, actual) else 0.0


def kpi_colour(comparator: str, target: float, actual: float, policy: Policy) -> Colour:
    """Met → xanh; otherwise the rating thresholds on attainment, never better than vàng."""
    if kpi_met(comparator, target, actual):
        return Colour.XANH
    reached = attainment(comparator, target, actual)
    if reached is None:
        return Colour.DO
    graded = rating_colour(round(reached * 10), 1000, policy)
    return Colour.VANG if graded is Colour.XANH else graded
