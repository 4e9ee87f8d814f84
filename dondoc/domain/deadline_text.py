"""The words and dates of a deadline phrase, found in one linear pass (DOMAIN.md §3).

The parser reads a *folded* copy of the phrase: lower case, Vietnamese diacritics removed
(``đ`` → ``d``), spelling variants unified and spaces collapsed. A phrase typed without
diacritics therefore reads exactly like the same phrase typed with them, and every rule
pattern is written once, without diacritics.

Every regular expression here is anchored on literal words or bounded digit runs, so a
search costs time proportional to the text (no nested repetition, no unbounded look-back).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

#: Years outside this range are typing errors in a directive, never a deadline.
MIN_YEAR = 1900
MAX_YEAR = 2199

_COMBINING = re.compile(r"[\u0300-\u036f]+")
_NOISE = re.compile(r"[*_()\[\]\"“”‘’«»]+")
_SPACES = re.compile(r"\s+")
_GLUE = re.compile(r" ?([/.]) ?(?=\d)")
_QUI = re.compile(r"\bqui\b")


class BadDate(ValueError):
    """A date the text writes but that cannot exist (31/02, year 20234, month 13)."""


def normalize(text: str) -> str:
    """NFC, lower case, unify spelling variants (hằng→hàng, quí→quý) and spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("hằng", "hàng").replace("quí", "quý").replace("qúy", "quý")
    text = _NOISE.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _GLUE.sub(r"\1", text)
    return text.strip()


def fold(text: str) -> str:
    """``normalize`` without diacritics: the form every rule reads."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    text = _COMBINING.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _NOISE.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _GLUE.sub(r"\1", text)
    return _QUI.sub("quy", text.strip())


def year_of(digits: str) -> int:
    if len(digits) != 4:
        raise BadDate(f"năm {digits!s} không hợp lệ: năm phải có đúng 4 chữ số")
    year = int(digits)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadDate(f"năm {digits} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
    return year


def make_date(day: int, month: int, year: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise BadDate(f"ngày {day:02d}/{month:02d}/{year} không tồn tại") from exc


def month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise BadDate(f"tháng {month}/{year} không tồn tại")
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


class MentionKind(StrEnum):
    DATE = "date"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


@dataclass(frozen=True)
class Mention:
    """One date or period written in the phrase, with its place in the folded text."""

    kind: MentionKind
    start: int
    end: int
    day: int = 0
    month: int = 0
    year: int | None = None
    number: int = 0  # the quarter (1–4) or half (1–2)
    iso: bool = False

    def first_day(self, default_year: int | None) -> date:
        year = self._year(default_year)
        match self.kind:
            case MentionKind.DATE:
                return make_date(self.day, self.month, year)
            case MentionKind.MONTH:
                month_end(year, self.month)
                return date(year, self.month, 1)
            case MentionKind.QUARTER:
                return date(year, self.number * 3 - 2, 1)
            case MentionKind.HALF:
                return date(year, 1 if self.number == 1 else 7, 1)
            case _:
                return date(year, 1, 1)

    def last_day(self, default_year: int | None) -> date:
        year = self._year(default_year)
        match self.kind:
            case MentionKind.DATE:
                return make_date(self.day, self.month, year)
            case MentionKind.MONTH:
                return month_end(year, self.month)
            case MentionKind.QUARTER:
                return month_end(year, self.number * 3)
            case MentionKind.HALF:
                return date(year, 6, 30) if self.number == 1 else date(year, 12, 31)
            case _:
                return date(year, 12, 31)

    def _year(self, default_year: int | None) -> int:
        if self.year is not None:
            return self.year
        if default_year is None:
            raise BadDate(f"{self.describe()} không ghi năm và văn bản không có ngày ban hành")
        return default_year

    def describe(self) -> str:
        match self.kind:
            case MentionKind.DATE:
                return f"ngày {self.day:02d}/{self.month:02d}"
            case MentionKind.MONTH:
                return f"tháng {self.month:02d}"
            case MentionKind.QUARTER:
                return f"quý {self.number}"
            case _:
                return "năm"


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# Alternatives are tried in order at each position; each is bounded (digits {1,2} or a
# year of any length that ``year_of`` then rejects unless it has four digits).
_SCAN = re.compile(
    r"(?<![\d/.-])(?P<iy>\d{4,})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?![\d/-])"
    # a bare span of years, "2026 - 2030" (a table's time column): its first year, the span is read from there
    r"|(?<![\d/.-])(?P<sy>(?:19|20)\d{2})(?= ?[-–] ?(?:19|20)\d{2}(?![\d/.-]))"
    # a bare year after "đến": "Đến 2025", "đến hết 2025"
    r"|(?:(?<=den )|(?<=den het ))(?P<ey>(?:19|20)\d{2})(?![\d/.-])"
    r"|(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[/-])(?P<m>\d{1,2})(?:[/.-](?P<y>\d+))?(?:,? nam (?P<y2>\d{4,}))?(?![\d/])"
    r"|(?<![\d/.-])(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?P<dy>\d{4,})(?![\d.])"
    r"|(?<![\d/.-])(?P<wd>\d{1,2}) thang (?P<wm>\d{1,2})(?:,? nam (?P<wy>\d+))?(?![\d/])"
    r"|\bquy (?P<q>iv|iii|ii|i|[1-4])\b(?: ?(?:/|-|nam) ?(?P<qy>\d{4,}))?"
    r"|\b(?:0?6|sau) thang (?P<h>dau|cuoi) nam (?P<hy>\d{4,})"
    r"|\bthang (?P<mm>\d{1,2}) ?(?:/|-|nam) ?(?P<my>\d{4,})(?![\d/])"
    r"|\bthang (?P<bm>\d{1,2})\b(?! ?[/-]? ?\d)(?! (?:hang|moi|cac) nam)(?! dau| cuoi)"
    r"|\bnam (?P<yy>\d{4,})(?![\d/])"
)

#: "quý II, III/2024", "quý I và II năm 2025": more quarters after the first, then one year for all.
_QUARTER_LIST = re.compile(r"(?P<more>(?:(?:,| va| -| den) ?(?:quy )?(?:iv|iii|ii|i|[1-4])\b){1,3}) ?(?:/|-|nam) ?(?P<y>\d{4,})")
_YEAR_LIST = re.compile(r"(?:,| va) ?((?:19|20)\d{2})(?![\d/-])(?!\.\d)")
_QUARTER_NUMBER = re.compile(r"\b(iv|iii|ii|i|[1-4])\b")

#: "Quyết định 962/QĐ-UBND ngày 15/8/2024": the date of a cited document, not a deadline.
_CITED = re.compile(r"\d+/[a-z0-9/-]*[a-z][a-z0-9/-]* ngay $|\b(?:ban hanh|ky) ngay $")


#: "ngày 30 tháng 11 năm trước của năm kế hoạch": a day of a period the text names relatively.
_RELATIVE_TAIL = re.compile(
    r" ?(?:cua |thuoc )?(?:nam (?:truoc|sau|ke hoach|bao cao|tiep theo|lien sau|lien ke|ke tiep|thuc hien|duong lich tiep theo|cuoi ky)|(?:cua )?ky bao cao"
    r"|nam tai chinh)\b"
)


def is_relative(folded: str, mention: Mention) -> bool:
    """Whether a day/month written without a year belongs to a period named relatively."""
    return mention.year is None and _RELATIVE_TAIL.match(folded, mention.end) is not None


def scan(folded: str) -> list[Mention]:
    """Every date and period written in ``folded``, left to right (cited documents' dates left out)."""
    found: list[Mention] = []
    for m in _SCAN.finditer(folded):
        g = m.groupdict()
        start, end = m.span()
        if g["iy"] is not None:
            found.append(_date(start, end, g["id"], g["im"], g["iy"], iso=True))
        elif g["d"] is not None:
            if int(g["m"]) > 12 or (int(g["d"]) == 0 and g["y"] is None):
                continue  # "1.170" or a fraction: not a date
            year = g["y"] or g["y2"]
            if year is None and g["sep"] == "-":
                continue  # "5-6 ngày", "2021-2025" ranges of numbers
            if _CITED.search(folded[max(0, start - 40) : start]):
                continue
            found.append(_date(start, end, g["d"], g["m"], year))
        elif g["dd"] is not None:
            found.append(_date(start, end, g["dd"], g["dm"], g["dy"]))
        elif g["wd"] is not None:
            if _CITED.search(folded[max(0, start - 45) : start]):
                continue
            found.append(_date(start, end, g["wd"], g["wm"], g["wy"]))
        elif g["q"] is not None:
            qy = year_of(g["qy"]) if g["qy"] else None
            listed = _QUARTER_LIST.match(folded, end) if qy is None else None
            if listed is None:
                found.append(Mention(MentionKind.QUARTER, start, end, number=_ROMAN[g["q"]], year=qy))
                continue
            # "quý II, III/2024": the quarters of a list share the year written after the last one.
            qy = year_of(listed.group("y"))
            found.append(Mention(MentionKind.QUARTER, start, end, number=_ROMAN[g["q"]], year=qy))
            for q in _QUARTER_NUMBER.finditer(listed.group("more")):
                found.append(Mention(MentionKind.QUARTER, end + q.start(), end + q.end(), number=_ROMAN[q.group(1)], year=qy))
        elif g["h"] is not None:
            found.append(Mention(MentionKind.HALF, start, end, number=1 if g["h"] == "dau" else 2, year=year_of(g["hy"])))
        elif g["mm"] is not None:
            month = int(g["mm"])
            year = year_of(g["my"])
            month_end(year, month)
            found.append(Mention(MentionKind.MONTH, start, end, month=month, year=year))
        elif g["bm"] is not None:
            month = int(g["bm"])
            if 1 <= month <= 12 and folded[max(0, start - 6) : start].endswith(("trong ", "cuoi ", "het ")):
                found.append(Mention(MentionKind.MONTH, start, end, month=month))
        else:
            found.append(Mention(MentionKind.YEAR, start, end, year=year_of(g["yy"] or g["sy"] or g["ey"])))
            if g["yy"] is not None:
                # "trong năm 2023, 2024": the bare years listed after the first are years too.
                at = end
                while (more := _YEAR_LIST.match(folded, at)) is not None:
                    found.append(Mention(MentionKind.YEAR, more.start(1), more.end(1), year=year_of(more.group(1))))
                    at = more.end()
    return found


def _date(start: int, end: int, day: str, month: str, year: str | None, *, iso: bool = False) -> Mention:
    y = year_of(year) if year is not None else None
    d, mo = int(day), int(month)
    if not 1 <= mo <= 12:
        raise BadDate(f"ngày {d:02d}/{mo:02d}{'/' + str(y) if y else ''} không tồn tại")
    make_date(d, mo, y if y is not None else 2024)  # a leap year: 29/02 without a year is valid
    return Mention(MentionKind.DATE, start, end, day=d, month=mo, year=y, iso=iso)


_TIME = re.compile(r"(?<![\d/.,:])(?P<h>\d{1,2})(?: ?(?:gio|h|g) ?(?P<min>\d{2})?(?: phut)?|:(?P<min2>\d{2}))(?![\d/a-z:])")


def time_before(folded: str, at: int) -> tuple[time | None, bool]:
    """A time of day written just before position ``at`` ("trước 15 giờ ngày …"), and whether 'trước' binds it."""
    window = folded[max(0, at - 40) : at]
    times = list(_TIME.finditer(window))
    if not times:
        return None, False
    found = times[-1]
    hour, minute = int(found.group("h")), int(found.group("min") or found.group("min2") or 0)
    if hour > 24 or minute > 59:
        raise BadDate(f"giờ {hour}:{minute:02d} không tồn tại")
    between = window[found.end() :]
    if len(between) > 22 or re.search(r"[;]", between):
        return None, False
    before = window[: found.start()].endswith(("truoc ", "cham nhat ", "cham nhat truoc ", "cham nhat la "))
    return time(hour % 24, minute), before


def find_time(folded: str) -> tuple[time | None, bool]:
    """The first time of day written anywhere in the phrase, and whether 'trước' binds it."""
    m = _TIME.search(folded)
    if m is None:
        return None, False
    hour, minute = int(m.group("h")), int(m.group("min") or m.group("min2") or 0)
    if hour > 24 or minute > 59:
        raise BadDate(f"giờ {hour}:{minute:02d} không tồn tại")
    lead = folded[max(0, m.start() - 20) : m.start()]
    before = lead.endswith(("truoc ", "cham nhat ", "cham nhat truoc "))
    if not before and not lead.endswith(("vao ", "luc ", "vao luc ")):
        return None, False  # "trong 24 giờ" is a duration, not a time of day
    return time(hour % 24, minute), before
