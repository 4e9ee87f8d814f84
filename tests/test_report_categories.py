"""The counts statement's single CASE per row agrees with the counting conditions it replaced (issue 13).

Every combination of due date, original due date, opening day, completion day, kind and state around a
window's opening and its cut-off, counted by :func:`queries.count_totals` and by the seven
``SUM(CASE …)`` of :func:`queries._conditions` over the same relevant rows."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, insert, select
from sqlmodel import Session

from dondoc.domain.periods import Window
from dondoc.domain.report_math import Counts
from dondoc.reports import queries

START, AS_OF = date(2025, 9, 15), date(2025, 11, 18)
DAY = timedelta(days=1)
#: the days that matter: before the window, its opening, inside it, the cut-off, after it
DAYS = [START - 9 * DAY, START, START + 20 * DAY, AS_OF, AS_OF + 5 * DAY]


def _reference(key: str, as_of: date, session: Session) -> dict[int, Counts]:
    """The former counts: the seven conditions summed per ``key`` over the rows of :func:`queries._relevant`."""
    names = ("agency_id", "directive_id", "due_date", "original_due_date", "opens_on", "completed_on", "kind")
    rows = queries._relevant(START, as_of, "p", [queries.T.c[name] for name in names]).subquery()
    conditions = queries._conditions(START, as_of, rows.c)
    counted = list(Counts.__dataclass_fields__)
    stmt = select(rows.c[key], *(queries._n(conditions[n]) for n in counted)).group_by(rows.c[key])
    return {r[0]: Counts(*map(int, r[1:])) for r in session.connection().execute(stmt) if any(r[1:])}


@pytest.mark.parametrize("first_id", [1, 100_000_007])  # large ids: the grouping key packs agency and directive ids
def test_one_category_per_row_counts_as_the_seven_conditions(first_id: int) -> None:
    engine = create_engine("sqlite://")
    queries.T.metadata.create_all(engine, tables=[queries.A, queries.T])
    now = datetime.now(UTC)
    combos = itertools.product(
        [None, *DAYS],  # due
        ["same", "earlier", None],  # original due date: unchanged, extended from earlier, missing
        DAYS,  # opens
        [None, *DAYS],  # completed
        ["recurring", "ongoing"],
        ["open", "done", "cancelled"],
    )
    rows = []
    for n, (due, original, opens, completed, kind, state) in enumerate(combos):
        agency = first_id + n % 7  # spread over agencies so that several margins are compared
        first_due = due if original == "same" else (due - 3 * DAY if original and due else None)
        rows.append(
            {
                **{"assignment_id": 1, "directive_id": first_id + n % 3, "agency_id": agency, "period": f"p{n}", "kind": kind},
                **{"opens_on": opens, "due_date": due, "original_due_date": first_due, "state": state},
                **{"completed_on": completed, "kpi_values": {}, "updated_at": now},
            }
        )
    with Session(engine) as session:
        session.connection().execute(
            insert(queries.A),
            [
                {"id": a, "code": f"a{a}", "province": "p", "name": f"A{a}", "aliases": [], "kind": "department", "contacts": []}
                for a in range(first_id, first_id + 7)
            ],
        )
        session.connection().execute(insert(queries.T), rows)
        for as_of in (AS_OF, START + 20 * DAY, START):
            by_agency, by_directive = queries.count_totals("p", Window(START, as_of), as_of, session=session)
            assert by_agency == _reference("agency_id", as_of, session)
            assert by_directive == _reference("directive_id", as_of, session)
            # every count is exercised, the extended ones included
            assert all(sum(v) for v in zip(*(c.values() for c in by_agency.values()), strict=True))
