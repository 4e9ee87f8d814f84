"""The report as an official document (NĐ 30/2020/NĐ-CP, Phụ lục I), built with python-docx.

A4, Times New Roman 14 (tables 10–12), margins top/bottom 20 mm, left 30 mm, right 15 mm; the
two-column header (issuing agency | national title and motto, underlined), number, place and
date, title, numbered sections with tables and the chart, "Nơi nhận" and the signature block
left blank for the signer.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from dondoc.domain.dates import vn_date
from dondoc.domain.policy import ReportPolicy
from dondoc.reports.model import ReportData
from dondoc.reports.tables import Column, Table, all_tables, colour_hex, fmt

FONT = "Times New Roman"
BODY_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
TEXT_HEIGHT_MM = 297 - MARGINS_MM["top"] - MARGINS_MM["bottom"]
#: The chart's box: the text width less a little, the printable height less its paragraph's spacing
#: (a chart of many agencies is taller than wide; scaled to the width alone it ran off the page).
CHART_BOX_MM = (TEXT_WIDTH_MM - 5, TEXT_HEIGHT_MM - 12)
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SECTIONS = {
    "tong-hop": "I. TÌNH HÌNH CHUNG",
    "theo-van-ban": "II. KẾT QUẢ THEO VĂN BẢN CHỈ ĐẠO",
    "theo-co-quan": "III. KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ",
    "qua-han": "IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH",
    "cham-tre": "V. CƠ QUAN, ĐƠN VỊ ĐỂ XẢY RA CHẬM TRỄ",
    "chi-tieu": "VI. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
    "gia-han": "VII. NHIỆM VỤ ĐƯỢC GIA HẠN",
    "thuong-xuyen": "VIII. NHIỆM VỤ THƯỜNG XUYÊN",
}


def place_and_date(place: str, day: date) -> str:
    """NĐ 30/2020: days below 10 and months below 3 are written with a leading zero."""
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {dd} tháng {mm} năm {day.year}"


def _font(run_or_style: object, size: float | None = None, *, bold: bool | None = None, italic: bool | None = None) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(
    container: object,
    text: str = "",
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: int | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
) -> object:
    p = container.add_paragraph()  # type: ignore[attr-defined]
    fmt_ = p.paragraph_format
    fmt_.space_before, fmt_.space_after = Pt(before), Pt(after)
    if align is not None:
        p.alignment = align
    if indent:
        fmt_.first_line_indent = Mm(10)
    if text:
        run = p.add_run(text)
        _font(run, size, bold=bold, italic=italic)
        run.font.underline = underline
    return p


def _cell_text(
    cell: object,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = True,
) -> None:
    p = cell.paragraphs[0] if first else cell.add_paragraph()  # type: ignore[attr-defined]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    run = p.add_run(text)
    _font(run, size, bold=bold, italic=italic)
    run.font.underline = underline


def _shade(cell: object, hex_colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), hex_colour.lstrip("#"))
    tc_pr.append(shading)


def _widths(table: object, widths_mm: list[float]) -> None:
    """Fixed column widths, written where both Word (cell widths) and LibreOffice (the grid) read them."""
    table.autofit = False  # type: ignore[attr-defined]
    tbl = table._tbl  # type: ignore[attr-defined]
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl.tblPr.append(layout)
    for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        grid_col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _cell_margins(table: object, mm: float) -> None:
    """Narrow left/right cell padding: wide tables keep dates and numbers on one line."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(Mm(mm).twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)  # type: ignore[attr-defined]


def _column_widths(columns: list[Column]) -> list[float]:
    scale = (TEXT_WIDTH_MM - 1) / sum(c.width for c in columns)
    return [c.width * scale for c in columns]


def _header(doc: object, report: ReportData, policy: ReportPolicy, issued_on: date) -> None:
    table = doc.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [64, TEXT_WIDTH_MM - 64])
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_text(left, f"UBND TỈNH {report.province_name.upper()}", 13)
    _cell_text(left, policy.issuer_short, 13, bold=True, underline=True, first=False)
    _cell_text(right, NATION, 12, bold=True)
    _cell_text(right, MOTTO, 13, bold=True, underline=True, first=False)
    _cell_text(table.cell(1, 0), f"Số:        /{policy.number_symbol}", 13)
    _cell_text(table.cell(1, 1), place_and_date(report.province_name, issued_on), 14, italic=True)
    for cell in (table.cell(1, 0), table.cell(1, 1)):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def _data_table(doc: object, table: Table) -> None:
    shown = [i for i, c in enumerate(table.columns) if c.in_docx]
    columns = [table.columns[i] for i in shown]
    size = 10 if len(columns) > 7 else 12
    grid = doc.add_table(rows=1, cols=len(columns))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(grid.rows[0].cells, columns, strict=True):
        _cell_text(cell, column.title, size, bold=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _shade(cell, "#e0e0e0")
    for row in table.rows:
        cells = grid.add_row().cells
        total_row = row[0] is None and isinstance(row[1], str) and row[1].startswith("Tổng")
        for cell, index in zip(cells, shown, strict=True):
            value, column = row[index], table.columns[index]
            text = fmt(value, column.kind) if value is not None or column.kind != "int" else ""
            left = column.kind == "text" and not total_row and column.shade_from is None
            _cell_text(cell, text, size, bold=total_row, align=WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER)
            colour_name = row[column.shade_from] if column.shade_from is not None else value if column.kind == "colour" else None
            if colour_name and (fill := colour_hex(str(colour_name))):
                _shade(cell, fill)
                cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                cell.paragraphs[0].runs[0].font.bold = True
    _widths(grid, _column_widths(columns))
    _cell_margins(grid, 0.9)
    # Repeat the header row on every page a long table spans.
    tr_pr = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)


def _signature(doc: object, policy: ReportPolicy) -> None:
    table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _widths(table, [85, TEXT_WIDTH_MM - 85])
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_text(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in policy.recipients:
        _cell_text(left, f"- {line}", 11, align=WD_ALIGN_PARAGRAPH.LEFT, first=False)
    for i, line in enumerate(policy.signer_title):
        _cell_text(right, line, 14, bold=True, first=i == 0)
    _cell_text(right, "(Ký, ghi rõ họ tên và đóng dấu)", 13, italic=True, first=False)
    for _ in range(4):
        _cell_text(right, "", 14, first=False)
    _cell_text(right, "……………………………", 14, bold=True, first=False)


def fit_picture(pixels: tuple[int, int], box_mm: tuple[float, float]) -> tuple[float, float]:
    """The largest size (mm) with the picture's proportions that fits the box: as wide as the box
    unless that makes it taller than the box."""
    px_w, px_h = pixels
    box_w, box_h = box_mm
    scale = min(box_w / px_w, box_h / px_h)
    return px_w * scale, px_h * scale


def _pixel_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def report_docx(report: ReportData, policy: ReportPolicy, *, issued_on: date, chart_png: bytes | None) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    _font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    doc.core_properties.title = f"Báo cáo CCHC {report.period_short} — {report.province_name}"
    doc.core_properties.language = "vi-VN"

    _header(doc, report, policy, issued_on)
    _para(doc, "BÁO CÁO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    _para(
        doc,
        f"Kết quả thực hiện nhiệm vụ cải cách hành chính {report.period_label}",
        14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _para(doc, "―――――――", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    cutoff = "theo Nghị định số 09/2019/NĐ-CP" if report.cutoff_mode == "nd09" else "theo kỳ dương lịch"
    state = "Số liệu đã chốt." if report.frozen else f"Số liệu tạm tính đến ngày {vn_date(report.as_of)}."
    _para(
        doc,
        f"Thời gian lấy số liệu ({cutoff}): từ ngày {vn_date(report.window_start)} đến ngày "
        f"{vn_date(report.window_end)}. {state}",
        14,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        after=6,
    )
    for table in all_tables(report):
        heading = _para(doc, SECTIONS[table.key], 14, bold=True, before=8, after=4, align=WD_ALIGN_PARAGRAPH.LEFT)
        heading.paragraph_format.keep_with_next = True  # type: ignore[attr-defined]
        if table.key == "tong-hop":
            _para(doc, table.note, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)
        if table.rows:
            _data_table(doc, table)
        else:
            _para(doc, "Không có.", 14, italic=True, indent=True)
        if table.key == "theo-co-quan" and chart_png:
            width, height = fit_picture(_pixel_size(chart_png), CHART_BOX_MM)
            doc.add_picture(io.BytesIO(chart_png), width=Mm(width), height=Mm(height))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "", 14, after=6)
    _signature(doc, policy)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
