"""The one place that opens documents: DOCX (python-docx), PDF with a text layer (pdfplumber), text, Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dondoc.errors import InputError
from dondoc.intake.blocks import Block, RawLine, clean, drop_page_furniture, split_text, to_blocks

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


@dataclass(frozen=True)
class ReadDocument:
    path: Path
    blocks: list[Block]
    line_unit: str  # what "lines" count in this file: "dòng" (text, PDF) or "đoạn" (DOCX paragraphs and table rows)


def read_document(path: Path) -> ReadDocument:
    """Blocks of ``path`` in reading order; a clear error for a file that cannot be read as a directive."""
    if not path.is_file():
        raise InputError(f"{path}: không tìm thấy tệp; kiểm tra lại đường dẫn")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: không phải văn bản UTF-8 (byte {exc.start}); hãy lưu lại tệp dưới dạng UTF-8") from exc
        blocks = to_blocks(split_text(text))
        unit = "dòng"
    elif suffix == ".docx":
        blocks = to_blocks(_docx_lines(path), wrap_width=10**9)
        unit = "đoạn"
    elif suffix == ".pdf":
        blocks = to_blocks(_pdf_lines(path))
        unit = "dòng"
    else:
        raise InputError(
            f"{path}: định dạng {suffix or '(không có phần mở rộng)'} chưa được hỗ trợ; "
            "hãy lưu văn bản dưới dạng DOCX, PDF có lớp chữ, TXT hoặc Markdown"
        )
    if not any(b.text.strip() for b in blocks):
        raise InputError(f"{path}: tệp không có chữ nào đọc được; nếu là bản quét (scan), hãy nhận dạng chữ (OCR) trước")
    return ReadDocument(path, blocks, unit)


def _docx_lines(path: Path) -> list[RawLine]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for a damaged package
        raise InputError(f"{path}: không mở được tệp DOCX ({exc}); hãy mở và lưu lại bằng Word/LibreOffice") from exc
    out: list[RawLine] = []
    no = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            no += 1
            out.append(RawLine(no, Paragraph(child, document).text))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                no += 1
                seen: set[int] = set()
                cells: list[str] = []
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(clean(cell.text))
                out.append(RawLine(no, " | ".join(cells), tuple(cells)))
    return out


def _pdf_lines(path: Path) -> list[RawLine]:
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises its own types for damaged or encrypted files
        raise InputError(f"{path}: không mở được tệp PDF ({exc}); hãy xuất lại PDF từ văn bản gốc") from exc
    pages: list[list[RawLine]] = []
    no = 0
    with pdf:
        for original in pdf.pages:
            page = _upright(pdf, original)
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]

            def outside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]] = boxes) -> bool:
                x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
                y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            items: list[tuple[float, str, tuple[str, ...] | None]] = []
            for line in page.filter(outside).extract_text_lines():
                items.append((float(line["top"]), str(line["text"]), None))
            for table in tables:
                for i, row in enumerate(table.extract()):
                    row_cells = tuple(clean(c or "") for c in row)
                    items.append((float(table.bbox[1]) + i * 0.001, " | ".join(row_cells), row_cells))
            lines: list[RawLine] = []
            for _, text, cells in sorted(items, key=lambda item: item[0]):
                no += 1
                lines.append(RawLine(no, text, cells))
            pages.append(lines)
    return drop_page_furniture(pages)


def _upright(pdf: Any, page: Any) -> Any:
    """A page whose text runs up or down the sheet (a landscape table printed on a portrait page), turned to read across.

    pdfplumber reads such text backwards, one letter column at a time. The page is opened again with
    the rotation a viewer would apply (the text running upwards is turned 90° clockwise, downwards 270°),
    keeping only what then reads upright (the running head printed across the sheet is dropped).
    """
    from pdfplumber.page import Page

    chars = page.chars
    turned = [c for c in chars if not c.get("upright", True)]
    if not chars or len(turned) * 2 <= len(chars):
        return page
    upwards = sum(1 for c in turned if c["matrix"][1] > 0)
    rotation = (page.rotation + (90 if upwards * 2 >= len(turned) else 270)) % 360
    page_obj = page.page_obj
    page_obj.attrs["Rotate"] = rotation
    page_obj.rotate = rotation
    return Page(pdf, page_obj, page.page_number, page.initial_doctop).filter(
        lambda obj: obj.get("object_type") != "char" or bool(obj.get("upright", True))
    )
