"""Agency names as printed → registry codes, without guessing (pure: the drafter and the importer share it).

The resolver works over plain records (from the registry YAML today, from the database later).
Matching is diacritics- and case-insensitive, treats "&" as "và", expands "UBND"/"HĐND", and knows a
registry's short names and aliases. A name that does not resolve is returned as written with
"did you mean" candidates; a name that matches two records is ambiguous and also unresolved.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AgencyRecord:
    """One agency or group as the resolver sees it."""

    code: str
    name: str
    province: str
    kind: str
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # for groups: member codes (may be incomplete)
    includes: tuple[str, ...] = ()  # for groups: the groups it is made of
    successors: tuple[str, ...] = ()  # for a former agency: the names of those carrying its work on


@dataclass(frozen=True)
class Resolution:
    written: str
    codes: tuple[str, ...]
    candidates: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return bool(self.codes)


_ABBREVIATIONS = (
    (r"\bubnd\b", "uy ban nhan dan"),
    (r"\bhdnd\b", "hoi dong nhan dan"),
    (r"\bvp\b", "van phong"),
    (r"\btp\b", "thanh pho"),
    (r"\bkh va cn\b", "khoa hoc va cong nghe"),
    (r"\bkh va dt\b", "ke hoach va dau tu"),
    (r"\bld tb va xh\b", "lao dong thuong binh va xa hoi"),
    (r"\bldtb va xh\b", "lao dong thuong binh va xa hoi"),
    (r"\btt va tt\b", "thong tin va truyen thong"),
    (r"\bgd va dt\b", "giao duc va dao tao"),
    (r"\bnn va ptnt\b", "nong nghiep va phat trien nong thon"),
    (r"\btn va mt\b", "tai nguyen va moi truong"),
    (r"\bvh tt va dl\b", "van hoa the thao va du lich"),
)
_ROLE_PREFIX = re.compile(
    r"^(?:(?:lanh dao|giam doc|thu truong|chu tich|truong|nguoi dung dau|dong chi|ong|ba)\s+)+(?=\S)"
)
_LEADING_NOISE = re.compile(r"^(?:(?:giao|yeu cau|de nghi)(?: (?:nhiem vu )?cho)?|cac dong chi)\s+")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, "&" → "và", punctuation → spaces, abbreviations expanded."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "d").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    text = text.replace("&", " va ")
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    for pattern, replacement in _ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    return text


def _variants(name: str, province_folded: str) -> set[str]:
    """A name's keys: as folded, and without the province's name at the end ("… tỉnh Đồng Nai")."""
    key = fold(name)
    keys = {key}
    for suffix in (f" tinh {province_folded}", f" {province_folded}", f" thanh pho {province_folded}"):
        if province_folded and key.endswith(suffix) and len(key) > len(suffix) + 3:
            keys.add(key[: -len(suffix)])
    return keys


@dataclass
class NameResolver:
    """Resolve printed names against one province's records (or several, when the province is unknown)."""

    records: Sequence[AgencyRecord]
    province_names: dict[str, str] = field(default_factory=dict)
    former: Sequence[AgencyRecord] = ()  # agencies that no longer exist, with their ``successors``
    _index: dict[str, set[str]] = field(init=False, default_factory=dict)
    _display: dict[str, str] = field(init=False, default_factory=dict)
    _successors: dict[str, tuple[str, ...]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for record in self.records:
            for key in self._keys(record):
                self._index.setdefault(key, set()).add(record.code)
                self._display.setdefault(key, record.name)
        for record in self.former:
            for key in self._keys(record):
                if key not in self._index:
                    self._successors.setdefault(key, record.successors)

    def _keys(self, record: AgencyRecord) -> set[str]:
        province_folded = fold(self.province_names.get(record.province, ""))
        names = [record.name, *([record.short_name] if record.short_name else []), *record.aliases]
        return {key for written in names for key in _variants(written, province_folded)}

    @property
    def empty(self) -> bool:
        return not self.records

    def by_code(self, code: str) -> AgencyRecord | None:
        return next((r for r in self.records if r.code == code), None)

    def lookup(self, written: str) -> set[str]:
        key = fold(written)
        key = _LEADING_NOISE.sub("", key)
        for candidate in (key, _ROLE_PREFIX.sub("", key)):
            codes = self._index.get(candidate)
            if codes:
                return codes
        return set()

    def resolve(self, written: str, *, suggest: bool = True) -> Resolution:
        """``written`` → its code; unresolved with "did you mean" candidates (none asked: ``suggest=False``)."""
        written = clean_name(written)
        codes = self.lookup(written)
        if len(codes) == 1:
            return Resolution(written, tuple(codes))
        if not suggest:
            return Resolution(written, ())
        if len(codes) > 1:
            names = sorted({r.name for r in self.records if r.code in codes})
            return Resolution(written, (), tuple(names))
        key = _ROLE_PREFIX.sub("", _LEADING_NOISE.sub("", fold(written)))
        # "Did you mean": who carries on a former agency's work ("Sở Kế hoạch và Đầu tư" → Sở Tài chính),
        # names the written one starts with ("Sở Nội vụ tỉnh X"), then near spellings.
        successors = self._successors.get(key, ())
        close = [k for k in self._index if len(k) >= 6 and (key.startswith(k + " ") or k.startswith(key + " "))]
        close.sort(key=len, reverse=True)
        close += difflib.get_close_matches(key, list(self._index), n=3, cutoff=0.72)
        return Resolution(written, (), tuple(dict.fromkeys([*successors, *(self._display[k] for k in close)]))[:3])

    def knows(self, written: str) -> bool:
        """Whether ``written`` is a registry name or a list of them, read as :meth:`split` reads it."""
        parts = self.split(written, suggest=False)
        return bool(parts) and all(p.resolved for p in parts)

    def split(self, written: str, *, suggest: bool = True) -> list[Resolution]:
        """A list of names as printed ("Sở Tư pháp, Sở Nội vụ và UBND các huyện") → one resolution each.

        Commas also occur inside names ("Sở Văn hóa, Thể thao và Du lịch"), so pieces are joined back
        while the joined text is a known name; "và" splits only when both sides are known names.
        """
        written = clean_name(written)
        if not written:
            return []
        whole = self.resolve(written, suggest=suggest)
        if whole.resolved or self.empty:
            return [whole]
        pieces = [p.strip() for p in re.split(r"[,;]", written) if p.strip()]
        out: list[Resolution] = []
        i = 0
        while i < len(pieces):
            found = None
            for j in range(len(pieces), i, -1):
                joined = ", ".join(pieces[i:j])
                if len(self.lookup(joined)) == 1:
                    found = (j, self.resolve(joined, suggest=suggest))
                    break
            if found:
                i, resolution = found
                out.append(resolution)
                continue
            out.extend(self._split_and(pieces[i], suggest=suggest))
            i += 1
        return out

    def combine(self, codes: Sequence[str]) -> tuple[str, ...]:
        """Groups named one by one ("Các sở, ban ngành tỉnh, UBND các huyện") → the group made of exactly them."""
        wanted = set(codes)
        if len(wanted) < 2:
            return tuple(codes)
        for record in self.records:
            if record.includes and set(record.includes) == wanted:
                return (record.code,)
        return tuple(codes)

    def _split_and(self, piece: str, *, suggest: bool) -> list[Resolution]:
        parts = re.split(r"\s+(?:và|cùng)\s+", piece)
        if len(parts) > 1:
            for cut in range(1, len(parts)):
                left, right = " và ".join(parts[:cut]), " và ".join(parts[cut:])
                if len(self.lookup(left)) == 1 and len(self.lookup(right)) == 1:
                    return [self.resolve(left, suggest=suggest), self.resolve(right, suggest=suggest)]
        return [self.resolve(piece, suggest=suggest)]



def clean_name(text: str) -> str:
    """A name as written, without list punctuation, bullets or emphasis marks around it."""
    text = re.sub(r"[*_]+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" -–+•:;,.")
