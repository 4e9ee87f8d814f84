"""The overseers' digest (coordinating office, leadership): one line per task, not one per agency."""

from __future__ import annotations

from datetime import date

from dondoc.reminders.digest import Line, merge_agencies

DUE = date(2023, 12, 4)


def line(iid: int, clause: str = "1.k", due: date = DUE, stage: str = "Quá hạn — giải trình", lead: str = "") -> Line:
    return Line(
        instance_id=iid,
        directive_label="11677/UBND-HCC",
        clause=clause,
        task="Kết nối, đồng bộ hệ thống",
        due=due,
        days=-7,
        role_vi=f"chủ trì: {lead}",
        stage_vi=stage,
        require_explanation=stage.endswith("giải trình"),
        how_to=f"Báo cáo hoàn thành: dondoc complete {iid} --on <dd/mm/yyyy>",
        period_vi="",
    )


def test_thirty_agencies_on_one_task_make_one_line_naming_each_with_its_id() -> None:
    agencies = [f"Sở {i:02d}" for i in range(30)]
    merged = merge_agencies([(line(600 + i, lead=a), a) for i, a in enumerate(agencies)])
    assert len(merged) == 1
    (only,) = merged
    assert only.role_vi.startswith("chủ trì: 30 cơ quan — Sở 00 (#600), Sở 01 (#601), ")
    assert only.role_vi.endswith("Sở 29 (#629)")
    assert only.require_explanation
    assert "dondoc complete" not in only.how_to


def test_different_tasks_stages_or_dates_stay_apart_and_a_single_agency_line_is_unchanged() -> None:
    single = line(1, lead="Sở A")
    lines = [
        (single, "Sở A"),
        (line(2, clause="2.a", lead="Sở A"), "Sở A"),
        (line(3, clause="2.a", lead="Sở B"), "Sở B"),
        (line(4, clause="2.a", stage="Quá hạn", lead="Sở C"), "Sở C"),
        (line(5, clause="2.a", due=date(2023, 12, 9), lead="Sở D"), "Sở D"),
    ]
    merged = merge_agencies(lines)
    assert [m.clause for m in merged] == ["1.k", "2.a", "2.a", "2.a"]
    assert merged[0] == single
    assert merged[1].role_vi == "chủ trì: 2 cơ quan — Sở A (#2), Sở B (#3)"
    assert merged[2].instance_id == 4
    assert merged[3].instance_id == 5
