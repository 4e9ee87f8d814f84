"""Report maths from counts (pure): rates, change, colours, KPI targets by level, delays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dondoc.domain.policy import Policy, RatingPolicy
from dondoc.domain.report_math import (
    CompletionRecord,
    Counts,
    FrozenWindow,
    KpiTarget,
    Settled,
    agency_levels,
    all_time_counts,
    attainment,
    change,
    colour,
    delayers,
    kpi_colour,
    kpi_met,
    on_time_rate,
    percent,
    pick_target,
    shares,
    signed,
    stale_periods,
    total,
)
from dondoc.domain.status import Colour

POLICY = Policy()


@pytest.mark.parametrize(
    ("counts", "rate", "expected"),
    [
        (Counts(on_time=97, late=3), 97.0, Colour.XANH),
        (Counts(on_time=96, overdue=4), 96.0, Colour.VANG),
        (Counts(on_time=90, late=5, overdue=5), 90.0, Colour.VANG),
        (Counts(on_time=89, late=11), 89.0, Colour.CAM),
        (Counts(on_time=80, overdue=20), 80.0, Colour.CAM),
        (Counts(on_time=79, overdue=21), 79.0, Colour.DO),
        (Counts(in_progress=10), None, Colour.NONE),  # nothing due yet: no rating
        (Counts(on_time=1, in_progress=50), 100.0, Colour.XANH),  # in-progress tasks are not "due"
    ],
)
def test_on_time_rate_and_colour(counts: Counts, rate: float | None, expected: Colour) -> None:
    assert on_time_rate(counts) == rate
    assert colour(counts, POLICY) is expected


def test_thresholds_come_from_policy() -> None:
    strict = Policy(rating=RatingPolicy(xanh=99.0, vang=95.0, cam=90.0))
    assert colour(Counts(on_time=97, late=3), strict) is Colour.VANG


def test_counts_add_and_total() -> None:
    a = Counts(1, 2, 3, 4, 5, 6, 7)
    b = Counts(10, 20, 30, 40, 50, 60, 70)
    assert a + b == Counts(11, 22, 33, 44, 55, 66, 77)
    assert total([a, b, Counts()]) == a + b
    assert (a.total, a.due, a.done) == (10, 7, 3)
    assert Counts.from_dict(a.as_dict()) == a


def test_shares_sum_to_about_100() -> None:
    s = shares(Counts(on_time=1, late=1, in_progress=1, overdue=0))
    assert s == {"on_time": 33.3, "late": 33.3, "in_progress": 33.3, "overdue": 0.0}
    assert shares(Counts()) == {"on_time": None, "late": None, "in_progress": None, "overdue": None}


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (Counts(on_time=9, overdue=1), Counts(on_time=8, overdue=2), (1, 0, 0, -1, 10.0)),
        (Counts(on_time=5, in_progress=3), Counts(in_progress=7), (5, 0, -4, 0, None)),
        (Counts(late=2), Counts(on_time=2), (-2, 2, 0, 0, -100.0)),
    ],
)
def test_change(now: Counts, before: Counts, expected: tuple[int, int, int, int, float | None]) -> None:
    c = change(now, before)
    assert c is not None
    assert (c.on_time, c.late, c.in_progress, c.overdue, c.on_time_rate_points) == expected
    assert change(now, None) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [(3, "+3"), (-2, "−2"), (0, "0"), (None, "—"), (2.5, "+2,5"), (-0.5, "−0,5")],
)
def test_signed(value: float | None, text: str) -> None:
    assert signed(value) == text


def test_percent_uses_decimal_comma() -> None:
    assert (percent(97.5), percent(None), percent(100.0)) == ("97,5 %", "—", "100,0 %")


@pytest.mark.parametrize(
    ("kind", "levels"),
    [
        ("department", {"department", "province"}),
        ("board", {"department", "province"}),
        ("office", {"department", "province"}),
        ("office_unit", {"department", "province"}),
        ("vertical_agency", {"department", "province"}),
        ("district", {"district"}),
        ("commune", {"commune"}),
        ("something_else", set()),
    ],
)
def test_agency_levels(kind: str, levels: set[str]) -> None:
    assert agency_levels(kind) == levels


# 170/KH-VP PL 4.1: at least 70% (the provincial centre), 40% (districts), 35% (communes) digitised.
DIGITISED = [
    KpiTarget("digitized_rate", "tỉnh", 70, level="province", agency="dn-vp-ttpvhcc"),
    KpiTarget("digitized_rate", "huyện", 40, level="district"),
    KpiTarget("digitized_rate", "xã", 35, level="commune"),
]


@pytest.mark.parametrize(
    ("targets", "agency", "kind", "expected"),
    [
        (DIGITISED, "dn-vp-ttpvhcc", "office_unit", 70),
        (DIGITISED, "dn-ubnd-bien-hoa", "district", 40),
        (DIGITISED, "xa-1", "commune", 35),
        (DIGITISED, "dn-so-tttt", "department", None),  # named agency only; no level target for departments
        ([*DIGITISED, KpiTarget("digitized_rate", "chung", 50)], "dn-so-tttt", "department", 50),  # "any" as fallback
        ([KpiTarget("x", "sở", 80, level="department"), KpiTarget("x", "chung", 10)], "dn-so-tttt", "department", 80),
        ([KpiTarget("other", "khác", 10)], "dn-so-tttt", "department", None),  # another key
    ],
)
def test_pick_target(targets: list[KpiTarget], agency: str, kind: str, expected: float | None) -> None:
    found = pick_target(targets, "digitized_rate" if targets[0].key == "digitized_rate" else "x", agency, kind)
    assert (found.target if found else None) == expected


@pytest.mark.parametrize(
    ("comparator", "target", "actual", "met", "reached", "expected"),
    [
        (">=", 70, 72.5, True, 103.6, Colour.XANH),
        (">=", 70, 70, True, 100.0, Colour.XANH),
        (">=", 70, 69, False, 98.6, Colour.VANG),  # nearly there, but not met: never green
        (">=", 100, 92, False, 92.0, Colour.VANG),
        (">=", 100, 85, False, 85.0, Colour.CAM),
        (">=", 40, 20, False, 50.0, Colour.DO),
        ("<=", 5, 4, True, 125.0, Colour.XANH),
        ("<=", 5, 10, False, 50.0, Colour.DO),
        ("==", 100, 100, True, 100.0, Colour.XANH),
        ("==", 100, 99, False, 0.0, Colour.DO),
    ],
)
def test_kpi(comparator: str, target: float, actual: float, met: bool, reached: float, expected: Colour) -> None:
    assert kpi_met(comparator, target, actual) is met
    assert attainment(comparator, target, actual) == reached
    assert kpi_colour(comparator, target, actual, POLICY) is expected


def test_kpi_target_from_seed_dict() -> None:
    t = KpiTarget.from_dict(
        {"key": "digitized_rate", "label": "Số hóa", "target": 70, "unit": "%", "comparator": ">=", "level": "province"}
    )
    assert (t.target, t.level, t.agency, t.comparator) == (70.0, "province", None, ">=")


def test_delayers_worst_first() -> None:
    rows = [
        ("a", "Sở A", Counts(on_time=5)),
        ("b", "Sở B", Counts(overdue=1, late=4)),
        ("c", "Sở C", Counts(overdue=3)),
        ("d", "Sở D", Counts(late=2)),
        ("e", "Sở E", Counts(overdue=1)),
    ]
    found = delayers(rows, {"b": 10, "c": 2, "e": 30})
    assert [d.agency for d in found] == ["c", "e", "b", "d"]
    assert (found[1].overdue, found[1].max_days_overdue) == (1, 30)


# --- all-time figures: frozen periods + the live part -----------------------------------------


@pytest.mark.parametrize(
    ("frozen", "live", "expected"),
    [
        ([], {}, {}),
        # nothing frozen yet: the live part is everything
        ([], {1: Counts(on_time=2, overdue=1)}, {1: Counts(on_time=2, overdue=1)}),
        # settled counts add up over the frozen periods and the live part; states come from the live part only
        (
            [{1: Settled(on_time=3, late=1, extended=1)}, {1: Settled(on_time=2), 2: Settled(late=4)}],
            {1: Counts(on_time=1, in_progress=5, overdue=2, ongoing=1, extended=1)},
            {1: Counts(on_time=6, late=1, in_progress=5, overdue=2, ongoing=1, extended=2), 2: Counts(late=4)},
        ),
        # ongoing tasks reported in a frozen period are still ongoing
        ([{3: Settled(ongoing=2, undated=1)}], {3: Counts(ongoing=1)}, {3: Counts(ongoing=3, undated=1)}),
        # an agency with nothing to count is left out
        ([{4: Settled()}], {4: Counts()}, {}),
    ],
)
def test_all_time_counts(frozen: list[dict[int, Settled]], live: dict[int, Counts], expected: dict[int, Counts]) -> None:
    assert all_time_counts(frozen, live) == expected


Q4 = FrozenWindow("2023-Q4", date(2023, 9, 15), date(2023, 12, 14), datetime(2023, 12, 16, 1, 0, tzinfo=UTC))
Q1 = FrozenWindow("2024-Q1", date(2023, 12, 15), date(2024, 3, 14), datetime(2024, 3, 16, 1, 0, tzinfo=UTC))
MARGIN = timedelta(minutes=10)


def _rec(at: datetime, on: date | None, previous: date | None = None, instance: int = 7) -> CompletionRecord:
    return CompletionRecord(instance, at, on, previous)


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([], {}),
        # recorded before Q4 was frozen: already in its counts
        ([_rec(datetime(2023, 12, 10, tzinfo=UTC), date(2023, 12, 10))], {}),
        # recorded after the freeze, dated inside Q4 (back-dated): Q4 re-opens
        ([_rec(datetime(2023, 12, 21, tzinfo=UTC), date(2023, 12, 12))], {"2023-Q4": [7]}),
        # recorded after the freeze but dated after Q4's cut-off: the live part has it
        ([_rec(datetime(2023, 12, 21, tzinfo=UTC), date(2023, 12, 20))], {}),
        # still in flight when Q4 was frozen (within the margin): checked too
        ([_rec(Q4.frozen_at - timedelta(minutes=3), date(2023, 12, 1))], {"2023-Q4": [7]}),
        # --force moved a completion out of Q4 into Q1 (after both froze): both re-open
        (
            [_rec(datetime(2024, 4, 1, tzinfo=UTC), date(2024, 1, 5), previous=date(2023, 12, 1), instance=9)],
            {"2023-Q4": [9], "2024-Q1": [9]},
        ),
        # two late completions into Q1, one into nothing frozen
        (
            [
                _rec(datetime(2024, 4, 1, tzinfo=UTC), date(2024, 2, 1), instance=1),
                _rec(datetime(2024, 4, 2, tzinfo=UTC), date(2024, 3, 14), instance=2),
                _rec(datetime(2024, 4, 2, tzinfo=UTC), date(2024, 3, 15), instance=3),
            ],
            {"2024-Q1": [1, 2]},
        ),
    ],
)
def test_stale_periods(records: list[CompletionRecord], expected: dict[str, list[int]]) -> None:
    assert stale_periods([Q4, Q1], records, MARGIN) == expected
