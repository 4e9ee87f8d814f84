"""Planning in the database: idempotent, set-based, and safe for work already recorded (both backends)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlmodel import col, func, select

from dondoc.db import session_scope
from dondoc.directives import service as services
from dondoc.models import Assignment, AuditEvent, Directive, TaskInstance

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"
AS_OF = date(2023, 12, 6)


def _snapshot() -> list[tuple[int, str, date | None, str]]:
    with session_scope() as s:
        rows = s.exec(select(TaskInstance.id, TaskInstance.period, TaskInstance.due_date, TaskInstance.state).order_by(col(TaskInstance.id))).all()
    return [(i or 0, p, d, st) for i, p, d, st in rows]


def test_importing_twice_changes_nothing(seeded_db: str) -> None:
    before = _snapshot()
    with session_scope() as s:
        audits = s.exec(select(func.count()).select_from(AuditEvent)).one()
    summary = services.import_paths([SEEDS], as_of=AS_OF, actor="test")
    assert all(p.inserted == 0 and p.cancelled == 0 for p in summary.plans.values())
    assert _snapshot() == before
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(AuditEvent)).one() == audits  # no change, no audit noise


def test_editing_a_directive_replans_and_keeps_completions(seeded_db: str, tmp_path: Path) -> None:
    k_ids = {iid for iid, _, due, _ in _snapshot() if due == date(2023, 12, 4)}
    done_id = min(k_ids)
    services.record_completion(done_id, on=date(2023, 12, 1), evidence="Báo cáo số 1/BC ngày 01/12/2023", actor="test", today=AS_OF)

    edited = tmp_path / "000.yaml"
    shutil.copy(SEEDS / "000_dong-nai_11677-UBND-HCC.yaml", edited)
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("deadline: trước ngày 05/12/2023", "deadline: trước ngày 15/12/2023"), encoding="utf-8")
    services.import_paths([edited], as_of=AS_OF, actor="test")

    after = {iid: (due, state) for iid, _, due, state in _snapshot()}
    assert after[done_id] == (date(2023, 12, 4), "done")  # the completed one is never re-planned
    moved = {after[i] for i in k_ids - {done_id}}
    assert moved == {(date(2023, 12, 14), "open")}  # the others follow the new deadline


def _clause_states(clause: str) -> list[str]:
    with session_scope() as s:
        return list(
            s.exec(
                select(TaskInstance.state)
                .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
                .join(Directive, col(Directive.id) == col(Assignment.directive_id))
                .where(col(Assignment.clause) == clause, col(Directive.code) == "11677/UBND-HCC")
            )
        )


def test_removed_clause_cancels_open_instances_but_keeps_completed(seeded_db: str, tmp_path: Path) -> None:
    with session_scope() as s:
        [one_k] = s.exec(
            select(TaskInstance.id).join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id)).where(col(Assignment.clause) == "1.k").order_by(col(TaskInstance.id)).limit(1)
        ).all()
    assert one_k is not None
    services.record_completion(one_k, on=date(2023, 12, 4), evidence="Báo cáo số 9/BC", actor="test", today=AS_OF)
    edited = tmp_path / "000.yaml"
    shutil.copy(SEEDS / "000_dong-nai_11677-UBND-HCC.yaml", edited)
    text = edited.read_text(encoding="utf-8")
    for clause, following in (("5.b", "5.c"), ("1.k", "2.a")):
        text = text[: text.index(f"  - clause: {clause}\n")] + text[text.index(f"  - clause: {following}\n") :]
    edited.write_text(text, encoding="utf-8")

    summary = services.import_paths([edited], as_of=AS_OF, actor="test")

    assert _clause_states("5.b") == ["cancelled"]  # shown as cancelled (calendars say CANCELLED), not deleted
    k_states = _clause_states("1.k")
    assert k_states.count("done") == 1  # the recorded completion survives the edit
    assert set(k_states) == {"done", "cancelled"}
    assert summary.plans["11677/UBND-HCC"].cancelled == len(k_states) - 1 + 1


def test_rolling_horizon_grows_with_the_sweep_day(seeded_db: str) -> None:
    before = len(_snapshot())
    with session_scope() as s:
        code = s.exec(select(TaskInstance.directive_id)).first()
    assert code is not None
    result = services.replan("11677/UBND-HCC", as_of=date(2024, 3, 6), actor="test")
    assert result.inserted > 0  # three more months of monthly and one more quarter of quarterly duties
    assert len(_snapshot()) == before + result.inserted
