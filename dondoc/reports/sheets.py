"""The report's tables as XLSX (one sheet per table, openpyxl) and CSV (one file per table).

Rates: in XLSX a number shown with the report's format (one decimal, a space, the percent sign:
``4,0 %`` wherever the reader's decimal separator is a comma, as in Vietnamese Excel and
LibreOffice); in CSV a plain decimal of percentage points (``4.0``) under a header naming the unit
(``Tỷ lệ đúng hạn (%)``), so scripts read it without guessing.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from dondoc.reports.model import ReportData
from dondoc.reports.tables import Cell, Column, Table, all_tables, colour_hex

#: Excel number format of rates: the value is a fraction (0.04), shown "4.0 %" / "4,0 %" by locale.
PERCENT_FORMAT = "0.0\\ %"


def _excel_value(value: Cell, kind: str) -> Cell:
    if kind == "pct" and isinstance(value, (int, float)):
        return float(value) / 100.0
    return value


def report_xlsx(report: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for table in all_tables(report):
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append([f"{table.title} — {report.period_short} — {report.province_name}"])
        sheet["A1"].font = Font(bold=True)
        sheet.append([c.title for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            sheet.append([_excel_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
            excel_row = sheet[sheet.max_row]
            for cell, column, value in zip(excel_row, table.columns, row, strict=True):
                if column.kind == "pct":
                    cell.number_format = PERCENT_FORMAT
                elif column.kind == "date" and isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif column.kind == "colour" and (fill := colour_hex(str(value or ""))):
                    cell.fill = PatternFill("solid", fgColor=fill.lstrip("#"))
                    cell.font = Font(bold=True, color="FFFFFF")
        last_row = sheet.max_row
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(table.columns))}{last_row}"
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        for index, column in enumerate(table.columns, 1):
            longest = max([len(column.title), *(len(str(r[index - 1] or "")) for r in table.rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_header(column: Column) -> str:
    """A rate column names its unit: ``Tỷ lệ đúng hạn (%)``."""
    return f"{column.title} (%)" if column.kind == "pct" else column.title


def csv_value(value: Cell, kind: str) -> Cell:
    """Machine-readable: ISO dates, decimals with a point, rates in percentage points to one decimal."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if kind == "pct" and isinstance(value, (int, float)):
        return f"{float(value):.1f}"
    return value


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters; ISO dates, plain numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_header(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_csvs(report: ReportData) -> dict[str, bytes]:
    return {table.key: table_csv(table) for table in all_tables(report)}
