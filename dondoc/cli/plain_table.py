"""A table drawn as plain text in the box rich draws by default (``box.HEAVY_HEAD``), without rich.

Every listing of the command line (``dondoc tasks``, ``deadlines``, ``status``, ``agencies`` …)
draws its table here: rich costs ~25 ms to import and ~0.6 ms a row to lay out, as much as the
query of a read command. The look is rich's: the title centred over the table, a heavy header
box, one line a row (cells wrapped at words, and a word longer than its column folded, when the
table is wider than ``width``). ``styled``: the title italic and the headers bold (a terminal).

Pure: text in, text out; widths count terminal cells (a combining mark none, a wide character two).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_ITALIC, _BOLD, _RESET = "\x1b[3m", "\x1b[1m", "\x1b[0m"


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: 0 for a combining mark, 2 for a wide (CJK) character, else 1."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fold(word: str, width: int) -> list[str]:
    """``word`` cut into pieces of at most ``width`` cells (a wide character alone may exceed 1)."""
    pieces, piece, used = [], "", 0
    for char in word:
        w = cell_width(char)
        if piece and used + w > width:
            pieces.append(piece)
            piece, used = "", 0
        piece, used = piece + char, used + w
    return [*pieces, piece]


def wrap(text: str, width: int) -> list[str]:
    """The lines of ``text`` in at most ``width`` cells: broken at spaces, an overlong word folded."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if cell_width(paragraph) <= width:
            lines.append(paragraph)
            continue
        line, used = "", 0
        for word in paragraph.split():
            w = cell_width(word)
            if line and used + 1 + w <= width:
                line, used = f"{line} {word}", used + 1 + w
                continue
            if line:
                lines.append(line)
            if w > width:
                *full, word = _fold(word, width)
                lines.extend(full)
                w = cell_width(word)
            line, used = word, w
        lines.append(line)
    return lines


def column_widths(natural: Sequence[int], available: int) -> list[int]:
    """Each column's width: its natural one, the widest narrowed first until they fit ``available`` cells."""
    widths = list(natural)
    while sum(widths) > available and max(widths, default=0) > 1:
        widest = max(widths)
        level = max(max((w for w in widths if w < widest), default=1), 1)  # the widest come down to the next width
        at_top = [i for i, w in enumerate(widths) if w == widest]
        over = sum(widths) - available
        step = min(widest - level, over // len(at_top))
        for i in at_top if step else at_top[-over:]:  # fewer cells over than widest columns: the last ones give one
            widths[i] -= step or 1
    return widths


def render(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]], *, width: int, styled: bool = False) -> str:
    """The table as lines of text (ending with a newline), at most ``width`` cells wide when it can be."""
    natural = [max((cell_width(line) for cell in (header, *(row[i] for row in rows)) for line in cell.split("\n")), default=0)
               for i, header in enumerate(columns)]  # fmt: skip
    widths = column_widths(natural, max(width - 3 * len(columns) - 1, len(columns)))
    total = sum(widths) + 3 * len(columns) + 1

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def lines_of(cells: Sequence[str], edge: str, style: str = "", *, bottom: bool = False) -> list[str]:
        wrapped = [wrap(cell, w) for cell, w in zip(cells, widths, strict=True)]
        height = max(len(c) for c in wrapped)
        if bottom:  # rich aligns a header to the bottom of its row
            wrapped = [[""] * (height - len(c)) + c for c in wrapped]
        out = []
        for n in range(height):
            parts = []
            for lines, w in zip(wrapped, widths, strict=True):
                text = lines[n] if n < len(lines) else ""
                parts.append(" " + (f"{style}{text}{_RESET}" if style and text else text) + " " * (w - cell_width(text)) + " ")
            out.append(edge + edge.join(parts) + edge)
        return out

    out: list[str] = []
    if title:
        for line in wrap(title, total):
            centred = " " * ((total - cell_width(line)) // 2) + (f"{_ITALIC}{line}{_RESET}" if styled else line)
            out.append(centred)
    out.append(rule("┏", "━", "┳", "┓"))
    out.extend(lines_of(columns, "┃", _BOLD if styled else "", bottom=True))
    out.append(rule("┡", "━", "╇", "┩"))
    for row in rows:
        out.extend(lines_of(row, "│"))
    out.append(rule("└", "─", "┴", "┘"))
    return "\n".join(out) + "\n"
