"""What a report holds: plain data, stored as JSON in a frozen snapshot and rendered in every form.

The rows of its lists are named tuples: a report lists tens of thousands of them, and a tuple is built
in one step where a frozen dataclass sets each field through ``object.__setattr__`` (issue 13).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from dondoc.domain.report_math import Counts


@dataclass(frozen=True)
class GroupRow:
    """One directive or one agency with its counts for the window."""

    code: str
    name: str
    detail: str  # directive: title; agency: kind
    counts: Counts


class OverdueRow(NamedTuple):
    instance_id: int
    directive: str
    clause: str
    summary: str
    agency: str
    agency_name: str
    due: date
    days_overdue: int
    extended: bool


class ExtendedRow(NamedTuple):
    instance_id: int
    directive: str
    clause: str
    summary: str
    agency_name: str
    original_due: date | None
    due: date
    reason: str
    done_on: date | None


class OngoingRow(NamedTuple):
    directive: str
    clause: str
    summary: str
    leads: int
    reported: int  # lead agencies that reported on it within the window


class KpiRow(NamedTuple):
    directive: str
    clause: str
    agency: str
    agency_name: str
    key: str
    label: str
    comparator: str
    target: float
    unit: str
    actual: float
    reported_on: date


@dataclass(frozen=True)
class PreviousSummary:
    """The previous period's totals, shown beside this one's."""

    period_key: str
    period_short: str
    counts: Counts


@dataclass(frozen=True)
class ReportData:
    province: str
    province_name: str
    period_key: str
    period_label: str  # "quý IV năm 2023"
    period_short: str  # "Quý IV/2023"
    cutoff_mode: str
    window_start: date
    window_end: date
    as_of: date  # the day the data is evaluated at (the cut-off for a closed period)
    frozen: bool
    rating: dict[str, float]
    totals: Counts
    previous: PreviousSummary | None
    directives: list[GroupRow] = field(default_factory=list)
    agencies: list[GroupRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    extended: list[ExtendedRow] = field(default_factory=list)
    ongoing: list[OngoingRow] = field(default_factory=list)
    kpis: list[KpiRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return _encode(self)  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportData:
        return _decode(cls, data, top=True)  # type: ignore[no-any-return]


def _encode(value: Any) -> Any:
    if isinstance(value, Counts):
        return value.as_dict()
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a list row (named tuple)
        return {name: _encode(v) for name, v in zip(value._fields, value, strict=True)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


_NESTED: dict[str, type] = {
    "directives": GroupRow,
    "agencies": GroupRow,
    "overdue": OverdueRow,
    "extended": ExtendedRow,
    "ongoing": OngoingRow,
    "kpis": KpiRow,
}
_DATES = {"window_start", "window_end", "as_of", "due", "original_due", "done_on", "reported_on"}


def _field_names(cls: type) -> tuple[str, ...]:
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return cls._fields  # type: ignore[attr-defined,no-any-return]  # a named tuple


def _decode(cls: type, data: dict[str, Any], *, top: bool = False) -> Any:
    kwargs: dict[str, Any] = {}
    for name in _field_names(cls):
        raw = data.get(name)
        if name in ("counts", "totals"):
            kwargs[name] = Counts.from_dict(raw or {})
        elif name == "previous":
            kwargs[name] = _decode(PreviousSummary, raw) if raw else None
        elif top and name in _NESTED:
            kwargs[name] = [_decode(_NESTED[name], item) for item in raw or []]
        elif name in _DATES:
            kwargs[name] = date.fromisoformat(raw) if raw else None
        else:
            kwargs[name] = raw
    return cls(**kwargs)


@dataclass(frozen=True)
class AllTimeReport:
    """A province's figures over all its history as of a day: the frozen closed periods plus the live part."""

    province: str
    province_name: str
    as_of: date
    cutoff_mode: str
    frozen_periods: tuple[str, ...]  # the closed quarters summed from their frozen counts, oldest first
    live_from: date | None  # the first day counted live (None: everything was counted live)
    reopened: tuple[str, ...]  # frozen periods re-opened by this build (a completion recorded later fell in them)
    totals: Counts
    agencies: list[GroupRow] = field(default_factory=list)
