"""Issue 13: the structural properties the benchmark figures rest on (no timing here; ./run bench times)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

import dondoc.domain.reminders as planner
from dondoc.domain.policy import ReminderPolicy
from dondoc.domain.reminders import DueInstance, StageMemo, plan_reminders
from dondoc.domain.workdays import WorkCalendar

DAY = date(2023, 12, 7)  # a Thursday


def _instances(n: int) -> list[DueInstance]:
    dues = [date(2023, 12, 8), date(2023, 12, 12), date(2023, 11, 30)]
    return [
        DueInstance(i, dues[i % 3], date(2023, 11, 1), monthly=False, lead=f"a{i % 7}", co_agencies=("c1",) if i % 2 else (), coordinator="vp", province="p")
        for i in range(n)
    ]


def test_the_ladder_is_evaluated_once_per_due_date_and_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = ReminderPolicy()
    calendar = WorkCalendar()
    expected = plan_reminders(DAY, _instances(300), policy_of=lambda _i: policy, calendar=calendar)
    calls: list[tuple[date, str]] = []
    real = planner.current_stage  # one ladder evaluation (its rungs, without building every Stage)

    def counting(due: date, **kw: Any) -> Any:
        calls.append((due, kw["audience"]))
        return real(due, **kw)

    monkeypatch.setattr(planner, "current_stage", counting)
    stages = StageMemo()
    first = plan_reminders(DAY, _instances(300), policy_of=lambda _i: policy, calendar=calendar, memo=stages)
    again = plan_reminders(DAY, _instances(300), policy_of=lambda _i: policy, calendar=calendar, memo=stages)
    assert first == again == expected
    assert len(calls) == len(set(calls)) == 6  # 3 due dates x (lead, co), whatever the number of instances


def test_migration_heads_are_read_without_alembic_and_agree_with_it() -> None:
    from alembic.script import ScriptDirectory

    from dondoc.db.migrate import _heads, alembic_config

    assert _heads() == frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def _book() -> Any:
    from sqlalchemy import select

    from dondoc.db import session_scope
    from dondoc.models import Agency
    from dondoc.reminders import notify
    from dondoc.reminders.contacts import Contact, ContactBook

    with session_scope() as session:
        codes = list(session.execute(select(Agency.code)).scalars())  # type: ignore[call-overload]
    contacts = []
    for code in codes:
        for role in ("focal", "head", "coordinator"):
            address = f"{role}.{code}@test.gov.vn"
            channel = notify.Channel(f"email:{address}", f"mailto://localhost/{address}", "email", 32768)
            contacts.append(Contact("test", frozenset({code, role}), f"mailto://127.0.0.1:9?to={address}", channel))
    return ContactBook(contacts)


def test_a_dry_run_renders_nothing_unless_asked(seeded_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.reminders import service as sweep

    book = _book()
    day, now = date(2023, 12, 7), datetime(2023, 12, 7, 1, tzinfo=UTC)
    shown = sweep.run_sweep(day, dry_run=True, render=True, now=now, today=date(2023, 12, 31), contacts=book)
    assert shown.digests
    assert all(d.text for d in shown.digests)

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("rendered on a dry run")

    for name in ("render_html", "render_text", "render_chat"):
        monkeypatch.setattr(sweep, name, refuse)
    quiet = sweep.run_sweep(day, dry_run=True, now=now, today=date(2023, 12, 31), contacts=book)
    assert [(d.recipient, d.subject, d.lines, d.instances) for d in quiet.digests] == [
        (d.recipient, d.subject, d.lines, d.instances) for d in shown.digests
    ]
    assert (quiet.planned, quiet.candidates) == (shown.planned, shown.candidates)
    assert all(d.text == "" and d.delivered is None for d in quiet.digests)


def test_ledger_states_through_the_key_table_match_the_inline_list(any_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.db import session_scope
    from dondoc.reminders import store as ledger

    now = datetime(2024, 1, 2, tzinfo=UTC)
    stored = [ledger.Key(i, f"email:r{i % 5}", "before-3", date(2024, 1, i % 28 + 1)) for i in range(1, 400)]
    absent = [ledger.Key(i, "email:nobody", "due-day", date(2024, 1, 5)) for i in range(1, 100)]
    # rows of the same stages to another recipient, never asked about: the table holds stages, these are left out
    unasked = [k._replace(recipient="email:other") for k in stored[:50]]
    with session_scope() as session:
        _instances_for(session, 400)
        ledger.plan([ledger.Planned(k, "a", "focal") for k in stored + unasked], day=date(2024, 1, 2), now=now, session=session)
    with session_scope() as session:
        ledger.mark_sent(stored[:10], now=now, session=session)
    with session_scope() as session:
        through_table = ledger.states(stored + absent, session=session)
        monkeypatch.setattr(ledger, "_INLINE", 10_000)
        inline = ledger.states(stored + absent, session=session)
        again = ledger.states(stored[:3], session=session)  # the key table is emptied between calls
    assert through_table == inline
    assert set(through_table) == set(stored)
    assert through_table[stored[0]].state == "sent"
    assert through_table[stored[20]].state == "pending"
    assert set(again) == set(stored[:3])


def _instances_for(session: Any, n: int) -> None:
    """Bare rows the ledger's foreign key can point at (one province, agency, directive, assignment)."""
    from sqlalchemy import text

    now = datetime(2024, 1, 1, tzinfo=UTC)
    session.execute(text("INSERT INTO province (code, name, registry_as_of, registry_file) VALUES ('p', 'P', '2024-01-01', 'x')"))
    session.execute(text("INSERT INTO agency (id, code, province, name, aliases, kind, contacts) VALUES (1, 'a', 'p', 'A', '[]', 'department', '[]')"))
    session.execute(
        text(
            "INSERT INTO directive (id, code, number, province, issuer_code, kind, issued_year, title, source_file, seed_file, "
            "coordinator_code, start_date, recipients, kpis, content_hash, imported_at) VALUES "
            "(1, 'd', 'd', 'p', 'a', 'chi_thi', 2024, 'T', 'x', 'x', 'a', '2024-01-01', '[]', '[]', 'x', :now)"
        ),
        {"now": now},
    )
    session.execute(
        text(
            "INSERT INTO assignment (id, directive_id, position, clause, text, summary, lead_code, lead_is_group, co_agencies, "
            "deadline_kind, deadline_reading, deadline_understood, depends_on, kpis, active) VALUES "
            "(1, 1, 0, '1', 't', 's', 'a', false, '[]', 'once', 'x', true, '[]', '[]', true)"
        )
    )
    session.execute(
        text(
            "INSERT INTO task_instance (id, assignment_id, directive_id, agency_id, period, kind, opens_on, due_date, original_due_date, "
            "state, kpi_values, due_on_day_off, updated_at) VALUES (:id, 1, 1, 1, :period, 'once', '2024-01-01', '2024-02-01', "
            "'2024-02-01', 'open', '{}', false, :now)"
        ),
        [{"id": i, "period": f"n{i}", "now": now} for i in range(1, n + 1)],
    )


def test_task_tables_are_bounded_with_a_pointer_to_the_rest(seeded_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.cli import app, core

    monkeypatch.setattr(core, "TABLE_ROWS", 3)
    result = CliRunner().invoke(app, ["tasks", "--directive", "11677/UBND-HCC", "--as-of", "06/12/2023"])
    assert result.exit_code == 0, result.output
    assert "Hiển thị 3/" in result.stdout
    assert "--format json" in result.stdout
