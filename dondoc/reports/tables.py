"""The report's tables, once, for every form (Markdown, DOCX, XLSX, CSV): typed cells, Vietnamese headers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from dondoc.domain import report_math as rm
from dondoc.domain.dates import vn_date
from dondoc.domain.policy import Policy, RatingPolicy
from dondoc.domain.status import STATUS_VI, Colour, Status
from dondoc.reports.model import GroupRow, ReportData

Kind = Literal["text", "int", "pct", "num", "date", "colour", "signed"]
Cell = str | int | float | date | None

COMPARATOR_VI = {">=": "≥", "<=": "≤", "==": "="}


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = "text"
    width: float = 1.0  # relative width in the DOCX
    in_docx: bool = True  # a narrow page drops a few helper columns (the XLSX and CSV keep them)
    shade_from: int | None = None  # DOCX: fill this cell with the colour named in that column


@dataclass(frozen=True)
class Table:
    key: str  # file-name friendly: csv file suffix and sheet name source
    title: str  # Vietnamese heading
    sheet: str  # ≤ 31 characters (Excel)
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


NUMBER = Column("STT", "int", 1.0)
DIRECTIVE = Column("Văn bản", width=2.0)


def policy_of(report: ReportData) -> Policy:
    """The rating thresholds stored with the report (a frozen report keeps its colours)."""
    return Policy(rating=RatingPolicy(**report.rating))


def fmt(value: Cell, kind: Kind) -> str:
    """How a cell reads in a document."""
    if value is None:
        return "—"
    if kind == "pct":
        return rm.percent(float(value))  # type: ignore[arg-type]
    if kind == "date" and isinstance(value, date):
        return vn_date(value)
    if kind == "num" and isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if kind == "signed":
        return rm.signed(value)  # type: ignore[arg-type]
    return str(value)


def _counts_columns(first: str) -> list[Column]:
    return [
        NUMBER,
        Column(first, width=3.0),
        Column(STATUS_VI[Status.DONE_ON_TIME], "int"),
        Column(STATUS_VI[Status.DONE_LATE], "int"),
        Column(STATUS_VI[Status.IN_PROGRESS], "int"),
        Column(STATUS_VI[Status.OVERDUE], "int"),
        Column("Tổng số", "int"),
        Column("Tỷ lệ đúng hạn", "pct", 1.1),
        Column("Xếp loại", "colour", 1.1),
    ]


def _counts_cells(c: rm.Counts, policy: Policy) -> list[Cell]:
    return [c.on_time, c.late, c.in_progress, c.overdue, c.total, rm.on_time_rate(c), str(rm.colour(c, policy))]


def _group_table(key: str, title: str, sheet: str, first: str, groups: list[GroupRow], report: ReportData) -> Table:
    policy = policy_of(report)
    rows: list[list[Cell]] = [[i, g.name, *_counts_cells(g.counts, policy)] for i, g in enumerate(groups, 1)]
    rows.append([None, "Tổng cộng", *_counts_cells(report.totals, policy)])
    return Table(key, title, sheet, _counts_columns(first), rows)


def totals_table(report: ReportData) -> Table:
    c, prev = report.totals, report.previous
    p = prev.counts if prev else None
    delta = rm.change(c, p)
    share = rm.shares(c)
    prev_label = prev.period_short if prev else "Kỳ trước"
    rows: list[list[Cell]] = [
        [STATUS_VI[Status.DONE_ON_TIME], c.on_time, share["on_time"], p.on_time if p else None, delta.on_time if delta else None],
        [STATUS_VI[Status.DONE_LATE], c.late, share["late"], p.late if p else None, delta.late if delta else None],
        [
            STATUS_VI[Status.IN_PROGRESS],
            c.in_progress,
            share["in_progress"],
            p.in_progress if p else None,
            delta.in_progress if delta else None,
        ],
        [STATUS_VI[Status.OVERDUE], c.overdue, share["overdue"], p.overdue if p else None, delta.overdue if delta else None],
        ["Tổng số (4 nhóm)", c.total, 100.0 if c.total else None, p.total if p else None, (c.total - p.total) if p else None],
    ]
    columns = [
        Column("Nội dung", width=3.2),
        Column(report.period_short, "int", 1.2),
        Column("Tỷ lệ", "pct", 1.2),
        Column(prev_label, "int", 1.2),
        Column("Tăng/giảm", "signed", 1.2),
    ]
    rate_now, rate_prev = rm.on_time_rate(c), rm.on_time_rate(p) if p else None
    note = (
        f"Tỷ lệ hoàn thành đúng hạn (đúng hạn / đến hạn): {rm.percent(rate_now)}"
        + (
            f"; {prev_label}: {rm.percent(rate_prev)}; thay đổi {rm.signed(delta.on_time_rate_points, ' điểm %')}"
            if delta
            else ""
        )
        + f". Xếp loại: {rm.colour(c, policy_of(report)) or 'chưa có nhiệm vụ đến hạn'}."
        + f" Ngoài ra: {c.ongoing} nhiệm vụ thường xuyên, {c.undated} nhiệm vụ chưa xác định thời hạn,"
        + f" {c.extended} nhiệm vụ được gia hạn (tính riêng)."
    )
    return Table("tong-hop", "Tổng hợp kết quả thực hiện", "Tổng hợp", columns, rows, note)


def directive_table(report: ReportData) -> Table:
    return _group_table("theo-van-ban", "Kết quả theo văn bản chỉ đạo", "Theo văn bản", "Văn bản", report.directives, report)


def agency_table(report: ReportData) -> Table:
    return _group_table(
        "theo-co-quan", "Kết quả theo cơ quan, đơn vị", "Theo cơ quan", "Cơ quan, đơn vị", report.agencies, report
    )


def _numbered(key: str, title: str, sheet: str, columns: list[Column], rows: Iterable[list[Cell]]) -> Table:
    """A list table: its rows numbered (STT) before the given columns."""
    return Table(key, title, sheet, [NUMBER, *columns], [[i, *row] for i, row in enumerate(rows, 1)])


def _day(title: str) -> Column:
    return Column(title, "date", 2.1)


def _task_columns(task: float, clause: float, lead: float) -> list[Column]:
    """A listed task: what it is, its directive and clause, its lead (relative widths)."""
    return [Column("Nhiệm vụ", width=task), DIRECTIVE, Column("Mục", width=clause), Column("Cơ quan chủ trì", width=lead)]


def overdue_table(report: ReportData) -> Table:
    columns = [
        *_task_columns(4.2, 1.4, 2.3),
        _day("Hạn"),
        Column("Số ngày quá hạn", "int", 1.1),
    ]
    rows: Iterable[list[Cell]] = (
        [o.summary + (" (đã gia hạn)" if o.extended else ""), o.directive, o.clause, o.agency_name, o.due, o.days_overdue]
        for o in report.overdue
    )
    return _numbered("qua-han", "Danh sách nhiệm vụ quá hạn chưa hoàn thành", "Quá hạn", columns, rows)


def delay_table(report: ReportData) -> Table:
    worst: dict[str, int] = {}
    for o in report.overdue:
        worst[o.agency] = max(worst.get(o.agency, 0), o.days_overdue)
    found = rm.delayers([(g.code, g.name, g.counts) for g in report.agencies], worst)
    columns = [
        Column("Cơ quan, đơn vị", width=4.0),
        Column("Quá hạn chưa hoàn thành", "int", 1.4),
        Column("Hoàn thành quá hạn", "int", 1.4),
        Column("Quá hạn lâu nhất (ngày)", "int", 1.4),
    ]
    rows: Iterable[list[Cell]] = ([d.name, d.overdue, d.late, d.max_days_overdue] for d in found)
    return _numbered("cham-tre", "Danh sách cơ quan, đơn vị để xảy ra chậm trễ", "Chậm trễ", columns, rows)


def kpi_table(report: ReportData) -> Table:
    policy = policy_of(report)
    columns = [
        DIRECTIVE,
        Column("Mục", width=1.0),
        Column("Chỉ tiêu", width=3.4),
        Column("Cơ quan, đơn vị", width=2.0),
        Column("Mục tiêu", width=1.3),
        Column("Thực hiện", "num", 1.2),
        Column("Mức đạt", "pct", 1.4),
        _day("Ngày báo cáo"),
        Column("Đánh giá", width=1.3, shade_from=10),
        Column("Màu", "colour", in_docx=False),
    ]
    rows: Iterable[list[Cell]] = (
        [
            k.directive,
            k.clause,
            k.label,
            k.agency_name,
            f"{COMPARATOR_VI.get(k.comparator, k.comparator)} {fmt(k.target, 'num')} {k.unit}".rstrip(),
            k.actual,
            rm.attainment(k.comparator, k.target, k.actual),
            k.reported_on,
            "Đạt" if rm.kpi_met(k.comparator, k.target, k.actual) else "Chưa đạt",
            str(rm.kpi_colour(k.comparator, k.target, k.actual, policy)),
        ]
        for k in report.kpis
    )
    return _numbered("chi-tieu", "Chỉ tiêu: mục tiêu và kết quả báo cáo", "Chỉ tiêu", columns, rows)


def extended_table(report: ReportData) -> Table:
    columns = [
        *_task_columns(3.2, 1.0, 2.0),
        _day("Hạn ban đầu"),
        _day("Hạn được gia hạn"),
        Column("Lý do, văn bản cho phép", width=2.4),
        _day("Ngày hoàn thành"),
    ]
    rows: Iterable[list[Cell]] = (
        [e.summary, e.directive, e.clause, e.agency_name, e.original_due, e.due, e.reason, e.done_on] for e in report.extended
    )
    return _numbered("gia-han", "Nhiệm vụ được gia hạn", "Gia hạn", columns, rows)


def ongoing_table(report: ReportData) -> Table:
    columns = [
        DIRECTIVE,
        Column("Mục", width=1.4),
        Column("Nhiệm vụ", width=4.8),
        Column("Số cơ quan chủ trì", "int", 1.3),
        Column("Đã báo cáo trong kỳ", "int", 1.3),
    ]
    rows: Iterable[list[Cell]] = ([o.directive, o.clause, o.summary, o.leads, o.reported] for o in report.ongoing)
    return _numbered("thuong-xuyen", "Nhiệm vụ thường xuyên (tính riêng)", "Thường xuyên", columns, rows)


def all_tables(report: ReportData) -> list[Table]:
    return [
        totals_table(report),
        directive_table(report),
        agency_table(report),
        overdue_table(report),
        delay_table(report),
        kpi_table(report),
        extended_table(report),
        ongoing_table(report),
    ]


def colour_hex(name: str) -> str | None:
    """Fill colour for a colour cell ("xanh" → green), None for an empty rating."""
    from dondoc.domain.status import COLOUR_HEX

    try:
        c = Colour(name)
    except ValueError:
        return None
    return None if c is Colour.NONE else COLOUR_HEX[c]
