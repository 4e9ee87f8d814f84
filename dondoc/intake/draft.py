"""The draft: a directive in the seed format plus what a reviewer needs (lines, flags, readings).

``build_draft`` is pure: blocks, a name resolver and a policy in, a :class:`Draft` out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import yaml

from dondoc.domain.deadlines import parse_deadline
from dondoc.domain.policy import Policy
from dondoc.intake.blocks import Block
from dondoc.intake.names import NameResolver, Resolution, fold
from dondoc.intake.reading import from_reporting_calendar, reading_json
from dondoc.intake.structure import Found, Header, appendix_items, attached_text, find_items, find_table_rows, parse_header


@dataclass(frozen=True)
class Flag:
    field: str
    line: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class DraftAssignment:
    clause: str
    text: str
    summary: str
    lead_text: str
    lead: tuple[str, ...]
    co_agencies_text: str | None
    co_agencies: tuple[str, ...]
    deliverable: str | None
    deadline_text: str | None
    reading: dict[str, Any]
    report_to_text: str | None
    report_to: tuple[str, ...]
    report_via_text: str | None
    report_via: str | None
    lines: tuple[int, int]
    flags: tuple[Flag, ...]
    source: str
    repeats: str | None = None  # the body item an appendix row states again

    def as_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "text": self.text,
            "summary": self.summary,
            "lead_text": self.lead_text,
            "lead": list(self.lead),
            "co_agencies_text": self.co_agencies_text,
            "co_agencies": list(self.co_agencies),
            "deliverable": self.deliverable,
            "deadline_text": self.deadline_text,
            "reading": self.reading,
            "report_to_text": self.report_to_text,
            "report_to": list(self.report_to),
            "report_via_text": self.report_via_text,
            "report_via": self.report_via,
            "lines": list(self.lines),
            "flags": [f.message for f in self.flags],
            "source": self.source,
            "repeats": self.repeats,
        }


@dataclass(frozen=True)
class Draft:
    source_file: str
    line_unit: str
    province: str | None
    header: Header
    issuer: str | None
    coordinator: str | None
    assignments: tuple[DraftAssignment, ...]
    flags: tuple[Flag, ...] = field(default_factory=tuple)  # header-level flags
    registry_on: str | None = None  # the day whose registry the names were resolved against (ISO), if known

    @property
    def review(self) -> list[Flag]:
        """Every flag of the draft, by line: where a reviewer should look first."""
        everything = list(self.flags)
        for a in self.assignments:
            everything.extend(Flag(f"{a.clause}: {f.field}", f.line, f.message) for f in a.flags)
        return sorted(everything, key=lambda f: (f.line, f.field))

    def to_json(self) -> str:
        h = self.header
        data = {
            "number": h.number,
            "symbol": h.symbol,
            "kind": h.kind,
            "kind_text": h.kind_text,
            "issuer_text": h.issuer_text,
            "issuer": self.issuer,
            "province": self.province,
            "place": h.place,
            "issued": h.issued,
            "title": h.title,
            "signer": h.signer,
            "addressees": list(h.addressees),
            "recipients": list(h.recipients),
            "source_file": self.source_file,
            "coordinator": self.coordinator,
            "line_unit": self.line_unit,
            "registry_on": self.registry_on,
            "header_lines": h.lines,
            "assignments": [a.as_json() for a in self.assignments],
            "flags": [f.as_dict() for f in self.flags],
            "review": [f.as_dict() for f in self.review],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def to_yaml(self) -> str:
        """The file `dondoc import` takes after review; draft-only facts are comments or `lines`/`flags`."""
        h = self.header
        top: dict[str, Any] = {
            "number": h.number,
            "province": self.province,
            "issuer": self.issuer or h.issuer_text,
            "kind": h.kind,
            "issued": h.issued,
            "title": h.title,
            "source_file": self.source_file,
            "signer": h.signer,
            "coordinator": self.coordinator,
            "recipients": [f"Kính gửi: {a}" for a in h.addressees] + [f"Nơi nhận: {r}" for r in h.recipients],
        }
        if self.flags:
            top["flags"] = [f"dòng {f.line}: {f.field}: {f.message}" for f in self.flags]
        out = [
            f"# Bản nháp do `dondoc draft` tạo từ {self.source_file}: cần người điều phối duyệt trước khi import.",
            f"# Số dòng ({self.line_unit}) trong `lines` là vị trí trong tệp nguồn.",
            *([f"# Tên cơ quan đối chiếu với danh mục cơ quan tại ngày {_vn(self.registry_on)}."] if self.registry_on else []),
            _dump(top).rstrip(),
            "assignments:",
        ]
        if not self.assignments:
            out[-1] = "assignments: []  # không tìm thấy mục nào giao việc: kiểm tra lại văn bản"
        for a in self.assignments:
            item: dict[str, Any] = {"clause": a.clause, "text": a.text, "summary": a.summary}
            if _has_unresolved(a, "lead") or not a.lead:
                item["lead"] = a.lead_text
            else:  # several leads: a list, each gets its own instances
                item["lead"] = a.lead[0] if len(a.lead) == 1 else list(a.lead)
            if a.co_agencies and not _has_unresolved(a, "co_agencies"):
                item["co_agencies"] = list(a.co_agencies)
            elif _has_unresolved(a, "co_agencies"):
                item["co_agencies"] = [a.co_agencies_text]
            if a.deliverable:
                item["deliverable"] = a.deliverable
            if a.deadline_text:
                item["deadline"] = a.deadline_text
            if a.report_to or a.report_to_text:
                item["report_to"] = (a.report_to[0] if len(a.report_to) == 1 else list(a.report_to)) if a.report_to else a.report_to_text
            if a.report_via or a.report_via_text:
                item["report_via"] = a.report_via or a.report_via_text
            if a.repeats:
                item["repeats"] = a.repeats
            item["lines"] = list(a.lines)
            if a.flags:
                item["flags"] = [f.message for f in a.flags]
            out.append(f"  # {a.clause} — chủ trì: {a.lead_text} → {', '.join(a.lead) or 'chưa đối chiếu được'}")
            if a.co_agencies_text and "co_agencies" not in item:
                out.append(f"  # phối hợp (không phải tên một cơ quan, không đưa vào co_agencies): {a.co_agencies_text}")
            out.append(f"  # thời hạn: {a.reading['reading']}" + (f" ({', '.join(_vn(d) for d in a.reading['dates'][:3])})" if a.reading["dates"] else ""))
            out.append(_indent(_dump([item])).rstrip())
        review = self.review
        out.append("")
        if review:
            out.append(f"# Cần xem lại ({len(review)}):")
            out.extend(f"#   dòng {f.line}: {f.field}: {f.message}" for f in review)
        else:
            out.append("# Không có mục nào bị đánh dấu.")
        return "\n".join(out) + "\n"


def _vn(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _has_unresolved(a: DraftAssignment, name: str) -> bool:
    return any(f.field == name for f in a.flags)


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _indent(text: str) -> str:
    return "\n".join(("  " + line) if line else line for line in text.splitlines())


def summarize(text: str, limit: int = 160) -> str:
    """The first sentence, cut at a word boundary: a label for lists, never new wording."""
    first = re.split(r"(?<=[.:])\s", re.sub(r"^[-–+•]\s*", "", text.strip()), maxsplit=1)[0].rstrip(".;:")
    if len(first) <= limit:
        return first if len(first) >= 3 else text[:limit]
    cut = first[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _issued_day(issued: str | None) -> date | None:
    if not issued:
        return None
    parts = [int(p) for p in issued.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _resolve_list(resolver: NameResolver, written: str | None) -> tuple[tuple[str, ...], list[Resolution]]:
    if not written:
        return (), []
    parts = resolver.split(written)
    unresolved = [p for p in parts if not p.resolved]
    codes = tuple(dict.fromkeys(c for p in parts for c in p.codes))
    if not unresolved:
        codes = resolver.combine(codes)
    return codes, unresolved


_GENERIC = re.compile(
    r"^(?:với\s+)?(?:các|những)?\s*(?:cơ quan|đơn vị|địa phương|sở|ngành|ban|tổ chức|cá nhân|doanh nghiệp)(?:[\s,]+(?:và\s+)?(?:cơ quan|đơn vị|"
    r"địa phương|sở|ngành|ban|tổ chức|cá nhân|doanh nghiệp))*(?:\s+(?:có\s+)?liên quan)?(?:\s+(?:trên địa bàn(?:\s+tỉnh)?|theo (?:lĩnh vực|chức năng)[^,;]*))?$",
    re.IGNORECASE,
)
_OUTSIDE = re.compile(r"^(?:Thủ tướng|Chính phủ|Bộ\s|Văn phòng Chính phủ|Tỉnh ủy|Ban Thường vụ|Thường trực Tỉnh ủy|HĐND|Hội đồng nhân dân)")


def _unresolved_message(what: str, unresolved: list[Resolution], has_registry: bool) -> str:
    names = "; ".join(f"'{u.written}'" for u in unresolved)
    if not has_registry:
        return f"{what} {names}: chưa đối chiếu được vì chưa có danh mục cơ quan của tỉnh; giữ nguyên như văn bản"
    hints = [f"'{u.written}' → có phải: {', '.join(u.candidates)}?" for u in unresolved if u.candidates]
    base = f"{what} {names} không có trong danh mục cơ quan; giữ nguyên như văn bản"
    return base + ("; " + "; ".join(hints) if hints else "")


def build_assignment(found: Found, resolver: NameResolver, *, issued: date | None, policy: Policy) -> DraftAssignment:
    flags: list[Flag] = []
    line = found.lines[0]
    lead_text = found.lead_text or ""
    lead, unresolved = _resolve_list(resolver, lead_text)
    if unresolved:
        flags.append(Flag("lead", line, _unresolved_message("Cơ quan chủ trì", unresolved, not resolver.empty)))
    co, co_unresolved = _resolve_list(resolver, found.co_agencies_text)
    co_unresolved = [u for u in co_unresolved if not _GENERIC.match(u.written)]
    if co_unresolved:
        flags.append(Flag("co_agencies", line, _unresolved_message("Cơ quan phối hợp", co_unresolved, not resolver.empty)))
    parsed = parse_deadline(found.deadline_text, issued=issued, policy=policy)
    reading = reading_json(parsed, issued=issued)
    if found.deadline_text and not parsed.understood:
        flags.append(Flag("deadline", line, f"Chưa hiểu thời hạn '{found.deadline_text}': {parsed.reading}"))
    elif from_reporting_calendar(parsed):
        flags.append(
            Flag("deadline", line, f"Thời hạn '{found.deadline_text}' không nêu ngày: ngày lấy theo lịch báo cáo của tỉnh ({parsed.reading})")
        )
    if found.other_deadlines:
        flags.append(
            Flag("deadline", line, "Mục còn nêu thời hạn khác: " + "; ".join(f"'{d}'" for d in found.other_deadlines) + " — tách nhiệm vụ nếu cần")
        )
    report_to: tuple[str, ...] = ()
    report_via = None
    if found.report_to_text:
        codes, bad = _resolve_list(resolver, found.report_to_text)
        report_to = () if bad else codes  # "báo cáo UBND tỉnh và Sở Nội vụ": both bodies
        if bad and not resolver.empty and not _OUTSIDE.match(found.report_to_text):
            flags.append(Flag("report_to", line, _unresolved_message("Nơi nhận báo cáo", bad, True)))
    if found.report_via_text:
        codes, bad = _resolve_list(resolver, found.report_via_text)
        report_via = codes[0] if len(codes) == 1 and not bad else None
        if bad and not resolver.empty:
            flags.append(Flag("report_via", line, _unresolved_message("Báo cáo qua", bad, True)))
    return DraftAssignment(
        clause=found.clause,
        text=found.text,
        summary=summarize(found.text),
        lead_text=lead_text,
        lead=lead,
        co_agencies_text=found.co_agencies_text,
        co_agencies=co,
        deliverable=found.deliverable,
        deadline_text=found.deadline_text,
        reading=reading,
        report_to_text=found.report_to_text,
        report_to=report_to,
        report_via_text=found.report_via_text,
        report_via=report_via,
        lines=found.lines,
        flags=tuple(flags),
        source=found.source,
    )


def repeated_in(row_text: str, body: list[Found]) -> Found | None:
    """The body item an appendix row states again: the row's task wording, folded, is the item's or inside it."""
    key = fold(row_text)
    if len(key) < 20:
        return None  # too short to tell one task from another
    for item in body:
        if item.source == "item" and key in fold(item.text):
            return item
    return None


def _link_repeat(a: DraftAssignment, body: list[Found]) -> DraftAssignment:
    if a.source != "table":
        return a
    same = repeated_in(a.text, body)
    if same is None:
        return a
    flag = Flag("repeats", a.lines[0], f"Trùng nhiệm vụ mục {same.clause} (dòng {same.lines[0]}): liên kết, chỉ lập kế hoạch một lần; bỏ `repeats` nếu là hai việc khác nhau")
    return replace(a, repeats=same.clause, flags=(*a.flags, flag))


def detect_province(header: Header, province_names: dict[str, str]) -> str | None:
    """The province the issuer line ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI") or, failing that, the place names."""
    for text in (header.issuer_text, header.place):
        if not text:
            continue
        folded = fold(text)
        hits = [code for code, name in province_names.items() if re.search(rf"\b{re.escape(fold(name))}\b", folded)]
        if len(hits) == 1:
            return hits[0]
    return None


def build_draft(
    blocks: list[Block],
    *,
    source_file: str,
    line_unit: str,
    province: str | None,
    resolver: NameResolver,
    policy: Policy,
) -> Draft:
    header = parse_header(blocks)
    flags: list[Flag] = []

    def is_agency(text: str) -> bool:
        return bool(resolver.lookup(text)) or resolver.knows(text)

    body = blocks[header.body_start : header.body_end]
    items = find_items(body, is_agency)
    in_body = {f.clause for f in items}
    items += [f for f in find_items(attached_text(blocks, header), is_agency) if f.clause not in in_body]
    in_body = {f.clause for f in items}
    items += [f for f in appendix_items(blocks, header, is_agency) if f.clause not in in_body]
    rows = find_table_rows(blocks, is_agency)
    seen = {f.clause for f in items}
    found = items + [r for r in rows if r.clause not in seen]
    issued = _issued_day(header.issued)
    assignments = tuple(_link_repeat(build_assignment(f, resolver, issued=issued, policy=policy), items) for f in found)

    first_line = blocks[0].first if blocks else 1
    if header.number is None:
        flags.append(Flag("number", header.lines.get("number", first_line), "Văn bản chưa có số (bản dự thảo hoặc số để trống): hệ thống sẽ ghi \"chưa có số\""))
    if header.kind is None:
        flags.append(Flag("kind", first_line, "Không nhận ra loại văn bản (chỉ thị, công văn, kế hoạch, công điện…): điền tay"))
    if header.issued is None:
        flags.append(Flag("issued", first_line, "Không tìm thấy dòng địa danh, ngày tháng năm ban hành: điền tay"))
    elif len(header.issued) < 10:
        flags.append(Flag("issued", header.lines.get("issued", first_line), f"Ngày ban hành để trống một phần ({header.issued}): bổ sung khi có số, ngày"))
    if header.title is None:
        flags.append(Flag("title", first_line, "Không tìm thấy trích yếu (V/v …): điền tay"))
    if header.signer is None:
        flags.append(Flag("signer", header.lines.get("recipients", first_line), "Không tìm thấy người ký: điền tay"))
    if province is None:
        flags.append(Flag("province", header.lines.get("issuer", first_line), "Không xác định được tỉnh: chạy lại với --province"))
    issuer = None
    if header.issuer_text:
        codes, bad = _resolve_list(resolver, header.issuer_text)
        issuer = codes[0] if len(codes) == 1 and not bad else None
    if issuer is None:
        flags.append(Flag("issuer", header.lines.get("issuer", first_line), f"Cơ quan ban hành '{header.issuer_text or '?'}' chưa đối chiếu được với danh mục"))
    offices = [r.code for r in resolver.records if r.kind == "office"]
    coordinator = offices[0] if len(offices) == 1 else None
    if coordinator is not None:
        flags.append(Flag("coordinator", first_line, f"Cơ quan điều phối đề xuất: {coordinator} (Văn phòng UBND tỉnh); xác nhận khi duyệt"))
    else:
        flags.append(Flag("coordinator", first_line, "Chưa xác định cơ quan điều phối (thường là Văn phòng UBND tỉnh): điền tay"))
    if not assignments:
        flags.append(Flag("assignments", first_line, "Không tìm thấy mục nào giao việc cho một cơ quan: kiểm tra lại văn bản"))
    return Draft(
        source_file=source_file,
        line_unit=line_unit,
        province=province,
        header=header,
        issuer=issuer,
        coordinator=coordinator,
        assignments=assignments,
        flags=tuple(flags),
    )
