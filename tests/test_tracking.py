"""What the coordinator's UI says, computed without Prefect: names, states, messages, artifacts."""

from __future__ import annotations

from datetime import date

import pytest

from dondoc.configuration.files import load_calendar
from dondoc.directives.rows import AssignmentProgress, TaskRow
from dondoc.domain.status import STATUS_VI, Status
from dondoc.domain.text import slug
from dondoc.errors import InputError
from dondoc.tracking.view import (
    TABLE_LIMIT,
    AssignmentView,
    TrackedDirective,
    artifact_key,
    artifact_title,
    as_columns,
    assignment_message,
    build_snapshot,
    completion_payload,
    completion_run_name,
    completion_target,
    day_off_reason,
    flow_run_name,
    is_active,
    progress_of,
    replay_plan,
    summary_markdown,
    table_rows,
    task_run_name,
)

AS_OF = date(2023, 12, 6)
INFO = TrackedDirective("11677/UBND-HCC", "11677/UBND-HCC", "V/v triển khai Chỉ thị số 27/CT-TTg", "dong-nai")


def row(
    clause: str = "2.a",
    agency: str = "dn-so-tu-phap",
    status: Status = Status.IN_PROGRESS,
    due: date | None = date(2023, 12, 9),
    done: date | None = None,
    period: str = "once",
    kind: str = "once",
    iid: int = 1,
    evidence: str | None = None,
) -> TaskRow:
    return TaskRow(
        instance_id=iid,
        directive="11677/UBND-HCC",
        directive_number="11677/UBND-HCC",
        province="dong-nai",
        clause=clause,
        summary="tóm tắt",
        agency=agency,
        agency_name=agency.upper(),
        role="chủ trì",
        lead_agency=agency,
        lead_name=agency.upper(),
        period=period,
        kind=kind,
        due=due,
        original_due=due,
        deadline_text=None,
        report_to=(),
        status=str(status),
        status_vi=STATUS_VI[status],
        colour="",
        completed_on=done,
        evidence=evidence,
        extended=False,
        due_on_day_off=False,
    )


def progress(clause: str, lead: str = "Sở Tư pháp", depends_on: list[str] | None = None) -> AssignmentProgress:
    return AssignmentProgress(
        clause, "tóm tắt", lead, None, "", None, {}, 0, 0, None, None, depends_on or [], Status.IN_PROGRESS
    )


@pytest.mark.parametrize(
    ("directive", "day", "expected"),
    [
        ("11677/UBND-HCC", date(2023, 12, 6), "11677/UBND-HCC · 06/12/2023"),
        ("170/KH-VP", date(2024, 1, 18), "170/KH-VP · 18/01/2024"),
    ],
)
def test_flow_run_name(directive: str, day: date, expected: str) -> None:
    assert flow_run_name(directive, day) == expected


@pytest.mark.parametrize(
    ("clause", "lead", "due", "ongoing", "expected"),
    [
        ("2.a", "Các sở, ban ngành tỉnh", date(2023, 12, 9), False, "2.a · Các sở, ban ngành tỉnh · hạn 09/12/2023"),
        ("1.a", "Sở Nội vụ", None, True, "1.a · Sở Nội vụ · thường xuyên"),
        ("PL 2.4", "Sở TT&TT", None, False, "PL 2.4 · Sở TT&TT · chưa xác định hạn"),
    ],
)
def test_task_run_name(clause: str, lead: str, due: date | None, ongoing: bool, expected: str) -> None:
    assert task_run_name(clause, lead, due, ongoing=ongoing) == expected


@pytest.mark.parametrize(
    ("directive", "kind", "expected"),
    [
        ("11677/UBND-HCC", "instances", "dondoc-11677-ubnd-hcc-instances"),
        ("long-an-chi-thi-2022-05-55a8c6", "progress", "dondoc-long-an-chi-thi-2022-05-55a8c6-progress"),
        ("Số 27/CT-ĐN", "summary", "dondoc-so-27-ct-dn-summary"),
    ],
)
def test_artifact_keys_are_stable_lowercase_dashes(directive: str, kind: str, expected: str) -> None:
    assert artifact_key(directive, kind) == expected
    assert slug(expected) == expected


@pytest.mark.parametrize(
    ("rows", "inputs", "expected"),
    [
        ([row(done=date(2023, 12, 5), status=Status.DONE_ON_TIME), row(agency="b")], None, "1/2 cơ quan đã hoàn thành"),
        ([row(status=Status.OVERDUE, due=date(2023, 12, 4)), row(agency="b")], None, "0/2 cơ quan đã hoàn thành, 1 quá hạn"),
        (
            [row(period="2023-11", status=Status.OVERDUE), row(period="2023-12")],
            None,
            "0/2 lượt (cơ quan × kỳ) đã hoàn thành, 1 quá hạn",
        ),
        ([row(clause="2.b")], (5, 38), "0/1 cơ quan đã hoàn thành; đầu vào đã nhận 5/38"),
        ([row(status=Status.NOT_YET_OPEN, due=date(2024, 1, 14))], None, "Chưa đến kỳ: 1 cơ quan, kỳ đầu hạn 14/01/2024"),
        ([], None, "Không có cơ quan nào phải thực hiện"),
    ],
)
def test_assignment_message(rows: list[TaskRow], inputs: tuple[int, int] | None, expected: str) -> None:
    done, total = inputs or (None, None)
    assert assignment_message(rows, done, total) == expected


def test_snapshot_names_each_assignment_in_its_worst_status() -> None:
    rows = [
        row("1.k", "a", Status.OVERDUE, date(2023, 12, 4), iid=1),
        row("1.k", "b", Status.DONE_LATE, date(2023, 12, 4), date(2023, 12, 5), iid=2),
        row("5.b", "c", Status.DONE_ON_TIME, date(2023, 12, 9), date(2023, 12, 5), iid=3),
        row("1.a", "d", Status.ONGOING, None, kind="ongoing", iid=4),
        row("2.b", "e", Status.IN_PROGRESS, date(2023, 12, 19), iid=5),
    ]
    snapshot = build_snapshot(
        INFO, [progress("2.b", "Công an tỉnh", ["1.k"]), progress("1.k"), progress("5.b"), progress("1.a")], rows, AS_OF
    )
    by_clause = {v.clause: v for v in snapshot.assignments}
    assert by_clause["1.k"].state_name == "Quá hạn chưa hoàn thành"
    assert by_clause["1.k"].task_run_name == "1.k · Sở Tư pháp · hạn 04/12/2023"
    assert by_clause["5.b"].state_name == "Hoàn thành đúng hạn"
    assert by_clause["1.a"].state_name == "Thường xuyên"
    assert by_clause["1.a"].task_run_name.endswith("· thường xuyên")
    assert by_clause["2.b"].state_name == "Đang thực hiện trong hạn"
    # the task runs keep the directive's order; the consolidation keeps its input for the graph
    assert [v.clause for v in snapshot.assignments] == ["2.b", "1.k", "5.b", "1.a"]
    assert by_clause["2.b"].depends_on == ("1.k",)
    assert snapshot.tags == ["tracking", "directive:11677/UBND-HCC", "province:dong-nai"]
    assert snapshot.artifact_key("instances") == "dondoc-11677-ubnd-hcc-instances"
    # the run's verdict: one task overdue, 1 of the 2 instances due by then done
    assert [v.clause for v in snapshot.overdue] == ["1.k"]
    assert (snapshot.run_state_type, snapshot.run_state_name) == ("FAILED", "1 quá hạn · 50,0 %")
    assert snapshot.run_state_message == (
        "1/4 nhiệm vụ có cơ quan quá hạn (1 lượt quá hạn chưa hoàn thành); "
        "1/2 nhiệm vụ đã đến hạn đã hoàn thành (50,0 %) tính đến 06/12/2023"
    )
    assert snapshot.log_lines()[1] == ("WARNING", "Quá hạn: 1.k · Sở Tư pháp · hạn 04/12/2023: 1/2 cơ quan đã hoàn thành, 1 quá hạn")


def test_a_run_before_anything_falls_due_says_so() -> None:
    snapshot = build_snapshot(INFO, [progress("2.a")], [row("2.a", due=date(2024, 1, 31))], AS_OF)
    assert (snapshot.run_state_type, snapshot.run_state_name) == ("COMPLETED", "0 quá hạn · chưa có việc đến hạn")


def test_a_run_without_overdue_tasks_is_green() -> None:
    rows = [row("5.b", "c", Status.DONE_ON_TIME, date(2023, 12, 4), date(2023, 12, 4)), row("2.a")]
    snapshot = build_snapshot(INFO, [progress("2.a"), progress("5.b")], rows, AS_OF)
    assert (snapshot.run_state_type, snapshot.run_state_name) == ("COMPLETED", "0 quá hạn · 100,0 %")
    assert snapshot.run_state_message.startswith("Không có nhiệm vụ quá hạn (2 nhiệm vụ); 1/1")
    assert snapshot.log_lines() == [("INFO", f"11677/UBND-HCC · 06/12/2023: {snapshot.run_state_message}")]


@pytest.mark.parametrize(
    ("status", "state_type"),
    [
        (Status.DONE_ON_TIME, "COMPLETED"),
        (Status.DONE_LATE, "COMPLETED"),
        (Status.OVERDUE, "FAILED"),
        (Status.IN_PROGRESS, "CANCELLED"),
        (Status.ONGOING, "CANCELLED"),
        (Status.NOT_YET_OPEN, "CANCELLED"),
        (Status.UNDATED, "CANCELLED"),
        (Status.CANCELLED, "CANCELLED"),
    ],
)
def test_badge_colour_class_of_each_status(status: Status, state_type: str) -> None:
    """Overdue red (Failed type), done green (Completed), anything open grey (Cancelled type)."""
    view = AssignmentView("1", "1", status, "")
    assert (view.state_type, view.state_name) == (state_type, STATUS_VI[status])


def test_artifact_titles_are_vietnamese() -> None:
    assert artifact_title("instances", INFO, AS_OF) == "Bảng theo dõi nhiệm vụ · 11677/UBND-HCC · 06/12/2023"
    assert artifact_title("summary", INFO, AS_OF).startswith("Tóm tắt và danh sách quá hạn · ")


def test_completion_run_is_named_after_what_it_records() -> None:
    assert (
        completion_run_name("11677/UBND-HCC", "5.b", "dn-so-thong-tin-truyen-thong", date(2023, 12, 7))
        == "Hoàn thành 11677/UBND-HCC 5.b · dn-so-thong-tin-truyen-thong · 07/12/2023"
    )


def test_table_lists_urgent_first_and_leaves_out_future_and_ongoing() -> None:
    rows = [
        row("5.b", "c", Status.DONE_ON_TIME, date(2023, 12, 9), date(2023, 12, 5), iid=3, evidence="Báo cáo 1/BC ngày 05/12/2023"),
        row("2.a", "a", Status.IN_PROGRESS, date(2023, 12, 9), iid=1),
        row("1.k", "b", Status.OVERDUE, date(2023, 12, 4), iid=2),
        row("1.a", "d", Status.ONGOING, None, kind="ongoing", iid=4),
        row("7", "e", Status.NOT_YET_OPEN, date(2024, 3, 14), iid=5),
    ]
    table, total = table_rows(rows)
    assert total == 3
    assert [(r["Mục"], r["Trạng thái"]) for r in table] == [
        ("1.k", "Quá hạn chưa hoàn thành"),
        ("2.a", "Đang thực hiện trong hạn"),
        ("5.b", "Hoàn thành đúng hạn"),
    ]
    assert table[2]["Căn cứ hoàn thành"] == "Báo cáo 1/BC ngày 05/12/2023"
    assert table[2]["Hoàn thành ngày"] == "05/12/2023"
    assert table[0]["Mã"] == "2"
    assert as_columns(table)["Mục"] == ["1.k", "2.a", "5.b"]


def test_table_is_capped_and_says_how_many_rows_there_were() -> None:
    rows = [row("1.k", f"a{i}", Status.OVERDUE, date(2023, 12, 4), iid=i) for i in range(TABLE_LIMIT + 20)]
    snapshot = build_snapshot(INFO, [progress("1.k")], rows, AS_OF)
    assert len(snapshot.table) == TABLE_LIMIT
    assert snapshot.table_total == TABLE_LIMIT + 20


@pytest.mark.parametrize(
    ("statuses", "expected_pct", "expected_text"),
    [
        ([], 0.0, "Đến 06/12/2023 chưa có nhiệm vụ nào đến hạn"),
        ([Status.OVERDUE, Status.DONE_LATE], 50.0, "1/2 nhiệm vụ đã đến hạn đã hoàn thành (50,0 %) tính đến 06/12/2023"),
        ([Status.OVERDUE, Status.OVERDUE, Status.DONE_ON_TIME], 33.3, "1/3 nhiệm vụ đã đến hạn đã hoàn thành (33,3 %) tính đến 06/12/2023"),
    ],
)
def test_progress_counts_only_instances_already_due(statuses: list[Status], expected_pct: float, expected_text: str) -> None:
    due = date(2023, 12, 4)
    rows = [row(agency=str(i), status=s, due=due, done=due if s.name.startswith("DONE") else None) for i, s in enumerate(statuses)]
    rows.append(row(agency="later", status=Status.IN_PROGRESS, due=date(2023, 12, 9)))  # not due yet: not counted
    assert progress_of(rows, AS_OF) == (expected_pct, expected_text)


def test_summary_lists_overdue_longest_first_with_days() -> None:
    rows = [
        row("2.a", "x", Status.OVERDUE, date(2023, 12, 5)),
        row("1.k", "y", Status.OVERDUE, date(2023, 12, 1)),
        row("5.b", "z", Status.DONE_ON_TIME, date(2023, 12, 9), date(2023, 12, 5)),
    ]
    text = summary_markdown(INFO, rows, AS_OF)
    assert text.startswith("# 11677/UBND-HCC · tình hình thực hiện đến 06/12/2023")
    assert "| Quá hạn chưa hoàn thành | 2 |" in text
    assert "| Hoàn thành đúng hạn | 1 |" in text
    assert "## Quá hạn chưa hoàn thành (2)" in text
    assert text.index("| 1.k | Y | 01/12/2023 | 5 ngày |") < text.index("| 2.a | X | 05/12/2023 | 1 ngày |")


def test_summary_without_overdue_says_so() -> None:
    assert "Không có nhiệm vụ quá hạn." in summary_markdown(INFO, [row()], AS_OF)


@pytest.mark.parametrize(
    ("start", "end", "day", "expected"),
    [
        (date(2023, 11, 2), None, date(2023, 12, 6), True),
        (date(2024, 1, 18), None, date(2023, 12, 6), False),
        (date(2023, 1, 1), date(2023, 6, 30), date(2023, 12, 6), False),
        (date(2023, 1, 1), date(2023, 12, 6), date(2023, 12, 6), True),
    ],
)
def test_is_active(start: date, end: date | None, day: date, expected: bool) -> None:
    assert is_active(start, end, day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 12, 6), None),
        (date(2023, 12, 9), "09/12/2023 là ngày nghỉ (thứ Bảy): không quét, không nhắc việc"),
        (date(2023, 12, 10), "10/12/2023 là ngày nghỉ (Chủ nhật): không quét, không nhắc việc"),
    ],
)
def test_day_off_reason(day: date, expected: str | None) -> None:
    assert day_off_reason(day, load_calendar()) == expected


def test_day_off_reason_names_the_holiday() -> None:
    reason = day_off_reason(date(2023, 9, 2), load_calendar())
    assert reason is not None
    assert reason.startswith("02/09/2023 là ngày nghỉ (")
    assert "thứ Bảy" not in reason


def test_replay_plan_tracks_weekly_and_on_the_last_day() -> None:
    plan = replay_plan(date(2023, 11, 2), date(2023, 12, 31), load_calendar())
    days = [p.day for p in plan]
    assert days[0] == date(2023, 11, 2)
    assert days[-1] == date(2023, 12, 29)  # 30 and 31/12/2023 are a weekend
    assert all(d.weekday() < 5 for d in days)
    tracked = [p.day for p in plan if p.track]
    assert tracked[:3] == [date(2023, 11, 2), date(2023, 11, 6), date(2023, 11, 13)]
    assert tracked[-1] == date(2023, 12, 29)
    assert len(tracked) == 10
    assert len(plan) == 42


def test_replay_plan_rejects_reversed_span() -> None:
    with pytest.raises(InputError, match="before --from"):
        replay_plan(date(2023, 12, 31), date(2023, 11, 2), load_calendar())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((7, None, None, None), 7),
        ((None, "11677/UBND-HCC", "2.a", "dn-so-tu-phap"), ("11677/UBND-HCC", "2.a", "dn-so-tu-phap")),
    ],
)
def test_completion_target(args: tuple[int | None, str | None, str | None, str | None], expected: object) -> None:
    assert completion_target(*args) == expected


def test_completion_target_names_missing_fields() -> None:
    with pytest.raises(InputError, match=r"còn thiếu: Mục, Cơ quan chủ trì"):
        completion_target(None, "11677/UBND-HCC", None, "")


def test_completion_payload_carries_the_refresh_parameters() -> None:
    payload = completion_payload(
        directive="11677/UBND-HCC", clause="5.b", agency="dn-so-tttt", instance_id=9, completed_on=date(2023, 12, 7), as_of=AS_OF
    )
    assert payload["directive"] == "11677/UBND-HCC"
    assert payload["as_of"] == "2023-12-06"
    assert payload["completed_on"] == "2023-12-07"


def test_an_assessments_finished_line_is_info_and_other_tasks_errors_stay_errors() -> None:
    import logging

    from tasks.tracking import ASSESS_TASK

    logger = logging.getLogger("prefect.task_runs")

    def logged(task_name: str, message: str) -> str:
        record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, message, None, None, extra={"task_name": task_name})
        assert logger.filter(record)
        return record.levelname

    assert logged(ASSESS_TASK, "Finished in state Đang thực hiện trong hạn('0/1 cơ quan đã hoàn thành', type=CANCELLED)") == "INFO"
    assert logged(ASSESS_TASK, "Task run failed with exception: ValueError()") == "ERROR"
    assert logged("send-reminders", "Finished in state Failed('2/70 thư không gửi được')") == "ERROR"
