"""The sweep reads only the part of the dated registry its co-agency lists reach
(``reminders.queries.registry_for``); expanding any list with it must give what the whole registry
gives, on every day, with the 2025 successions and mergers imported (real seeds, SQLite)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from dondoc.db import session_scope
from dondoc.directives import service as services
from dondoc.directives.queries import co_agency_registry
from dondoc.models import Agency, AgencyGroup, Assignment
from dondoc.reminders.queries import registry_for

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"
DAYS = [date(2023, 12, 6), date(2025, 2, 28), date(2025, 3, 1), date(2025, 6, 30), date(2025, 7, 1), date(2026, 1, 5)]


def test_the_scoped_registry_expands_every_list_as_the_whole_registry(seeded_sqlite: str) -> None:
    services.import_paths(sorted((SEEDS / "agencies").glob("*-2025-*.yaml")), as_of=date(2025, 8, 1), actor="test")
    with session_scope() as session:
        whole = co_agency_registry(session=session)
        lists = {tuple(co) for (co,) in session.execute(select(col(Assignment.co_agencies))).all() if co}
        lists |= {(code,) for (code,) in session.execute(select(col(AgencyGroup.code))).all()}
        lists |= {(code,) for (code,) in session.execute(select(col(Agency.code))).all()}
        checked = changed = 0
        for codes in sorted(lists):
            scoped = registry_for(codes, session=session)
            assert len(scoped.lifespans) <= len(whole.lifespans)
            for day in DAYS:
                expected = whole.expand(codes, day)
                assert scoped.expand(codes, day) == expected, (codes, day)
                checked += 1
                changed += expected != list(codes)
    assert checked > 1000
    assert changed > 100  # groups, successions and mergers really were expanded
