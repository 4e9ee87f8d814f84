"""Reform reports from a replayed seed timeline: numbers, freezing, KPIs, and every form (DOCX, XLSX, CSV, PNG, MD).

The timeline replays 11677/UBND-HCC in Đồng Nai during Q4/2023 (data window 15/09–14/12/2023):
some tasks completed on time, some late, some never, one extended, KPI actuals reported; then,
after the quarter is frozen, a late completion, a back-dated completion and an extension.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from openpyxl import load_workbook
from sqlmodel import col, select
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.configuration.files import load_policy
from dondoc.db import get_engine, session_scope
from dondoc.directives import service as services
from dondoc.directives.queries import task_rows
from dondoc.domain.periods import Window, parse_period, window
from dondoc.domain.report_math import Counts
from dondoc.domain.status import Status
from dondoc.errors import InputError
from dondoc.models import AuditEvent, ReportSnapshot
from dondoc.reports import queries as aggregate
from dondoc.reports.chart import FONT
from dondoc.reports.docx_render import MOTTO, NATION
from dondoc.reports.model import AllTimeReport, ReportData
from dondoc.reports.service import build_all_time, build_report, unreported_periods, write_report
from dondoc.reports.store import compute, province_row

PROJECT = Path(__file__).resolve().parent.parent
D = "11677/UBND-HCC"
FROZEN_ON = date(2023, 12, 16)  # two days after the Q4 cut-off
Q4 = window(parse_period("2023-Q4"))


def _complete(
    clause: str,
    agency: str,
    on: date,
    *,
    today: date | None = None,
    period: str | None = None,
    kpis: dict[str, float] | None = None,
    directive: str = D,
) -> int:
    iid = services.find_instance_id(directive, clause, agency, period)
    services.record_completion(iid, on=on, evidence=f"Báo cáo ngày {on:%d/%m/%Y}", actor="test", today=today or on, kpis=kpis)
    return iid


def replay_q4() -> None:
    """Q4/2023 as it happened up to the cut-off."""
    _complete("1.k", "dn-so-noi-vu", date(2023, 12, 1))  # due 04/12: on time
    _complete("1.k", "dn-so-tu-phap", date(2023, 12, 4))  # on the last day: on time
    _complete("1.k", "dn-ubnd-tp-bien-hoa", date(2023, 12, 10))  # late, inside the window
    _complete("2.a", "dn-so-noi-vu", date(2023, 12, 8))  # due 09/12: on time
    _complete("2.a", "dn-ubnd-h-xuan-loc", date(2023, 12, 9))
    _complete("1.e (hàng tháng)", "dn-so-noi-vu", date(2023, 11, 14), period="2023-11")  # due 15/11
    _complete("1.e (hàng tháng)", "dn-so-tu-phap", date(2023, 11, 22), period="2023-11")  # late
    _complete("1.b", "dn-so-noi-vu", date(2023, 12, 10), kpis={"processed_on_system_rate": 96.5})  # target 100 (any level)
    _complete("1.c", "dn-ubnd-tp-bien-hoa", date(2023, 12, 11), kpis={"e_certification_coverage_rate": 100})  # district target
    _complete(
        "1.c", "dn-so-tu-phap", date(2023, 12, 11), kpis={"e_certification_coverage_rate": 80}
    )  # no target for a department
    services.record_extension(
        services.find_instance_id(D, "2.a", "dn-so-tai-chinh"),
        to=date(2023, 12, 20),
        reason="Công văn số 1/UBND-HCC cho phép",
        actor="test",
    )


def replay_after_freeze() -> None:
    _complete("1.k", "dn-so-y-te", date(2023, 12, 20))  # late, after the cut-off: Q1/2024 "hoàn thành quá hạn"
    _complete("1.k", "dn-ubnd-h-xuan-loc", date(2023, 12, 12), today=date(2023, 12, 21))  # back-dated into Q4
    services.record_extension(
        services.find_instance_id(D, "1.k", "dn-so-tai-chinh"), to=date(2023, 12, 30), reason="Gia hạn", actor="test"
    )


@dataclass(frozen=True)
class Expected:
    by_agency: dict[str, Counts]
    totals: Counts
    overdue: int


def expected_from_task_rows(as_of: date, start: date) -> Expected:
    """An independent computation: each instance's status from the domain (status_of), then the window rules."""
    with session_scope() as session:
        rows = task_rows(as_of=as_of, province="dong-nai", session=session)
    counters: dict[str, Counter[str]] = {}
    for r in rows:
        if r.due is None:
            continue
        status = Status(r.status)
        if status in (Status.DONE_ON_TIME, Status.DONE_LATE) and r.completed_on and r.completed_on < start:
            continue
        name = {
            Status.DONE_ON_TIME: "on_time",
            Status.DONE_LATE: "late",
            Status.IN_PROGRESS: "in_progress",
            Status.OVERDUE: "overdue",
        }.get(status)
        if name:
            counters.setdefault(r.agency_name, Counter())[name] += 1
    by_agency = {a: Counts(c["on_time"], c["late"], c["in_progress"], c["overdue"]) for a, c in counters.items()}
    totals = Counts()
    for c in by_agency.values():
        totals = totals + c
    return Expected(by_agency, totals, totals.overdue)


def _four(c: Counts) -> tuple[int, int, int, int]:
    return (c.on_time, c.late, c.in_progress, c.overdue)


def _docx_table(doc: object, first_header: str) -> list[list[str]]:
    for table in doc.tables:  # type: ignore[attr-defined]
        cells = [[c.text for c in row.cells] for row in table.rows]
        if len(cells[0]) > 1 and cells[0][1] == first_header:
            return cells
    raise AssertionError(f"no table headed {first_header!r}")


def test_q4_report_numbers_equal_the_database_in_every_form(seeded_db: str, tmp_path: Path) -> None:
    replay_q4()
    expected = expected_from_task_rows(Q4.end, Q4.start)
    report = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    assert report.frozen
    assert report.as_of == Q4.end
    assert (report.window_start, report.window_end) == (date(2023, 9, 15), date(2023, 12, 14))
    # The replay: 5 on time, 2 late (1.k Biên Hòa, 1.e Tư pháp); one extension still in time.
    assert (report.totals.on_time, report.totals.late) == (5, 2)
    assert report.totals.extended == 1
    assert _four(report.totals) == _four(expected.totals)
    assert {g.name: _four(g.counts) for g in report.agencies} == {k: _four(v) for k, v in expected.by_agency.items()}
    assert len(report.overdue) == expected.overdue
    assert report.totals.ongoing > 0
    assert report.previous is not None
    assert report.previous.period_key == "2023-Q3"

    paths = write_report(report, tmp_path, issued_on=FROZEN_ON)
    names = {p.name for p in paths}
    base = "bao-cao-cchc_dong-nai_2023-Q4"
    assert {f"{base}.md", f"{base}.docx", f"{base}.xlsx", f"{base}.png", f"{base}_theo-co-quan.csv"} <= names

    # DOCX: the agency table's numbers are the database's.
    doc = Document(str(tmp_path / f"{base}.docx"))
    table = _docx_table(doc, "Cơ quan, đơn vị")
    docx_counts = {row[1]: tuple(int(v) for v in row[2:6]) for row in table[1:] if row[1] != "Tổng cộng"}
    assert docx_counts == {k: _four(v) for k, v in expected.by_agency.items()}
    total_row = next(row for row in table if row[1] == "Tổng cộng")
    assert tuple(int(v) for v in total_row[2:7]) == (*_four(expected.totals), expected.totals.total)
    overdue_table = _docx_table(doc, "Nhiệm vụ")
    assert len(overdue_table) - 1 == expected.overdue
    assert all(int(row[6]) >= 1 for row in overdue_table[1:])
    delay_rows = next(
        [[c.text for c in r.cells] for r in t.rows] for t in doc.tables if t.rows[0].cells[-1].text == "Quá hạn lâu nhất (ngày)"
    )
    assert delay_rows[1][1]
    assert int(delay_rows[1][2]) >= 1

    # XLSX: one sheet per table, the same numbers; rates are real percentages.
    book = load_workbook(tmp_path / f"{base}.xlsx")
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo văn bản",
        "Theo cơ quan",
        "Quá hạn",
        "Chậm trễ",
        "Chỉ tiêu",
        "Gia hạn",
        "Thường xuyên",
    ]
    sheet = book["Theo cơ quan"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    xlsx_counts = {r[1]: tuple(r[2:6]) for r in rows if r[1] and r[1] != "Tổng cộng"}
    assert xlsx_counts == docx_counts
    assert sheet.cell(row=3, column=8).number_format == "0.0\\ %"  # 4,0 % in a Vietnamese spreadsheet
    assert sheet.auto_filter.ref == f"A2:I{2 + len(rows)}"  # the header row and every data row

    # CSV (UTF-8 with BOM for Excel): the same again.
    text = (tmp_path / f"{base}_theo-co-quan.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    reader = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert reader[0][1] == "Cơ quan, đơn vị"
    assert reader[0][7] == "Tỷ lệ đúng hạn (%)"  # the unit is in the header; values are plain decimals
    assert all(r[7] == "" or re.fullmatch(r"\d+\.\d", r[7]) for r in reader[1:])
    assert {r[1]: tuple(int(v) for v in r[2:6]) for r in reader[1:] if r[1] != "Tổng cộng"} == docx_counts

    # Markdown: the totals, and the chart next to it.
    md = (tmp_path / f"{base}.md").read_text()
    assert "| Hoàn thành đúng hạn | 5 |" in md
    assert f"![Tình trạng thực hiện theo cơ quan, đơn vị]({base}.png)" in md
    assert (tmp_path / f"{base}.png").read_bytes().startswith(b"\x89PNG")


def test_delay_list_and_kpis(seeded_db: str) -> None:
    replay_q4()
    report = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    from dondoc.reports.tables import delay_table, kpi_table

    delays = {row[1]: row[2:] for row in delay_table(report).rows}
    assert delays["UBND TP Biên Hòa"][1] == 1  # 1.k done late inside the window
    assert delays["Sở Tư pháp"][1] == 1  # 1.e (hàng tháng) done late
    assert delays["Sở Y tế"][0] >= 1  # 1.k never done by the cut-off
    assert "Sở Nội vụ" not in delays  # everything on time
    # KPI actuals against the target for the agency's level.
    kpis = {(k.agency, k.key): k for k in report.kpis}
    assert set(kpis) == {("dn-so-noi-vu", "processed_on_system_rate"), ("dn-ubnd-tp-bien-hoa", "e_certification_coverage_rate")}
    system = kpis["dn-so-noi-vu", "processed_on_system_rate"]
    assert (system.target, system.actual, system.comparator) == (100.0, 96.5, ">=")
    verdicts = {(row[4], row[5], row[9], row[10]) for row in kpi_table(report).rows}
    assert verdicts == {("Sở Nội vụ", "≥ 100 %", "Chưa đạt", "vàng"), ("UBND TP Biên Hòa", "≥ 100 %", "Đạt", "xanh")}


def test_frozen_report_is_reproducible_and_late_completions_move_to_the_next_period(seeded_db: str) -> None:
    replay_q4()
    first = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    replay_after_freeze()
    again = build_report("dong-nai", "2023-Q4", as_of=date(2024, 1, 5), actor="test")
    assert again.to_json() == first.to_json()
    # Freezing matters: computed afresh, the back-dated completion and the extension change Q4.
    with session_scope() as session:
        live = compute(
            province_row("dong-nai", session=session), parse_period("2023-Q4"), "nd09", Q4.end, load_policy("dong-nai"), session=session
        )
    assert _four(live.totals) != _four(first.totals)
    # Q1/2024: Y tế's 1.k (due 04/12, done 20/12) is "hoàn thành quá hạn"; the previous period is the frozen Q4.
    q1 = build_report("dong-nai", "2024-Q1", as_of=date(2024, 3, 20), actor="test")
    assert q1.previous is not None
    assert q1.previous.counts == first.totals
    by_name = {g.code: g.counts for g in q1.agencies}
    assert by_name["dn-so-y-te"].late >= 1
    # --recompute replaces the snapshot with today's view of the data.
    redone = build_report("dong-nai", "2023-Q4", as_of=date(2024, 1, 5), actor="test", recompute=True)
    assert _four(redone.totals) == _four(live.totals)


def _full_recount(as_of: date) -> dict[str, Counts]:
    """Every row of the province counted again, as of ``as_of`` (what the all-time figures must equal)."""
    with session_scope() as session:
        infos = aggregate.agencies("dong-nai", session=session)
        by_agency, _ = aggregate.count_totals("dong-nai", Window(date.min, as_of), as_of, session=session)
    return {infos[a].code: c for a, c in by_agency.items()}


def _assert_all_time_is_a_full_recount(report: AllTimeReport) -> None:
    assert {g.code: g.counts for g in report.agencies} == _full_recount(report.as_of)
    independent = expected_from_task_rows(report.as_of, date.min)  # each task's status from the domain
    assert {g.name: _four(g.counts) for g in report.agencies if _four(g.counts) != (0, 0, 0, 0)} == {
        name: _four(c) for name, c in independent.by_agency.items()
    }
    assert _four(report.totals) == _four(independent.totals)


def test_all_time_figures_from_frozen_quarters_equal_a_full_recount_and_a_late_completion_reopens_its_quarter(
    seeded_db: str,
) -> None:
    replay_q4()
    quarter = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, today=FROZEN_ON, actor="test")
    first = build_all_time("dong-nai", as_of=FROZEN_ON, today=FROZEN_ON, actor="test")
    assert (first.frozen_periods, first.live_from, first.reopened) == (("2023-Q4",), date(2023, 12, 15), ())
    assert first.totals.done > 0
    _assert_all_time_is_a_full_recount(first)

    # A completion recorded on 21/12 and dated 12/12 falls into the frozen Q4: its counts are re-opened,
    # audited with the numbers they replace; the Q4 report itself stays as frozen (DOMAIN.md §6).
    replay_after_freeze()
    backdated = services.find_instance_id(D, "1.k", "dn-ubnd-h-xuan-loc", None)
    dec21 = date(2023, 12, 21)
    second = build_all_time("dong-nai", as_of=dec21, today=dec21, actor="test")
    assert second.reopened == ("2023-Q4",)
    assert second.totals.done == first.totals.done + 2  # the back-dated one (in Q4) and the late one (live)
    _assert_all_time_is_a_full_recount(second)
    with session_scope() as session:
        events = list(session.scalars(select(AuditEvent).where(col(AuditEvent.action) == "report.counts_reopened")))
    assert len(events) == 1
    assert events[0].detail["period"] == "2023-Q4"
    assert backdated in events[0].detail["instances"]
    assert events[0].detail["before"] != events[0].detail["after"]
    assert build_report("dong-nai", "2023-Q4", as_of=dec21, today=dec21, actor="test").totals == quarter.totals
    assert build_all_time("dong-nai", as_of=dec21, today=dec21, actor="test").reopened == ()  # nothing new since

    # Half a year on: three frozen quarters plus the live part, still a full recount; a future as_of
    # freezes nothing that has not closed by the real day.
    jun20 = date(2024, 6, 20)
    later = build_all_time("dong-nai", as_of=jun20, today=jun20, actor="test")
    assert later.frozen_periods == ("2023-Q4", "2024-Q1", "2024-Q2")
    assert later.live_from == date(2024, 6, 15)
    _assert_all_time_is_a_full_recount(later)
    ahead = build_all_time("dong-nai", as_of=date(2024, 12, 20), today=jun20, actor="test")
    assert ahead.frozen_periods == later.frozen_periods
    _assert_all_time_is_a_full_recount(ahead)


def test_open_period_is_provisional_and_not_stored(seeded_db: str) -> None:
    replay_q4()
    report = build_report("dong-nai", "2023-Q4", as_of=date(2023, 12, 10), actor="test")
    assert not report.frozen
    assert report.as_of == date(2023, 12, 10)
    assert report.totals.late == 2  # 1.e (Tư pháp, 22/11) and 1.k (Biên Hòa, 10/12: on the as-of day, counted)
    with session_scope() as session:
        stored = {s.period_key for s in session.exec(select(ReportSnapshot))}
    assert "2023-Q4" not in stored
    assert "2023-Q3" not in stored  # the previous period is computed for the comparison, not frozen on the way
    assert report.previous is not None
    assert report.previous.period_key == "2023-Q3"


def _snapshots() -> dict[str, ReportSnapshot]:
    with session_scope() as session:
        return {s.period_key: s for s in session.exec(select(ReportSnapshot))}


def _audit_actions() -> list[str]:
    with session_scope() as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]


def test_open_period_report_reads_the_previous_snapshot_or_computes_it_without_storing(seeded_db: str) -> None:
    replay_q4()
    # Nothing stored yet: Q4 is computed for the "previous" column of open Q1/2024, and stays unstored.
    early = build_report("dong-nai", "2024-Q1", as_of=date(2024, 1, 5), today=date(2024, 1, 5), actor="test")
    assert not early.frozen
    assert early.previous is not None
    assert early.previous.period_key == "2023-Q4"
    assert _snapshots() == {}
    assert "report.frozen" not in _audit_actions()
    # Once Q4 is frozen, an open Q1 compares with the stored figures, not with a fresh computation.
    frozen_q4 = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, today=FROZEN_ON, actor="test")
    replay_after_freeze()  # changes Q4 if it were computed again (back-dated completion, extension)
    q1 = build_report("dong-nai", "2024-Q1", as_of=date(2024, 1, 5), today=date(2024, 1, 5), actor="test")
    assert not q1.frozen
    assert q1.previous is not None
    assert q1.previous.counts == frozen_q4.totals
    assert set(_snapshots()) == {"2023-Q4"}


def test_future_as_of_does_not_freeze_a_period_before_its_cut_off_has_really_passed(seeded_db: str) -> None:
    """A --as-of after today must not freeze a quarter whose cut-off (14/12) is still ahead: completions
    recorded between today and the cut-off would be lost for good."""
    replay_q4()
    today = date(2023, 12, 10)
    early = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, today=today, actor="test")
    assert not early.frozen  # provisional: shown as "tạm tính"
    assert early.as_of == Q4.end  # evaluated at the cut-off, with the data known today
    assert _snapshots() == {}
    assert "report.frozen" not in _audit_actions()
    with pytest.raises(InputError, match="not closed yet"):
        build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, today=today, actor="test", recompute=True)
    # Still inside the window: Xuân Lộc completes 1.k (due 04/12) on 12/12, late.
    _complete("1.k", "dn-ubnd-h-xuan-loc", date(2023, 12, 12))
    frozen = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, today=FROZEN_ON, actor="test")
    assert frozen.frozen
    assert frozen.totals.late == early.totals.late + 1
    assert set(_snapshots()) == {"2023-Q4"}
    assert _audit_actions().count("report.frozen") == 1


def test_cli_future_as_of_is_provisional_and_not_stored(
    seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dondoc.cli.report as cli_report

    monkeypatch.setattr(cli_report, "today_vn", lambda: date(2023, 12, 10))
    argv = [
        "report",
        "--province",
        "dong-nai",
        "--period",
        "2023-Q4",
        "--as-of",
        "16/12/2023",
        "--out",
        str(tmp_path),
        "-f",
        "md",
    ]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert "đã chốt" not in result.output
    assert "không được lưu" in result.output
    assert "Số liệu tạm tính đến ngày 14/12/2023" in (tmp_path / "bao-cao-cchc_dong-nai_2023-Q4.md").read_text()
    assert _snapshots() == {}


def test_a_snapshot_stored_before_its_cut_off_is_refrozen_once_the_cut_off_has_passed(seeded_sqlite: str) -> None:
    """Snapshots frozen early by a future --as-of (before the fix) are not trusted: the first build after
    the real cut-off replaces them (audited as report.refrozen)."""
    replay_q4()
    first = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    with session_scope() as session:  # as the old code stored it: on 10/12/2023, before the cut-off
        snapshot = session.exec(select(ReportSnapshot)).one()
        snapshot.created_at = datetime(2023, 12, 10, 3, 0, tzinfo=UTC)
        session.add(snapshot)
    assert unreported_periods("dong-nai", FROZEN_ON, today=FROZEN_ON) == ["2023-Q4"]
    _complete("1.k", "dn-ubnd-h-xuan-loc", date(2023, 12, 12), today=date(2023, 12, 12))
    again = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, today=FROZEN_ON, actor="test")
    assert again.frozen
    assert again.totals.late == first.totals.late + 1
    assert _audit_actions()[-1] == "report.refrozen"
    assert build_report("dong-nai", "2023-Q4", as_of=date(2024, 1, 5), actor="test").to_json() == again.to_json()


def test_scheduled_runs_report_every_closed_quarter_not_yet_stored(seeded_sqlite: str) -> None:
    """What the quarterly schedules report (new_only): NĐ 09 quarters close on the 14th, calendar ones on the last day."""
    dec15, jan1 = date(2023, 12, 15), date(2024, 1, 1)
    # Calendar periods on the 15/12 run: the last closed quarter is Q3 (Q4 ends 31/12), not Q4.
    assert unreported_periods("dong-nai", dec15, today=dec15, calendar_periods=True) == ["2023-Q3"]
    build_report("dong-nai", "2023-Q3", as_of=dec15, today=dec15, actor="test", calendar_periods=True)
    assert unreported_periods("dong-nai", dec15, today=dec15, calendar_periods=True) == []  # nothing new on the 15th
    assert unreported_periods("dong-nai", jan1, today=jan1, calendar_periods=True) == ["2023-Q4"]  # the 01/01 run
    # NĐ 09: Q4 on the 15th; nothing new on 01/01 once it is stored.
    assert unreported_periods("dong-nai", dec15, today=dec15) == ["2023-Q4"]
    build_report("dong-nai", "2023-Q4", as_of=dec15, today=dec15, actor="test")
    assert unreported_periods("dong-nai", jan1, today=jan1) == []
    # Missed runs are caught up, oldest first; a future as_of never reaches past today.
    later = date(2024, 9, 20)
    assert unreported_periods("dong-nai", later, today=later) == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert unreported_periods("dong-nai", later, today=date(2024, 6, 20)) == ["2024-Q1", "2024-Q2"]


def test_kpi_by_level_in_170_kh_vp(seeded_db: str) -> None:
    _complete(
        "PL 4.1", "dn-vp-ttpvhcc", date(2024, 2, 1), kpis={"digitized_rate": 72.5}, directive="170/KH-VP", today=date(2024, 2, 1)
    )
    report = build_report("dong-nai", "2024-Q1", as_of=date(2024, 3, 20), actor="test")
    rows = [k for k in report.kpis if k.key == "digitized_rate"]
    assert [(r.agency, r.target, r.actual, r.comparator) for r in rows] == [("dn-vp-ttpvhcc", 70.0, 72.5, ">=")]


def test_counts_query_uses_the_report_index(seeded_sqlite: str) -> None:
    stmt = aggregate.counts_statement("dong-nai", Q4, Q4.end)
    engine = get_engine()
    sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    # Issue 13: ranges per agency (unsettled rows opened by the cut-off; settled since the window opened;
    # the few unsettled rows past due before they open come through any index), never the whole history,
    # and read from the index alone (it covers every counted column: no table look-up per row).
    ranges = [step for step in plan if "USING COVERING INDEX ix_instance_agency_completed" in step]
    assert any("(agency_id=? AND completed_on=? AND opens_on<?)" in step for step in ranges), plan
    assert any("(agency_id=? AND completed_on>?)" in step for step in ranges), plan
    assert not any(step.startswith("SCAN task_instance") for step in plan), plan


def test_docx_follows_nd30(seeded_sqlite: str, tmp_path: Path) -> None:
    replay_q4()
    report = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    write_report(report, tmp_path, issued_on=date(2024, 1, 5), formats=["docx"])
    doc = Document(str(tmp_path / "bao-cao-cchc_dong-nai_2023-Q4.docx"))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14
    runs = [r for p in doc.paragraphs for r in p.runs if r.text] + [
        r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs if r.text
    ]
    assert runs
    assert {r.font.name for r in runs} == {"Times New Roman"}
    header = doc.tables[0]
    left, right = header.cell(0, 0).text, header.cell(0, 1).text
    assert left.splitlines() == ["UBND TỈNH ĐỒNG NAI", "VĂN PHÒNG"]
    assert right.splitlines() == [NATION, MOTTO]
    motto = next(r for p in header.cell(0, 1).paragraphs for r in p.runs if r.text == MOTTO)
    assert motto.font.underline
    assert motto.font.bold
    assert header.cell(1, 0).text.startswith("Số:")
    assert header.cell(1, 0).text.endswith("/BC-VPUBND")
    assert header.cell(1, 1).text == "Đồng Nai, ngày 05 tháng 01 năm 2024"  # NĐ 30: leading zeros for day < 10, month < 3
    body = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in body
    assert "Kết quả thực hiện nhiệm vụ cải cách hành chính quý IV năm 2023" in body
    assert any(t.startswith("I. TÌNH HÌNH CHUNG") for t in body)
    assert any(t.startswith("V. CƠ QUAN, ĐƠN VỊ ĐỂ XẢY RA CHẬM TRỄ") for t in body)
    signature = doc.tables[-1]
    assert signature.cell(0, 0).text.startswith("Nơi nhận:")
    assert "Sở Nội vụ;" in signature.cell(0, 0).text
    assert "CHÁNH VĂN PHÒNG" in signature.cell(0, 1).text
    assert "……" in signature.cell(0, 1).text
    assert len(doc.inline_shapes) == 1  # the chart
    assert Mm(100) < doc.inline_shapes[0].width <= section.page_width - section.left_margin - section.right_margin


def test_chart_font_has_vietnamese_glyphs() -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(FONT, fallback_to_default=False))
    charmap = font.get_charmap()
    assert all(
        ord(ch) in charmap
        for ch in "Hoàn thành đúng hạn Quá hạn chưa hoàn thành Đang thực hiện trong hạn Sở Tư pháp Biên Hòa ỹ ự ằ"
    )


def test_cli_writes_files_and_rejects_bad_input(seeded_sqlite: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    ok = runner.invoke(
        app,
        ["report", "--province", "dong-nai", "--period", "2023-Q4", "--as-of", "16/12/2023", "--out", str(out), "-f", "md,csv"],
    )
    assert ok.exit_code == 0, ok.output
    assert "Quý IV/2023" in ok.output
    assert "đã chốt" in ok.output
    assert sorted(p.suffix for p in out.iterdir()) == [".csv"] * 8 + [".md"]
    for args, message in [
        (["--period", "2023-Q5"], "quarters Q1-Q4"),
        (["--period", "2023-Q4", "--province", "dong-na"], "province 'dong-na': not imported"),
        (["--period", "2023-Q4", "-f", "pdf"], "--format pdf: unknown"),
        (["--period", "2024-Q2"], "after --as-of 16/12/2023"),
        (["--period", "2023-Q4", "--as-of", "31/02/2023"], "not a real date"),
    ]:
        bad_out = tmp_path / "bad"
        argv = ["report", "--province", "dong-nai", "--as-of", "16/12/2023", "--out", str(bad_out), *args]
        result = runner.invoke(app, argv)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output.replace("\n", " "), result.output
        assert not bad_out.exists() or not any(bad_out.iterdir())


def test_period_defaults_to_the_last_closed_quarter(seeded_sqlite: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "--province", "dong-nai", "--as-of", "15/12/2023", "--out", str(tmp_path), "-f", "md"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bao-cao-cchc_dong-nai_2023-Q4.md").exists()


def test_report_data_round_trips_through_json(seeded_sqlite: str) -> None:
    replay_q4()
    report = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    assert ReportData.from_json(report.to_json()) == report


def _libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
def test_docx_renders_in_libreoffice(seeded_sqlite: str, tmp_path: Path) -> None:
    """Checked as a person would: LibreOffice makes a PDF; the first page renders and carries the header."""
    office = _libreoffice()
    if office is None or shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "libreoffice and poppler-utils are required in CI (apt-get install libreoffice-writer-nogui poppler-utils)"
            )
        pytest.skip("libreoffice/pdftoppm not installed")
    replay_q4()
    report = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    write_report(report, tmp_path, issued_on=FROZEN_ON, formats=["docx"])
    docx = tmp_path / "bao-cao-cchc_dong-nai_2023-Q4.docx"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = docx.with_suffix(".pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert NATION in text
    assert MOTTO in text
    assert "BÁO CÁO" in text
    assert "Đồng Nai, ngày 16 tháng 12 năm 2023" in text
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    # the chart (the one picture) fits the printable area (165 × 257 mm): its last rows are not cut off
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    images = [line.split() for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) == 1
    _page, _num, _type, width_px, height_px, *_rest = images[0]
    x_ppi, y_ppi = float(images[0][12]), float(images[0][13])
    width_mm, height_mm = int(width_px) / x_ppi * 25.4, int(height_px) / y_ppi * 25.4
    assert width_mm <= 165.5
    assert 100 < height_mm <= 257
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 20_000
    if os.environ.get("DONDOC_WRITE_DOC_IMAGES") == "1":
        target = PROJECT / "docs" / "img" / "report-page1.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)


@pytest.mark.parametrize(
    ("pixels", "box", "expected"),
    [
        ((1200, 600), (160, 245), (160.0, 80.0)),  # wide: as wide as the text
        ((1200, 4275), (160, 245), (68.8, 245.0)),  # 30+ agencies: as tall as the page, narrower
        ((1000, 1000), (160, 160), (160.0, 160.0)),
    ],
)
def test_chart_is_scaled_into_the_printable_area(
    pixels: tuple[int, int], box: tuple[float, float], expected: tuple[float, float]
) -> None:
    from dondoc.reports.docx_render import fit_picture

    width, height = fit_picture(pixels, box)
    assert (round(width, 1), round(height, 1)) == expected


def test_report_deployments_are_valid() -> None:
    """Both report deployments exist in prefect.yaml, load, accept their parameters, and schedule in Viet Nam time."""
    import yaml
    from prefect.flows import load_flow_from_entrypoint

    deployments = {d["name"]: d for d in yaml.safe_load((PROJECT / "prefect.yaml").read_text())["deployments"]}
    quarterly, monthly = deployments["quarterly-report"], deployments["monthly-report"]
    for deployment in (quarterly, monthly):
        flow = load_flow_from_entrypoint(str(PROJECT / deployment["entrypoint"]))
        flow.validate_parameters(deployment.get("parameters") or {})
    nd09, calendar = quarterly["schedules"]
    for schedule in (nd09, calendar):
        assert schedule["timezone"] == "Asia/Ho_Chi_Minh"
        # Scheduled runs report only the quarters closed since the last stored one.
        validated = flow.validate_parameters({**quarterly["parameters"], **schedule["parameters"]})
        assert validated["new_only"] is True
        assert "period" not in {**quarterly["parameters"], **schedule["parameters"]}
    # The day after the NĐ 09/2019 cut-off (the 14th) of each quarter's last month ...
    assert nd09["cron"].split()[2:4] == ["15", "3,6,9,12"]
    # ... and the day after a calendar quarter ends, for provinces with `reports.cutoff: calendar`.
    assert calendar["cron"].split()[2:4] == ["1", "1,4,7,10"]
    assert quarterly["parameters"]["province"] is None
    assert "schedules" not in monthly
    assert monthly["parameters"] == {"province": None, "kind": "month"}  # every province with directives


@pytest.mark.e2e
@pytest.mark.slow
def test_flow_writes_files_and_publishes_the_artifact(seeded_sqlite: str, tmp_path: Path, prefect_api: None) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.reform_report import reform_report

    replay_q4()
    files = reform_report(province="dong-nai", period="2023-Q4", as_of=FROZEN_ON, out_dir=str(tmp_path), formats=["md", "docx"])
    with get_client(sync_client=True) as client:  # read now: the calendar Q4 below publishes under the same key
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["bao-cao-cchc-dong-nai-2023-q4"]))
        )
    # As the schedules run it: Q4 is stored now, so nothing new ...
    assert reform_report(province="dong-nai", as_of=FROZEN_ON, out_dir=str(tmp_path / "new"), formats=["md"], new_only=True) == []
    # ... while calendar quarters close on the last day: Q3 on the 15/12 run, Q4 on the 01/01 run.
    calendar_runs = [
        reform_report(
            province="dong-nai", as_of=day, calendar_periods=True, out_dir=str(tmp_path / "cal"), formats=["md"], new_only=True
        )
        for day in (date(2023, 12, 15), date(2024, 1, 1))
    ]
    assert sorted(Path(f).suffix for f in files) == [".docx", ".md"]
    assert not (tmp_path / "new").exists()
    assert [[Path(f).name for f in run] for run in calendar_runs] == [
        ["bao-cao-cchc_dong-nai_2023-Q3.md"],
        ["bao-cao-cchc_dong-nai_2023-Q4.md"],
    ]
    assert artifacts
    assert artifacts[0].type == "markdown"
    markdown = str(artifacts[0].data)
    assert "| Hoàn thành đúng hạn | 5 |" in markdown
    assert "](data:image/png;base64," in markdown
    assert "bao-cao-cchc_dong-nai_2023-Q4.docx" in markdown


def test_calendar_periods_are_an_option_stored_apart(seeded_sqlite: str) -> None:
    replay_q4()
    nd09 = build_report("dong-nai", "2023-Q4", as_of=FROZEN_ON, actor="test")
    replay_after_freeze()
    calendar = build_report("dong-nai", "2023-Q4", as_of=date(2024, 1, 2), actor="test", calendar_periods=True)
    assert (calendar.cutoff_mode, calendar.window_start, calendar.window_end) == (
        "calendar",
        date(2023, 10, 1),
        date(2023, 12, 31),
    )
    assert calendar.frozen
    # Y tế's 1.k, done 20/12, falls inside the calendar quarter: late there, overdue in the NĐ 09 quarter.
    y_te = {g.code: g.counts for g in calendar.agencies}["dn-so-y-te"]
    assert y_te.late == 1
    assert {g.code: g.counts for g in nd09.agencies}["dn-so-y-te"].late == 0
    assert build_report("dong-nai", "2023-Q4", as_of=date(2024, 1, 2), actor="test").to_json() == nd09.to_json()
