"""Raw lines of a document → blocks: paragraphs (wrapped lines joined back) and table rows.

Published directives reach us as DOCX paragraphs, PDF text lines broken at the page width, or text
and Markdown extracts whose tables are tab- or pipe-separated. Every block keeps the source lines it
came from, so a reviewer can find it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RawLine:
    """One line as read: ``cells`` when the reader saw a table row."""

    no: int
    text: str
    cells: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Block:
    text: str
    first: int
    last: int
    cells: tuple[str, ...] | None = None

    @property
    def is_row(self) -> bool:
        return self.cells is not None

    @property
    def lines(self) -> tuple[int, int]:
        return (self.first, self.last)


_TAG = re.compile(r"<[^>]{1,200}>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)|\\(?=[\\`*_{}\[\]()#+\-.!|])")
MARKER = re.compile(
    r"^(?:(?:[IVX]{1,4})[.)]\s|\d{1,2}(?:\.\d{1,2}){0,3}[.)]\s|\d{1,2}(?:\.\d{1,2}){1,3}\s|[a-zđ][).]\s|[-–+•]\s|Điều \d+)",
)
_LONE_MARKER = re.compile(r"(?:[IVX]{1,4}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])[.)]")
_TERMINAL = re.compile(r"[.:;!?]\s*$|/\.$")
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def clean(text: str) -> str:
    """Text without Markdown/HTML markup, non-breaking spaces or doubled spaces."""
    text = html.unescape(_TAG.sub(" ", text))
    text = _MD_HEADING.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", text).strip()


def split_text(text: str) -> list[RawLine]:
    """Plain text or Markdown → raw lines; tab- or pipe-separated lines with 3+ cells become rows."""
    out: list[RawLine] = []
    for no, line in enumerate(text.splitlines(), start=1):
        if "\t" in line and line.count("\t") >= 2:
            out.append(RawLine(no, line, tuple(clean(c) for c in line.split("\t"))))
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 4:
            if _MD_SEPARATOR.match(stripped):
                continue
            cells = stripped.strip("|").split("|")
            out.append(RawLine(no, line, tuple(clean(c) for c in cells)))
            continue
        out.append(RawLine(no, line))
    return out


def to_blocks(lines: Iterable[RawLine], *, wrap_width: int = 55) -> list[Block]:
    """Join lines a PDF or a text export broke at the page width back into paragraphs.

    A line continues the paragraph before it when that paragraph's last line was long (at least
    ``wrap_width`` characters: it reached the margin), ends without closing punctuation, and the new
    line does not start an item ("1.", "a)", "-") — blank lines in between do not matter.
    """
    blocks: list[Block] = []
    last_raw_len = 0
    last_no = 0
    for raw in lines:
        if raw.cells is not None:
            if any(c for c in raw.cells):
                blocks.append(Block(" | ".join(c for c in raw.cells if c), raw.no, raw.no, raw.cells))
            last_raw_len = 0
            continue
        pieces = _split_first_child(clean(raw.text))
        for text in pieces:
            length = len(raw.text.strip()) if len(pieces) == 1 else len(text)
            last_raw_len, last_no = _add_line(blocks, text, raw, length, (last_raw_len, last_no), wrap_width)
    return blocks


def _split_first_child(text: str) -> list[str]:
    """ "2. Nâng cao năng lực … 2.1. Rà soát …" → the heading and its first sub-item, as two lines.

    Text exports of some pages glue an item's heading and the marker of its first sub-item ("2.1.",
    or "1." under a roman section) on one line; only that first child's marker splits a line.
    """
    m = re.match(r"^(?:(?P<roman>[IVX]{1,4})|(?P<num>\d{1,2}(?:\.\d{1,2}){0,2}))\.\s", text)
    if not m:
        return [text]
    child = "1." if m.group("roman") else f"{m.group('num')}.1."
    at = text.find(f" {child}", m.end())
    if at < 0 or not (at + 1 + len(child) == len(text) or text[at + 1 + len(child)] == " "):
        return [text]
    return [text[:at].strip(), text[at + 1 :].strip()]


def _add_line(
    blocks: list[Block], text: str, raw: RawLine, length: int, last: tuple[int, int], wrap_width: int
) -> tuple[int, int]:
    """Append one line's text to ``blocks``, joined to the paragraph it continues; the new (length, line no).

    ``length`` is the printed length of this line, ``last`` that of the previous line and its number.
    """
    last_raw_len, last_no = last
    if not text:
        return last
    prev = blocks[-1] if blocks else None
    gap = raw.no - last_no > 1
    if prev is not None and not prev.is_row and _LONE_MARKER.fullmatch(prev.text):
        # "1.4." on a line of its own (a PDF's number column, a crawl's layout): the item's text follows.
        blocks[-1] = Block(f"{prev.text} {text}", prev.first, raw.no)
    elif (
        prev is not None
        and not prev.is_row
        and last_raw_len >= wrap_width
        and (not gap or text[:1].islower())
        and not _TERMINAL.search(prev.text)
        and not MARKER.match(text)
        and not _LONE_MARKER.fullmatch(text)
        and not _is_heading_line(text)
        and not text.startswith(_HEADER_STARTS)
        and not _HEADER_LINE.search(prev.text)
    ):
        blocks[-1] = Block(f"{prev.text} {text}", prev.first, raw.no)
    else:
        blocks.append(Block(text, raw.no, raw.no))
    return length, raw.no


_HEADER_STARTS = ("V/v", "V/V", "Kính gửi", "Nơi nhận", "Số:", "Số :", "CỘNG HÒA", "Độc lập")
_HEADER_LINE = re.compile(r"(?:^|\s)Số\s*:|,\s*ngày\s+(?:\d{1,2}\s+)?tháng")


def _is_heading_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


_PAGE_NUMBER = re.compile(r"^\d{1,4}(?:\s+\d{1,4})?$")


def drop_page_furniture(pages: Sequence[Sequence[RawLine]], *, edge: int = 2) -> list[RawLine]:
    """The lines of a PDF's pages, in order, without what the printer repeats on every page.

    A gazette prints a running head on each page ("CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023 45", "46 CÔNG
    BÁO/Số 1091 + 1092/Ngày 03-11-2023"), which would otherwise read as an item numbered 46 in the
    middle of a list. A line among the first or last ``edge`` text lines of a page whose text, digits
    aside, recurs there on at least three pages and on a third of all pages is page furniture, and so
    is a bare page number there. Table rows are never dropped; line numbers stay those of the pages.
    """

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text)).strip()

    def edges(page: Sequence[RawLine]) -> set[int]:
        text_lines = [i for i, line in enumerate(page) if line.cells is None and line.text.strip()]
        return {*text_lines[:edge], *text_lines[-edge:]}

    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({key(page[i].text) for i in edges(page)})
    repeated = {k for k, n in counts.items() if n >= 3 and n * 3 >= len(pages)}
    out: list[RawLine] = []
    for page in pages:
        furniture = {i for i in edges(page) if key(page[i].text) in repeated or _PAGE_NUMBER.match(page[i].text.strip())}
        out.extend(line for i, line in enumerate(page) if i not in furniture)
    return out


def paragraphs_to_lines(paragraphs: Sequence[str]) -> list[RawLine]:
    """DOCX paragraphs (already whole) → raw lines numbered in reading order."""
    return [RawLine(i, p) for i, p in enumerate(paragraphs, start=1)]
