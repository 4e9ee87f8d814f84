"""The report as Markdown: the Prefect artifact and the .md file."""

from __future__ import annotations

from dondoc.domain.dates import vn_date
from dondoc.reports.model import ReportData
from dondoc.reports.tables import Table, all_tables, fmt

COLOUR_MARK = {
    "xanh": "🟢 xanh",
    "vàng": "🟡 vàng",
    "cam": "🟠 cam",
    "đỏ": "🔴 đỏ",
    "xanh dương": "🔵 xanh dương",
    "xám": "⚪ xám",
}


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table, *, limit: int | None = None) -> str:
    lines = [f"### {table.title}", ""]
    if not table.rows:
        return "\n".join([*lines, "_Không có._", ""])
    lines.append("| " + " | ".join(c.title for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if c.kind in ("int", "pct", "num", "signed") else "---" for c in table.columns) + "|")
    shown = table.rows if limit is None else table.rows[:limit]
    for row in shown:
        cells = []
        for value, column in zip(row, table.columns, strict=True):
            text = "" if value is None and column.kind == "int" else fmt(value, column.kind)
            if column.kind == "colour":
                text = COLOUR_MARK.get(text, text or "—")
            cells.append(_escape(text))
        lines.append("| " + " | ".join(cells) + " |")
    if limit is not None and len(table.rows) > limit:
        lines.append(f"\n_… và {len(table.rows) - limit} dòng nữa (xem tệp XLSX/DOCX)._")
    if table.note:
        lines += ["", table.note]
    return "\n".join([*lines, ""])


def report_markdown(report: ReportData, *, chart: str | None = None, limit: int | None = None) -> str:
    """``chart``: an image reference (file name or data URI) shown under the agency table."""
    state = (
        "Số liệu đã chốt (báo cáo kỳ đã đóng, được lưu và không thay đổi)."
        if report.frozen
        else f"Số liệu tạm tính đến ngày {vn_date(report.as_of)} (kỳ chưa kết thúc)."
    )
    cutoff = "theo NĐ 09/2019/NĐ-CP" if report.cutoff_mode == "nd09" else "theo kỳ dương lịch"
    parts = [
        f"# Báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính {report.period_label} — {report.province_name}",
        "",
        f"Thời gian lấy số liệu ({cutoff}): từ ngày {vn_date(report.window_start)} đến ngày {vn_date(report.window_end)}. {state}",
        "",
    ]
    tables = all_tables(report)
    for table in tables:
        parts.append(table_markdown(table, limit=None if table.key in ("tong-hop", "theo-van-ban") else limit))
        if table.key == "theo-co-quan" and chart:
            parts += [f"![Tình trạng thực hiện theo cơ quan, đơn vị]({chart})", ""]
    return "\n".join(parts)
