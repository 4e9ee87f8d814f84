"""Issue 10, data loss: nothing a user did is lost when a directive is imported again or replanned.

Probed as an operator would, on SQLite and PostgreSQL: a department's portal submission that the
Office has not decided must not be left on a task that the new version of the directive cancels
(it could never be approved, and the task that replaces it would not know about it).
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from dondoc.db import session_scope
from dondoc.directives import service as directives
from dondoc.errors import InputError
from dondoc.models import Agency, Assignment, Directive, InstanceState, TaskInstance
from dondoc.models.portal import PortalLink, PortalSubmission, SubmissionState
from dondoc.portal import service as portal
from tests.test_portal_service import AS_OF, NOI_VU, PDF, TTTT, instance

SEED = Path(__file__).resolve().parent.parent / "directives_seed" / "000_dong-nai_11677-UBND-HCC.yaml"


def edited_seed(tmp_path: Path, old: str, new: str) -> Path:
    """The 11677/UBND-HCC seed with one edit, as a coordinator would import a corrected version."""
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) == 1
    out = tmp_path / SEED.name
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def link_of(agency: str) -> PortalLink:
    issued = portal.issue_link(agency, office=False, recipient=None, label=None, actor="test", base="http://testserver")
    link = portal.current_link(issued.id)
    assert link is not None
    return link


def active_clauses() -> set[str]:
    with session_scope() as session:
        return set(
            session.execute(
                select(col(Assignment.clause))
                .join(Directive, col(Directive.id) == col(Assignment.directive_id))
                .where(col(Directive.code) == "11677/UBND-HCC", col(Assignment.active))
            ).scalars()
        )


def instance_count() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(TaskInstance)).scalar_one())


RENAME_1B = ("  - clause: 1.b\n", "  - clause: 1.b1\n")  # the clause renumbered: its instances are replanned away


def test_an_import_that_would_cancel_a_task_awaiting_the_office_is_refused_and_writes_nothing(
    seeded_db: str, tmp_path: Path
) -> None:
    iid = instance("1.b", NOI_VU)
    form = {"report_number": "88/BC-SNV", "report_date": "04/12/2023", "kpi_processed_on_system_rate": "96,5"}
    sid = portal.submit_completion(link_of(NOI_VU), iid, form, portal.Upload(io.BytesIO(PDF), "bc.pdf"), today=AS_OF)
    path = edited_seed(tmp_path, *RENAME_1B)
    before = instance_count()

    with pytest.raises(InputError) as refused:
        directives.import_paths([path], as_of=AS_OF, actor="test")
    message = str(refused.value)
    assert "\n" not in message
    assert re.search(rf"11677/UBND-HCC: lần nhập này sẽ hủy 1 nhiệm vụ .*đang chờ Văn phòng duyệt \(#{sid} mục 1\.b · {NOI_VU}\); "
                     r"duyệt hoặc từ chối .* rồi nhập lại; chưa ghi gì", message)  # fmt: skip
    # nothing was written: the task is open, the clause unchanged, no instance added, the report still waiting
    with session_scope() as session:
        task = session.get(TaskInstance, iid)
        sub = session.get(PortalSubmission, sid)
        assert task is not None
        assert sub is not None
        assert (task.state, sub.state) == (InstanceState.OPEN, SubmissionState.PENDING)
    assert "1.b" in active_clauses()
    assert "1.b1" not in active_clauses()
    assert instance_count() == before

    # The Office decides, as the line says; then the same import goes through and the decision is kept.
    decision = portal.decide(sid, approve=True, reason="", actor="office", today=AS_OF)
    assert decision.recorded is not None
    directives.import_paths([path], as_of=AS_OF, actor="test")
    assert "1.b1" in active_clauses()
    with session_scope() as session:
        task = session.get(TaskInstance, iid)
        assert task is not None
        assert (task.state, task.completed_on, task.kpi_values) == (
            InstanceState.DONE,
            date(2023, 12, 4),
            {"processed_on_system_rate": 96.5},
        )


def test_a_co_agency_input_left_on_a_cancelled_task_is_named_in_the_import_summary(seeded_db: str, tmp_path: Path) -> None:
    lead_iid = instance("1.k", NOI_VU)
    sid = portal.submit_input(link_of(TTTT), lead_iid, {"note": "Đã rà soát 12 hệ thống."}, None, today=AS_OF)
    summary = directives.import_paths(
        [edited_seed(tmp_path, "  - clause: 1.k\n", "  - clause: 1.k1\n")], as_of=AS_OF, actor="test"
    )
    notes = [w for w in summary.warnings if f"#{sid} " in w]
    assert len(notes) == 1, summary.warnings
    assert re.fullmatch(
        rf"11677/UBND-HCC: 1 đầu vào của cơ quan phối hợp \(#{sid} mục 1\.k · {TTTT}\) thuộc nhiệm vụ bị hủy khi lập lại kế hoạch; "
        r"vẫn lưu cùng nhiệm vụ đã hủy, không chuyển sang nhiệm vụ mới; cơ quan phối hợp gửi lại nếu nhiệm vụ mới còn cần",
        notes[0],
    )
    with session_scope() as session:
        sub = session.get(PortalSubmission, sid)
        assert sub is not None
        assert (sub.instance_id, sub.state, sub.note) == (lead_iid, SubmissionState.RECEIVED, "Đã rà soát 12 hệ thống.")


def test_an_unchanged_import_with_a_pending_submission_goes_through(seeded_db: str) -> None:
    iid = instance("1.b", NOI_VU)
    form = {"report_number": "88/BC-SNV", "report_date": "04/12/2023", "kpi_processed_on_system_rate": "96,5"}
    sid = portal.submit_completion(link_of(NOI_VU), iid, form, portal.Upload(io.BytesIO(PDF), "bc.pdf"), today=AS_OF)
    summary = directives.import_paths([SEED], as_of=AS_OF, actor="test")
    assert summary.warnings == []
    with session_scope() as session:
        sub = session.get(PortalSubmission, sid)
        assert sub is not None
        assert sub.state == SubmissionState.PENDING


def test_a_completed_clause_renumbered_is_kept_named_in_the_summary_and_back_when_the_number_is(
    seeded_db: str, tmp_path: Path
) -> None:
    done, still_open = instance("1.b", NOI_VU), instance("1.b", TTTT)
    directives.record_completion(
        done, on=date(2023, 12, 4), evidence="Báo cáo 88/BC-SNV ngày 04/12/2023", actor="test", today=AS_OF
    )
    renumbered = directives.import_paths([edited_seed(tmp_path, *RENAME_1B)], as_of=AS_OF, actor="test")
    assert [w for w in renumbered.warnings if "mục 1.b " in w] == [
        "11677/UBND-HCC: mục 1.b không còn trong tệp; 1 nhiệm vụ đã ghi nhận hoàn thành hoặc gia hạn của mục này được giữ "
        "nguyên dưới mục cũ (không hiện trong `dondoc status`); nếu chỉ đổi số mục, giữ số cũ (1.b) trong tệp rồi nhập lại "
        "để chúng hiện lại"
    ]
    with session_scope() as session:
        kept, cancelled = session.get(TaskInstance, done), session.get(TaskInstance, still_open)
        assert kept is not None
        assert cancelled is not None
        assert (kept.state, kept.completed_on) == (InstanceState.DONE, date(2023, 12, 4))
        assert cancelled.state == InstanceState.CANCELLED
    # The coordinator keeps the old number, as the line says: the clause, its completion and its open work are back.
    restored = directives.import_paths([SEED], as_of=AS_OF, actor="test")
    assert not [w for w in restored.warnings if "mục 1.b " in w]
    assert "1.b" in active_clauses()
    with session_scope() as session:
        kept, reopened = session.get(TaskInstance, done), session.get(TaskInstance, still_open)
        assert kept is not None
        assert reopened is not None
        assert (kept.state, kept.completed_on) == (InstanceState.DONE, date(2023, 12, 4))
        assert (reopened.state, reopened.cancelled_reason) == (InstanceState.OPEN, None)  # planned again: open again


def test_recomputing_a_frozen_report_keeps_the_report_it_replaces_in_the_audit_trail(seeded_db: str) -> None:
    from dondoc.models import AuditEvent
    from dondoc.reports.service import build_report
    from tests.test_reports import FROZEN_ON, replay_after_freeze, replay_q4

    replay_q4()
    first = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")  # frozen: what was sent
    replay_after_freeze()  # a back-dated completion and an extension change Q4 if computed again
    redone = build_report("dong-nai", "2023-Q4", as_of=date(2024, 1, 5), actor="office", recompute=True)
    assert redone.to_json() != first.to_json()
    with session_scope() as session:
        event = session.execute(select(AuditEvent).where(col(AuditEvent.action) == "report.recomputed")).scalars().one()
    replaced = event.detail["replaced"]
    assert replaced["data"] == first.to_json()  # the figures that were frozen (and sent) are not lost
    assert replaced["created_by"] == "test"
    assert replaced["hash"] != event.detail["hash"]


def test_a_registry_change_that_would_hand_over_a_task_awaiting_the_office_is_refused(seeded_db: str, tmp_path: Path) -> None:
    """The same guard when a registry file ends the agency (a succession) before the task is due."""
    with session_scope() as session:  # Sở Nội vụ's report of item 7 for Q1/2024 (due in March 2024)
        iid = int(
            session.execute(
                select(col(TaskInstance.id))
                .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
                .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
                .where(
                    col(Directive.code) == "11677/UBND-HCC", col(Assignment.clause) == "7", col(TaskInstance.period) == "2024-Q1"
                )
                .where(col(TaskInstance.agency_id) == select(col(Agency.id)).where(col(Agency.code) == NOI_VU).scalar_subquery())
            ).scalar_one()
        )
    form = {"report_number": "12/BC-SNV", "report_date": "05/12/2023"}
    sid = portal.submit_completion(link_of(NOI_VU), iid, form, portal.Upload(io.BytesIO(PDF), "bc.pdf"), today=AS_OF)
    registry = tmp_path / "agencies" / "dong-nai-2024-03.yaml"
    registry.parent.mkdir()
    registry.write_text(
        """province: dong-nai
province_name: Đồng Nai
as_of: '2024-03-01'
agencies:
- code: dn-so-noi-vu-2024
  name: Sở Nội vụ
  kind: department
  groups: [dn-g-so-ban-nganh]
  valid_from: '2024-03-01'
successions:
- kind: rename
  effective: '2024-03-01'
  from: [dn-so-noi-vu]
  to: [dn-so-noi-vu-2024]
""",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=rf"lần nhập này sẽ hủy \d+ nhiệm vụ có đề nghị .*\(#{sid} mục 7 · {NOI_VU}\)"):
        directives.import_paths([registry], as_of=AS_OF, actor="test")
    with session_scope() as session:
        task = session.get(TaskInstance, iid)
        assert task is not None
        assert task.state == InstanceState.OPEN
        assert (
            session.execute(select(func.count()).select_from(Agency).where(col(Agency.code) == "dn-so-noi-vu-2024")).scalar_one()
            == 0
        )
