"""The structure of a directive: its header and the items that assign work.

Pure functions over :class:`~dondoc.intake.blocks.Block` lists. Nothing here guesses a fact: a field
the text does not give stays empty, and every value keeps the lines it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from dondoc.domain.deadlines import parse_deadline
from dondoc.intake.blocks import MARKER, Block
from dondoc.intake.names import clean_name, fold

# --------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    number: str | None = None  # "11677/UBND-HCC"; None when the number is blank ("Số: /UBND-HCC")
    symbol: str | None = None  # what follows the number: "UBND-HCC"
    kind: str | None = None  # a DirectiveKind value, or "cong_dien"
    kind_text: str | None = None
    issuer_text: str | None = None
    place: str | None = None
    issued: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    title: str | None = None
    signer: str | None = None
    addressees: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)
    body_start: int = 0  # index of the first block of the body
    body_end: int = 0  # index one past the last block of the body


_KIND_WORDS = {
    "CHỈ THỊ": "chi_thi",
    "KẾ HOẠCH": "ke_hoach",
    "CÔNG ĐIỆN": "cong_dien",
    "QUYẾT ĐỊNH": "quyet_dinh",
    "THÔNG BÁO": "thong_bao",
    "CÔNG VĂN": "cong_van",
    "NGHỊ QUYẾT": "nghi_quyet",
}
_KIND_SYMBOLS = {"CT": "chi_thi", "KH": "ke_hoach", "CĐ": "cong_dien", "QĐ": "quyet_dinh", "TB": "thong_bao", "NQ": "nghi_quyet"}
_KIND_TEXT = {
    "chi_thi": "Chỉ thị",
    "ke_hoach": "Kế hoạch",
    "cong_dien": "Công điện",
    "quyet_dinh": "Quyết định",
    "thong_bao": "Thông báo",
    "cong_van": "Công văn",
    "nghi_quyet": "Nghị quyết",
}
_NUMBER = re.compile(r"Số\s*(?:hiệu)?\s*:?\s*([0-9]*)\s*/\s*([0-9]{4}/)?([A-ZĐa-zđ0-9.\-]+(?:/[A-ZĐa-zđ0-9.\-]+)?)")
_PLACE_DATE = re.compile(
    r"([A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\d,|;:]{1,40}?),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})", re.IGNORECASE
)
# A công điện names its addressees after "<issuer> điện:" ("THỦ TƯỚNG CHÍNH PHỦ điện:", "CHỦ TỊCH UBND TỈNH điện:").
_SENDS_WORD = re.compile(r"^[^\s:;.,]+(?:\s+[^\s:;.,]+){0,12}\s+(?:điện|ĐIỆN)\s*:")
_NATIONAL = re.compile(r"CỘNG\s+H[OÒ]A\s+XÃ\s+HỘI|Độc\s+lập\s*-\s*Tự\s+do|^-{3,}$|^_{3,}$", re.IGNORECASE)
_SIGN_TITLE = re.compile(
    r"\b(?:KT\.|TM\.|TL\.|Q\.)?\s*(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+BAN|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG)\b"
)
_NAME = re.compile(r"^(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ][a-zàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]+\s?){2,5}$")
_NOT_NAMES = {"nơi nhận", "như trên", "lưu vt", "kính gửi"}


#: An appendix's title line, with its number: "PHỤ LỤC II", "Phụ lục 1".
_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)\b(?:\s+[IVX\d]+)?\s*")

# The official gazette prints its section above the document: "VĂN BẢN PHÁP LUẬT KHÁC" is not the issuer.
_GAZETTE_SECTION = re.compile(r"^(?:VĂN BẢN (?:QUY PHẠM PHÁP LUẬT|PHÁP LUẬT KHÁC|HỢP NHẤT)|PHẦN VĂN BẢN\b.*)$")

_BODY_OPENERS = ("Căn cứ", "Kính gửi", "Thực hiện", "Triển khai", "Trong ", "Thời gian qua", "Thời gian vừa qua", "Nhằm", "Để ")


def _kind_from_symbol(symbol: str | None) -> str | None:
    if not symbol:
        return None
    first = re.split(r"[-/]", symbol)[0].upper()
    if first in _KIND_SYMBOLS:
        return _KIND_SYMBOLS[first]
    if first in {"UBND", "VP", "CV"} or first.startswith("S") or "-" in symbol:
        return "cong_van"
    return None


def _title_case_org(text: str) -> str:
    """"ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI" → "Ủy ban nhân dân tỉnh Đồng Nai" (place names keep capitals)."""
    words = text.lower().split()
    out: list[str] = []
    capital_next = False
    for i, word in enumerate(words):
        if i == 0 or capital_next:
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
        if word in {"tỉnh", "phố", "huyện", "xã", "phường", "thị"} or (capital_next and i + 1 < len(words)):
            capital_next = word in {"tỉnh", "phố", "huyện", "xã", "phường"} or capital_next
    return " ".join(out)


def _first_name(blocks: Sequence[Block]) -> tuple[str, int] | None:
    """The first block that is a person's name ("Võ Tấn Đức", "(Đã ký)" removed), with its line."""
    for block in blocks:
        candidate = re.sub(r"\(?\s*Đã ký\s*\)?", "", block.text).strip(" *|")
        if _NAME.match(candidate) and fold(candidate) not in _NOT_NAMES:
            return candidate, block.first
    return None


def parse_header(blocks: Sequence[Block]) -> Header:
    """Number, kind, issuer, place and date, title, addressees; signer and recipients from the tail."""
    lines: dict[str, int] = {}
    head = list(enumerate(blocks[:60]))
    number = symbol = kind = place = issued = title = signer = issuer = None

    for _, block in head:
        m = _NUMBER.search(block.text)
        if m and "Số" in block.text[: m.start() + 6]:
            number_digits, year_part, sym = m.group(1), m.group(2) or "", m.group(3)
            symbol = sym
            number = f"{number_digits}/{year_part}{sym}" if number_digits else None
            lines["number"] = block.first
            break

    for _, block in head:
        m = _PLACE_DATE.search(block.text)
        if m and "Căn cứ" not in block.text[: m.start()]:
            place = re.sub(r"^.*\|", "", m.group(1)).strip(" *|")
            # "Số: /UBND-HCC Đồng Tháp" → "Đồng Tháp", "Số: 100/CĐ-TTg Hà Nội" → "Hà Nội"
            place = re.sub(r"^.*?(?:[A-Z0-9Đ]+-[A-Za-z0-9Đđ-]+)\s+", "", place)
            year = m.group(4)
            month, day = m.group(3), m.group(2)
            issued = year
            if month:
                issued += f"-{int(month):02d}"
                if day:
                    issued += f"-{int(day):02d}"
            lines["issued"] = block.first
            break

    if issued is None and number:
        found = _issued_from_annex(blocks, number)
        if found:
            issued, lines["issued"] = found

    # Kind: the heading word printed on its own line wins over the symbol.
    heading_index = None
    for i, block in head:
        text = block.text.strip(" *#|")
        for word, value in _KIND_WORDS.items():
            if text.upper() == word or (text.startswith(word) and (len(text) == len(word) or not text[len(word)].isalpha())):
                if text.startswith(word) and text == text.upper():
                    kind, heading_index = value, i
                    lines["kind"] = block.first
                    break
        if heading_index is not None:
            break
    if kind is None:
        kind = _kind_from_symbol(symbol)
        if kind is None and any(b.text.startswith("V/v") for _, b in head):
            kind = "cong_van"

    # Issuer: the capitalised lines at the top, before the national motto cuts in.
    pieces: list[str] = []
    for _, block in head[:12]:
        text = block.cells[0] if block.cells else block.text
        text = _NATIONAL.split(text)[0].strip(" *|-_")
        if text.startswith("Số") or _PLACE_DATE.search(text):
            break
        if _GAZETTE_SECTION.match(text):
            continue
        if text and text == text.upper() and any(c.isalpha() for c in text):
            if not pieces:
                lines["issuer"] = block.first
            if text not in pieces:  # "CHÍNH PHỦ" printed twice (the gazette's section, then the letterhead)
                pieces.append(text)
            if len(pieces) == 2 or re.search(r"\b(TỈNH|THÀNH PHỐ)\b", text):
                break
        elif pieces:
            break
    if pieces:
        issuer = _title_case_org(" ".join(pieces))

    # Title: "V/v …" (official letters) or the lines under the kind heading.
    for i, block in head:
        if block.text.startswith(("V/v", "V/V", "Về việc")) and (heading_index is None or i < heading_index + 3):
            parts = [block.text]
            for _, nxt in head[i + 1 : i + 5]:
                if nxt.text.startswith(("Kính gửi", "CỘNG HÒA", "Độc lập")) or _PLACE_DATE.search(nxt.text) or MARKER.match(nxt.text):
                    break
                if len(nxt.text) > 80 or nxt.text == nxt.text.upper():
                    break
                parts.append(nxt.text)
            title = " ".join(parts)
            lines["title"] = block.first
            break
    if title is None and heading_index is not None:
        parts = []
        for _, nxt in head[heading_index + 1 : heading_index + 6]:
            text = nxt.text.strip(" *")
            if not text or text.startswith(_BODY_OPENERS) or MARKER.match(text) or nxt.is_row or text in pieces:
                break  # (the issuer printed again over the preamble, "CHÍNH PHỦ", ends the title too)
            if text == text.upper() or text.startswith(("Về", "V/v")) or (not parts and len(text) < 300):
                parts.append(text)
                continue
            break
        if parts:
            title = " ".join(parts)
            lines["title"] = blocks[heading_index + 1].first

    # Addressees after "Kính gửi", or after a công điện's "THỦ TƯỚNG CHÍNH PHỦ điện:".
    addressees: list[str] = []
    body_start = (heading_index + 1) if heading_index is not None else 0
    for i, block in head:
        if block.text.startswith("Kính gửi") or _SENDS_WORD.match(block.text):
            lines["addressees"] = block.first
            rest = block.text.split(":", 1)[1] if ":" in block.text else ""
            addressees.extend(_split_bullets(rest))
            j = i + 1
            while j < len(blocks) and j < i + 25:
                text = blocks[j].text
                if text.startswith(("-", "+", "•", "–")) or (len(text) < 120 and text.rstrip().endswith((";", ".")) and not MARKER.match(text) and len(addressees) == 0):
                    addressees.extend(_split_bullets(text))
                    j += 1
                    continue
                break
            body_start = max(body_start, j)
            break
    if title is not None and "title" in lines:
        title_index = next(i for i, b in enumerate(blocks) if b.first == lines["title"])
        body_start = max(body_start, title_index + 1 + (title.count(" ") > 0 and 0))

    # Recipients and signer from the tail.
    recipients: list[str] = []
    body_end = len(blocks)
    for i, block in enumerate(blocks):
        if i <= body_start:
            continue
        if re.match(r"^Nơi nhận\s*:?", block.text):
            body_end = i
            lines["recipients"] = block.first
            rest = re.sub(r"^Nơi nhận\s*:?", "", block.text)
            first_cell = block.cells[0] if block.cells else rest
            recipients.extend(_split_bullets(re.sub(r"^Nơi nhận\s*:?", "", first_cell)))
            j = i + 1
            while j < len(blocks) and blocks[j].text.startswith(("-", "+", "•", "–")):
                recipients.extend(_split_bullets(blocks[j].text))
                j += 1
            break
    signer_line = None
    if body_end == len(blocks):  # no "Nơi nhận": the body ends at the signature, or at the appendix
        for i in range(body_start, len(blocks)):
            if _SIGN_TITLE.fullmatch(blocks[i].text.strip(" *|")) or _APPENDIX.match(blocks[i].text):
                body_end = i
                break
    search_from = body_end if body_end < len(blocks) else max(body_start, len(blocks) - 40)
    for i in range(search_from, min(len(blocks), search_from + 40)):
        block = blocks[i]
        texts = list(block.cells) if block.cells else [block.text]
        for text in texts:
            m = _SIGN_TITLE.search(text)
            if m:
                tail = re.sub(r"\(?\s*Đã ký\s*\)?", "", text[m.end() :]).strip(" *|")
                tail_name = re.search(r"([^\W\d_][^\W\d_]*(?:\s[^\W\d_]+){1,4})\s*$", tail)
                if tail_name and _NAME.match(tail_name.group(1)):
                    signer, signer_line = tail_name.group(1), block.first
                    break
                found = _first_name(blocks[i + 1 : i + 8])
                if found:
                    signer, signer_line = found
                    break
        if signer:
            break
    if signer is None and "recipients" in lines:
        start = next(i for i, b in enumerate(blocks) if b.first == lines["recipients"])
        found = _first_name(blocks[start + 1 : start + 20])
        if found:
            signer, signer_line = found
    if signer_line:
        lines["signer"] = signer_line

    return Header(
        number=number,
        symbol=symbol,
        kind=kind,
        kind_text=_KIND_TEXT.get(kind or ""),
        issuer_text=issuer,
        place=place,
        issued=issued,
        title=title,
        signer=signer,
        addressees=tuple(a for a in addressees if a),
        recipients=tuple(r for r in recipients if r),
        lines=lines,
        body_start=body_start,
        body_end=body_end,
    )


# A document issued with a decision and printed after its signature: "(Ban hành kèm theo Quyết định số …)".
_ISSUED_WITH = re.compile(r"\(\s*Ban hành kèm theo\s+(?:Quyết định|Kế hoạch|Chỉ thị|Công văn)\b[^)]{0,200}\)", re.IGNORECASE)


def attached_text(blocks: Sequence[Block], header: Header) -> Sequence[Block]:
    """The text of a programme, plan or rules issued with the document and printed after its signature.

    A decision's own articles only adopt it ("Ban hành kèm theo Quyết định này Chương trình …"); the
    work is in the attached text, which starts after its "(Ban hành kèm theo Quyết định số …)" line.
    Appendix tables ("Phụ lục … (Kèm theo …)") are read as tables, not here.
    """
    for i in range(header.body_end, len(blocks)):
        if not blocks[i].is_row and _ISSUED_WITH.search(blocks[i].text):
            return blocks[i + 1 :]
    return ()


# An appendix whose title says whose tasks it lists: "Phụ lục I" / "NHIỆM VỤ CỦA CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG".
_TASKS_OF = re.compile(r"^(?:NHIỆM VỤ CỦA|Nhiệm vụ của)\s+(.{3,120}?)\s*$")


def appendix_items(blocks: Sequence[Block], header: Header, is_agency: IsAgency) -> list[Found]:
    """The numbered items of an appendix printed after the signature whose title names whose tasks they are.

    "Phụ lục I / NHIỆM VỤ CỦA CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG / … (Kèm theo Nghị quyết số …)" then "I. NHIỆM VỤ CHUNG /
    1. Phối hợp chặt chẽ với …": each item is a task of the bodies the title names, unless it names its own;
    clauses are "PL I.1" (its tables are read as tables). Appendices with other titles (technical content, a
    body's functions) are not read for items.
    """
    out: list[Found] = []
    starts = [i for i in range(header.body_end, len(blocks)) if not blocks[i].is_row and _APPENDIX.match(blocks[i].text)]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        title = _APPENDIX.sub("", blocks[start].text, count=1).strip()
        if not title and start + 1 < end:
            title = blocks[start + 1].text.strip()
        m = _TASKS_OF.match(title)
        if m:
            found = find_items(blocks[start + 1 : end], is_agency, lead=clean_name(m.group(1)))
            out.extend(replace(f, clause=f"PL {f.clause}") for f in found)
    return out


def _issued_from_annex(blocks: Sequence[Block], number: str) -> tuple[str, int] | None:
    """The issue date an appendix title gives ("Kèm theo Kế hoạch số 145/KH-UBND ngày 19/6/2023")."""
    wanted = re.escape(number).replace("/", r"\s*/\s*")
    pattern = re.compile(
        rf"Kèm theo[^()]{{0,60}}?số\s*:?\s*{wanted}\s+ngày\s+(\d{{1,2}})\s*(?:/|tháng)\s*(\d{{1,2}})\s*(?:/|năm)\s*(\d{{4}})",
        re.IGNORECASE,
    )
    for block in blocks:
        m = pattern.search(block.text)
        if m:
            try:
                day = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
            return day.isoformat(), block.first
    return None


def _split_bullets(text: str) -> list[str]:
    parts = re.split(r"(?:^|\s)[-–+•]\s+|;\s*", text)
    return [clean_name(p) for p in parts if clean_name(p)]


# --------------------------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One item that assigns work, with every field as printed."""

    clause: str
    text: str
    lead_text: str | None
    lines: tuple[int, int]
    co_agencies_text: str | None = None
    deliverable: str | None = None
    deadline_text: str | None = None
    other_deadlines: tuple[str, ...] = ()
    report_to_text: str | None = None
    report_via_text: str | None = None
    source: str = "item"  # "item" or "table"


IsAgency = Callable[[str], bool]

# The words that hand work to someone: "Giao", "Giao cho", "Giao nhiệm vụ cho", "Yêu cầu", "Đề nghị".
_ASK = r"(?:Giao|giao|Yêu cầu|yêu cầu|Đề nghị|đề nghị)(?:\s+(?:nhiệm vụ\s+)?cho)?"
_ASK_PREFIX = re.compile(rf"^{_ASK}\s+")
_AGENCY_START = re.compile(
    rf"^(?:{_ASK}\s+)?(?:(?:Phó\s+)?(?:Lãnh đạo|Thủ trưởng|Giám đốc|Chủ tịch|Người đứng đầu|Trưởng|Bộ trưởng|Thủ tướng)\s+)?"
    r"(?:(?:các|Các|Từng|từng|Mỗi|mỗi)\s+)?(?:Sở|Bộ(?=\s+\S)(?!\s+(?:phận|máy|luật|tiêu chí|chỉ số|công cụ|hồ sơ|dữ liệu|tài liệu|câu hỏi|mặt|đội)\b)|Chính phủ|Tiểu ban|Ban(?!\s+hành)|UBND|Ủy ban|Uỷ ban|Văn phòng|Công an|Bộ Chỉ huy|Thanh tra|Đài|Báo(?!\s+cáo)|Kho bạc|Cục|Chi cục|"
    r"Bảo hiểm|Ngân hàng|Liên đoàn|Hội(?!\s+nghị)|Mặt trận|Tỉnh đoàn|Đoàn(?!\s+kết)|Trung tâm|Phòng(?!,?\s+(?:chống|ngừa))|Cổng|Tòa án|Toà án|Viện|Mặt trận|"
    r"Trường(?!\s+hợp)|Công ty|"
    r"Hội đồng|Tổ công tác|Cơ quan|Đơn vị|Địa phương|cơ quan|đơn vị|sở|ban|ngành|huyện|xã|Thường trực|Các\s|[Nn]hà thầu\b)",
)
# The words that start the work after a name ("Sở Tư pháp chủ trì …", "Giao Công an tỉnh theo dõi …"); "tổ chức"
# is a verb except in "các tổ chức" and lists ("cơ quan, tổ chức"), "quy định" except as a noun ("theo quy
# định"); "tùy theo" ends a name too ("Các bộ, … tùy theo nhu cầu … thực hiện").
_VERBS = "|".join(
    {
        "tổ chức": r"(?<!các )(?<!Các )(?<!, )tổ chức",
        "quy định": r"(?<!theo )(?<!các )(?<!Các )(?<!những )(?<!của )(?<!có )quy định",
    }.get(word, word)
    for word in (
        "chủ trì, phối hợp, tham mưu, thực hiện, triển khai, xây dựng, hướng dẫn, theo dõi, tổ chức, rà soát, "
        "kiểm tra, nghiên cứu, căn cứ, khẩn trương, tiếp tục, có trách nhiệm, là cơ quan, chỉ đạo, tăng cường, "
        "đẩy mạnh, quán triệt, chịu trách nhiệm, nâng cao, tập trung, bố trí, đảm bảo, bảo đảm, cập nhật, công khai, "
        "đôn đốc, tổng hợp, báo cáo, ban hành, hoàn thành, thường xuyên, duy trì, nắm chắc, theo chức năng, "
        "theo nhiệm vụ, trong phạm vi, chủ động, giám sát, tiến hành, vận hành, cung cấp, lập, trình, đề xuất, "
        "phát huy, nghiêm túc, kịp thời, khẩn cấp, sẵn sàng, huy động, cử, gửi, thông tin, tuyên truyền, phổ biến, "
        "rà, bổ sung, hoàn thiện, sớm, chuẩn bị, kiện toàn, phân công, giao, làm, xử lý, phát động, trực tiếp, "
        "nghiêm, thống nhất, khẩn, rà soát, đẩy nhanh, quyết liệt, phải, quy định, tùy theo, tuỳ theo"
    ).split(", ")
)
_LEAD_BEFORE_VERB = re.compile(rf"^(.{{3,220}}?)\s*(?:[:,]\s*)?(?:{_VERBS})\b")
_GIAO = re.compile(rf"(?:^|\b){_ASK}\s+(.{{3,220}}?)\s*(?:[:,]\s*)?(?:{_VERBS})\b")
_NEXT_FIELD = r"(?:[-+]\s*)?(?:[a-zđ]\)\s*)?(?:(?:Cơ quan|Đơn vị)(?:,\s*(?:tổ chức|đơn vị))?\s+phối hợp|Thời gian|Thời hạn|Sản phẩm|Kết quả|Hoạt động)"
_INLINE_LEAD = re.compile(rf"(?:Cơ quan|Đơn vị|Bộ phận)\s+(?:chủ trì(?:\s+thực hiện)?|thực hiện)\s*:\s*(.+?)(?=\s*(?:\.(?:\s|$)|\n|$|{_NEXT_FIELD}))")
_INLINE_CO = re.compile(
    r"(?:Cơ quan|Đơn vị)(?:,\s*(?:tổ chức|đơn vị))?\s+phối hợp(?:\s+thực hiện)?\s*:\s*(.+?)"
    r"(?=\s*(?:\.(?:\s|$)|\n|$|(?:[-+]\s*)?(?:[a-zđ]\)\s*)?(?:Thời gian|Thời hạn|Sản phẩm|Kết quả|Hoạt động)))"
)
_INLINE_PRODUCT = re.compile(r"(?:Sản phẩm|Kết quả(?:/Sản phẩm)?)\s*(?:đạt được|dự kiến|đầu ra)?\s*:\s*(.+?)(?=\s*(?:[;.\n]|$|(?:-\s*)?Thời gian|Thời hạn|Cơ quan|Đơn vị))")
_INLINE_DEADLINE = re.compile(r"(?:Thời gian|Thời hạn)(?:\s+(?:thực hiện|hoàn thành|báo cáo))*\s*:\s*(.+?)(?=\s*(?:[;\n]|\.(?:\s|$)|$|(?:-\s*)?(?:Cơ quan|Đơn vị|Sản phẩm|Kết quả)))")
_CO = re.compile(
    r"phối hợp(?:\s+chặt chẽ)?\s+(?!giữa|trong|thực hiện|triển khai|tốt|chặt|các nội dung|với nhau|và\s)(?:với\s+|cùng\s+)?(.{3,250}?)(?=\s*(?:[;.]|\(|$|,?\s+(?:để|trong|thực hiện|triển khai|tham mưu|tổ chức|"
    r"xây dựng|rà soát|kiểm tra|hướng dẫn|theo dõi|nghiên cứu|đề xuất|trình|báo cáo|hoàn thành|tổng hợp|lập|đánh giá|khảo sát|"
    r"giải quyết|xử lý|thẩm định|cập nhật|ban hành|triển khai|tiến hành|có liên quan|liên quan|và các cơ quan)\b))"
)
_CHU_TRI = re.compile(r"^(.{3,200}?)\s*(?:\(.*?\)\s*)?chủ trì\b")
_D = r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
_DEADLINE_PATTERNS = [
    re.compile(
        r"(?:(?:theo\s+)?định kỳ\s*,?\s*)?(?:(?:hàng|hằng|mỗi)\s+(?:tháng|quý|năm)\s*(?:\([^)]{0,60}\))?\s*,?\s*)?"
        r"(?:trước|chậm nhất(?:\s+là)?|vào)\s+ngày\s+\d{1,2}(?:\s*/\s*\d{1,2})?(?:\s*(?:và|,)\s*(?:ngày\s+)?\d{1,2}(?:\s*/\s*\d{1,2})?)*"
        r"\s+(?:của\s+)?(?:hàng|hằng|mỗi|các)\s+(?:tháng|quý|năm)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:theo\s+)?(?:định kỳ\s+)?(?:hàng|hằng|mỗi)\s+(?:tháng|quý)\s*(?:\([^)]{0,60}\))?\s*,?\s*(?:[^.;()]{0,80}?)"
        r"(?:trước|chậm nhất(?:\s+là)?|vào)\s+ngày\s+\d{1,2}(?!\s*[/.-]\s*\d)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?:(?:bắt đầu|kể)\s+)?từ\s+ngày\s+(?:{_D})|(?:bắt đầu\s+)?từ\s+tháng\s+\d{{1,2}}\s*(?:/|năm)\s*\d{{4}}"
        r"|(?:bắt đầu\s+)?từ\s+(?:quý|quí)\s+(?:IV|III|II|I|[1-4])\s*(?:/|-|năm)\s*\d{4}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?:(?:hoàn thành|báo cáo|gửi|xong)\s+)?(?:trước|chậm nhất(?:\s+là)?|trong|vào|đến|hoàn thành|xong trước|muộn nhất)\s+ngày\s+(?:{_D})",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:(?:hoàn thành|xong)\s+)?(?:trong|trước|cuối|hết|đến hết|trước hết)\s+(?:quý|quí)\s+(?:IV|III|II|I|[1-4])\s*(?:/|-|năm)\s*\d{4}",
        re.IGNORECASE,
    ),
    re.compile(r"(?:(?:hoàn thành|xong)\s+)?(?:trong|trước|cuối|hết|đến hết|trước hết)\s+tháng\s+\d{1,2}\s*(?:/|năm)\s*\d{4}", re.IGNORECASE),
    # "… lên Trung tâm dữ liệu quốc gia theo lộ trình sau khi Trung tâm này được hình thành": an event
    re.compile(r"theo lộ trình sau khi\b[^.;()]{3,80}", re.IGNORECASE),
    # a time in brackets after the work: "… Trung tâm dữ liệu quốc gia (Quý III/2025).", "(theo lộ trình do Bộ Công an đề xuất)"
    re.compile(
        r"(?<=\()\s*(?:(?:quý|quí)\s+(?:IV|III|II|I|[1-4])\s*(?:/|-|năm)\s*\d{4}|tháng\s+\d{1,2}\s*(?:/|năm)\s*\d{4}"
        r"|theo lộ trình\b[^()]{0,80})(?=\s*\))",
        re.IGNORECASE,
    ),
    re.compile(r"(?:(?:hoàn thành|xong)\s+)?(?:trong|cuối|hết|đến hết|từ nay đến hết|trước)\s+năm\s+\d{4}", re.IGNORECASE),
    re.compile(r"(?:theo\s+)?định kỳ\s+(?:hàng|hằng|mỗi)?\s*(?:tháng|quý|6 tháng|sáu tháng|năm)", re.IGNORECASE),
    # "Tổ chức tổng kết, đánh giá hàng năm", "báo cáo mức giảm phát thải … cấp cơ sở hàng năm": a cycle of reports
    re.compile(r"(?:báo cáo|tổng kết|sơ kết)\b[^.;:()]{0,80}?\s(?:hàng|hằng)\s+(?:năm|quý|tháng)\b", re.IGNORECASE),
    re.compile(r"(?:theo\s+)?định kỳ(?:\s*(?:,|hoặc|và)\s*đột xuất|\s+theo quy định)?", re.IGNORECASE),
    re.compile(r"(?:khi|theo)\s+(?:có\s+)?(?:yêu cầu|nhu cầu|đề nghị)(?:\s+của\s+[^,.;()]{3,60})?", re.IGNORECASE),
]
_DAY_NO_YEAR = re.compile(r"ngày\s+\d{1,2}\s*/\s*\d{1,2}(?!\s*/\s*\d)|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?!\s+năm)")
_FIRM = re.compile(r"hoàn thành|chậm nhất|trước|hạn|báo cáo|gửi", re.IGNORECASE)
_REPORT_CYCLE = re.compile(r"(?:hàng|hằng|mỗi)\s+(?:tháng|quý|năm)|6 tháng", re.IGNORECASE)
_REPORT = re.compile(
    r"(?:báo cáo|gửi\s+(?:báo cáo|kết quả)(?:\s+về)?)\s+(?:(?:kết quả|tình hình)[^()]{0,80}?\s+(?:về|cho|đến|gửi)\s+)?(?:về\s+|cho\s+|đến\s+)?"
    r"(?P<to>(?:Chủ tịch\s+|Thường trực\s+)?(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Thủ tướng|Bộ|Sở|Văn phòng|Ban|Công an|Tỉnh ủy|HĐND)"
    r"[^(;.,]*?)(?=\s*(?:\(|;|\.|,|$|\s+(?:trước|định kỳ|để|theo|chậm nhất|trong|vào|hàng|hằng|về|kết quả|tình hình|qua|thông qua|"
    r"và|tổng hợp|xem xét|chỉ đạo|trước ngày|kiến nghị|đề xuất|kết quả)\b))(?:\s*\(\s*(?:qua|thông qua)\s+(?P<via>[^)]+)\)|\s*,?\s+(?:qua|thông qua)\s+(?P<via2>[^,;.()]+))?"
)
# Headings of what is not work: purpose, objectives, requirements, budget, scope; a top-level section
# may also be the background a plan opens with (grounds, assessment, the situation, results so far).
_NOT_WORK = ("mục đích", "mục tiêu", "yêu cầu", "quan điểm", "kinh phí", "nguồn kinh phí", "phạm vi", "đối tượng")
_BACKGROUND = ("căn cứ", "sự cần thiết", "đánh giá", "tình hình", "kết quả thực hiện", "chế độ báo cáo", "dự toán", "vị trí", "vai trò")
_NOT_WORK_SECTION = (*_NOT_WORK, *_BACKGROUND)


def _opening_words(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(w.replace(" ", r"\s+") for w in words) + r")\b", re.IGNORECASE)


_NON_TASK_SECTION = _opening_words(_NOT_WORK_SECTION)
_NON_TASK_ITEM = _opening_words(_NOT_WORK)
_ITEM = re.compile(r"^(?:(?P<roman>[IVX]{1,4})[.)]|(?P<group>[A-H])\.(?=\s+[A-ZĐ])|(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?:\s?[.)]|(?=\s))|(?P<letter>[a-zđ])[).]|Điều\s+(?P<art>\d+)[.:]?)\s*")


_CLOSING = re.compile(
    r"^(?:Trên đây là|Yêu cầu (?:Lãnh đạo|Thủ trưởng|Giám đốc|Chủ tịch|các|Người đứng đầu)|Đề nghị (?:Lãnh đạo|Thủ trưởng|các)|"
    r"(?:Trong )?[Qq]uá trình (?:tổ chức )?(?:triển khai )?thực hiện|Chủ tịch UBND tỉnh yêu cầu (?:Thủ trưởng|Giám đốc|Lãnh đạo|Chủ tịch) .*nghiêm)"
)


# "Trong quá trình thực hiện, nếu có vướng mắc …": whom to ask, not work (also as a numbered item).
_ASK_FOR_HELP = re.compile(r"^(?:Trong )?[Qq]uá trình (?:tổ chức )?(?:triển khai )?thực hiện\b[^.]{0,120}\b(?:vướng mắc|khó khăn|phát sinh)")


# "Bộ trưởng, … và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Nghị quyết này": the
# closing article says who is bound by the text, it assigns no work of its own.
_EXECUTION = re.compile(r"chịu trách nhiệm thi hành\s+(?:Quyết định|Nghị quyết|Chỉ thị|Kế hoạch|Công điện|Thông tư)\s+này")


# After the last item, a paragraph addressed to everyone about "this plan" closes the text.
_SOFT_CLOSING = re.compile(
    r"^(?:Các|Thủ trưởng các|Giám đốc các|Lãnh đạo các|Chủ tịch UBND các)\b[^.]{0,150}\b(?:Kế hoạch|Chỉ thị|Công văn|Quyết định|Công điện)\s+này"
)


@dataclass
class _Item:
    label: str
    level: int
    head: str
    blocks: list[Block] = field(default_factory=list)
    children: list[_Item] = field(default_factory=list)
    parent: _Item | None = None
    section: str | None = None  # roman section label
    non_task: bool = False


def _level(m: re.Match[str]) -> tuple[int, str]:
    if m.group("roman"):
        return 0, m.group("roman")
    if m.group("art"):
        return 0, f"Điều {m.group('art')}"
    if m.group("group"):
        return 1, m.group("group")
    if m.group("num"):
        num = m.group("num")
        return 2 + num.count("."), num
    return 10, m.group("letter")


def _outline(blocks: Sequence[Block]) -> tuple[list[Block], list[_Item], list[Block]]:
    """Items nested by their markers; the blocks before the first item are the chapeau."""
    roots: list[_Item] = []
    chapeau: list[Block] = []
    stack: list[_Item] = []
    closing: list[Block] = []
    starts = [i for i, b in enumerate(blocks) if not b.is_row and (m := _ITEM.match(b.text)) and len(b.text) > m.end()]
    last_item = starts[-1] if starts else len(blocks)
    for index, block in enumerate(blocks):
        if block.is_row:
            continue
        soft = index > last_item and _SOFT_CLOSING.match(block.text)
        if closing or (roots and (_CLOSING.match(block.text) or soft)):
            closing.append(block)
            continue
        m = _ITEM.match(block.text)
        if m and len(block.text) > m.end():
            level, label = _level(m)
            head = block.text[m.end() :].strip()
            while stack and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1] if stack else None
            item = _Item(label, level, head, [block], parent=parent)
            item.section = parent.section if parent else None
            if level == 0:
                item.section = label
            item.non_task = bool(
                (parent and parent.non_task)
                or (level == 0 and _NON_TASK_SECTION.match(head))
                or (_NON_TASK_ITEM.match(head) and not _AGENCY_START.match(head))
                or (_ASK_FOR_HELP.match(head) and not _PERIODIC_REPORT.search(head))
                or bool(_EXECUTION.search(head))
            )
            (parent.children if parent else roots).append(item)
            stack.append(item)
        elif stack:
            stack[-1].blocks.append(block)
        else:
            chapeau.append(block)
    return chapeau, roots, closing


_FIELD = re.compile(
    r"^(?:Hoạt động|Nội dung(?:\s+(?:thực hiện|công việc))?|Kết quả(?:\s+(?:đầu ra|dự kiến))?|Sản phẩm(?:\s+đầu ra)?|"
    r"(?:Cơ quan|Đơn vị)(?:,\s*(?:tổ chức|đơn vị))?\s+(?:chủ trì|phối hợp)(?:\s+thực hiện)?|Thời gian(?:\s+(?:thực hiện|hoàn thành))*|"
    r"Thời hạn(?:\s+hoàn thành)?|Kinh phí(?:\s+thực hiện)?|Nguồn kinh phí)\s*:",
    re.IGNORECASE,
)
_PERIODIC_REPORT = re.compile(
    r"(?:định kỳ|hằng|hàng)\s*(?:năm|quý|tháng|6 tháng)?[^.]{0,80}báo cáo|báo cáo[^.]{0,120}(?:định kỳ|hằng|hàng)\s+(?:năm|quý|tháng)",
    re.IGNORECASE,
)


def _fielded(item: _Item) -> bool:
    """Whether an item's children are the fields of one task rather than tasks of their own.

    "a) Hoạt động: … c) Cơ quan chủ trì: … đ) Thời gian thực hiện: …" are fields; so are short
    descriptive labels ("a) Đối tượng khảo sát:") under an item whose own paragraph names who acts.
    """
    fields = [c for c in item.children if _FIELD.match(c.head)]
    if len(fields) >= 2 and any(re.match(r"(?:Cơ quan|Đơn vị)[^:]*chủ trì", c.head, re.IGNORECASE) for c in fields):
        return True
    labels = [c for c in item.children if re.match(r"^[^:.;]{2,50}:", c.head) and not _AGENCY_START.match(c.head)]
    return len(item.blocks) > 1 and len(labels) == len(item.children) and bool(_INLINE_DEADLINE.search(" ".join(b.text for b in item.blocks)))


def _flatten(item: _Item) -> _Item:
    blocks = list(item.blocks)

    def walk(node: _Item) -> None:
        for child in node.children:
            blocks.extend(child.blocks)
            walk(child)

    walk(item)
    return _Item(item.label, item.level, item.head, blocks, [], item.parent, item.section, item.non_task)


def _bullet_tasks(blocks: Sequence[Block]) -> list[list[Block]]:
    """Bulleted tasks that each carry their own "Cơ quan chủ trì: …" line, split apart ("(1)", "(2)")."""
    leads = [b for b in blocks if _INLINE_LEAD.search(b.text)]
    bullets = [i for i, b in enumerate(blocks) if re.match(r"^[-–•]\s", b.text)]
    if len(leads) < 2 or len(bullets) < 2:
        return []
    segments = [list(blocks[start:end]) for start, end in zip(bullets, [*bullets[1:], len(blocks)], strict=True)]
    with_lead = [seg for seg in segments if any(_INLINE_LEAD.search(b.text) for b in seg)]
    return with_lead if len(with_lead) >= 2 else []


def _bulleted_work(blocks: Sequence[Block]) -> list[list[Block]]:
    """Bullets under a heading that only names the lead ("a) Bộ Công an:"), each a sentence of work of its own.

    "- Khẩn trương xây dựng … Nghị định …;" "- Phối hợp … hoàn thành trong tháng 8 năm 2025;" "- Chủ trì
    xây dựng … hoàn thành trong tháng 8 năm 2025.": when the bullets carry times of their own, every
    bullet is a task ("(1)", "(2)" …). Bullets without times stay one task ("b) Các Sở, ban, ngành, địa
    phương:" then three kinds of work, no time). A line that is not a bullet (a page number, a line the
    page break cut off) belongs to the bullet before it.
    """
    if not blocks or not re.match(r"^[-–•+]\s*\S", blocks[0].text):
        return []
    segments: list[list[Block]] = []
    for block in blocks:
        if re.match(r"^[-–•+]\s*\S", block.text):
            segments.append([block])
        else:
            segments[-1].append(block)
    if len(segments) < 2 or not all(re.search(r"[;.]\s*$", seg[-1].text) for seg in segments):
        return []
    # One assignment has one deadline: bullets are one task unless they carry times of their own
    # (two bullets with a time, or a time before the last bullet).
    timed = [i for i, seg in enumerate(segments) if deadline_phrases(" ".join(b.text for b in seg))]
    return segments if len(timed) >= 2 or (timed and timed[0] < len(segments) - 1) else []


def _own_lead_bullets(blocks: Sequence[Block], is_agency: IsAgency) -> list[tuple[list[Block], str]]:
    """Bullets under a heading that names no one, each opening with a lead of its own: one task each.

    "d) Phát triển các cơ sở dữ liệu bao gồm 03 đối tượng thực hiện:" then "- Trung tâm dữ liệu quốc gia thực
    hiện giai đoạn đầu …", "- Các bộ, ngành, địa phương: chuẩn hóa dữ liệu …", "- Các tổ chức chính trị - xã
    hội triển khai …". A "+" line, or a bullet that names no one, belongs to the bullet before it.
    """
    segments: list[tuple[list[Block], str]] = []
    for block in blocks:
        if re.match(r"^[-–•]\s*\S", block.text):
            lead = _lead_in_text(block.text, is_agency)
            if lead and 0 <= block.text.find(lead) <= 40:
                segments.append(([block], lead))
                continue
        if segments:
            segments[-1][0].append(block)
    return segments if len(segments) >= 2 else []


# "1. Giai đoạn 1 từ năm 2023 đến hết năm 2025 (Giai đoạn xây dựng cơ sở)": the work under a phase is due by its end.
_PHASE = re.compile(
    r"^Giai đoạn\b[^:]{0,40}?(?P<span>(?:từ\s+)?năm\s+\d{4}\s+đến(?:\s+hết)?\s+năm\s+\d{4}|\d{4}\s*[-–]\s*\d{4})", re.IGNORECASE
)


def _phase_deadline(item: _Item) -> str | None:
    """The span of the phase an item is printed under ("từ năm 2023 đến hết năm 2025"), or None."""
    node = item.parent
    while node is not None:
        m = _PHASE.match(node.head)
        if m:
            return m.group("span")
        node = node.parent
    return None


def _clause(item: _Item, has_sections: bool) -> str:
    labels: list[str] = []
    node: _Item | None = item
    while node is not None:
        if node.level == 0:
            if has_sections:
                labels.append(node.label)
        elif not (labels and "." in labels[-1] and labels[-1].startswith(node.label + ".")):
            labels.append(node.label)
        node = node.parent
    return ".".join(reversed(labels)) or item.label


# "3. Trách nhiệm của Bộ Công an", "1. Trách nhiệm Tổ công tác triển khai Đề án 06:": a heading that names
# whose duties the items under it are; the name may hold verbs of its own ("Tổ công tác triển khai …").
_RESPONSIBILITY = re.compile(r"^(?:Trách nhiệm|Nhiệm vụ)(?:\s+của)?\s+(?=\S)")


def _heading_text(item: _Item) -> str:
    """An item's heading, with the lines it runs on to when it names someone over two lines.

    "2. Trách nhiệm của các bộ, cơ quan ngang bộ, cơ quan trực thuộc Chính phủ;" then "Ủy ban nhân dân các
    tỉnh, thành phố trực thuộc Trung ương" and the lettered items: the second line is the heading's.
    """
    head = item.head.strip()
    if not (_RESPONSIBILITY.match(head) and item.children and len(item.blocks) > 1) or head.endswith((".", ":")):
        return head
    rest = " ".join(b.text for b in item.blocks[1:]).strip()
    if len(head) + len(rest) > 220 or rest.endswith(".") or MARKER.match(rest):
        return head
    return f"{head} {rest}"


def _is_heading(item: _Item, is_agency: IsAgency) -> str | None:
    """The addressee an item's first line names ("1. Các sở, ban, ngành tỉnh:"), or None."""
    head = _heading_text(item)
    text = head.rstrip(":").strip()
    if len(text) > 220:
        return None
    if ":" in text:
        return None
    if head.endswith(".") and not is_agency(text.rstrip(".")):
        return None
    if head.endswith(";") and not is_agency(text.rstrip(";")):
        return None  # "1. Các sở, …, UBND các huyện … căn cứ chức năng … xây dựng Kế hoạch;": a sentence, not a heading
    responsibility = _RESPONSIBILITY.match(text) is not None
    text = re.sub(r"^(?:Trách nhiệm(?:\s+của)?|Giao|Đối với|Nhiệm vụ của|Đề nghị)\s+", "", text, flags=re.IGNORECASE)
    m = _CHU_TRI.match(text)
    if m and head.endswith(":") and (is_agency(m.group(1)) or _AGENCY_START.match(m.group(1))):
        return clean_name(m.group(1))  # "Sở Nội vụ chủ trì, phối hợp với các sở, ngành, địa phương:"
    text = re.sub(r"\s+(?:chủ trì|có trách nhiệm|thực hiện|chịu trách nhiệm)$", "", text)
    if responsibility and (_AGENCY_START.match(text) or re.match(r"^[Cc]ác\s", text)):
        return text
    if is_agency(text) or (_AGENCY_START.match(text) and not re.search(rf"\b(?:{_VERBS})\b", text.split(",")[0][12:])):
        return text
    return None


_SENTENCE_BEFORE_COLON = re.compile(r"chủ trì|phối hợp|có trách nhiệm|thực hiện|triển khai|tiến hành|xây dựng|các bước|nội dung|nhiệm vụ|như sau|sau đây|cụ thể")
_SUBORDINATE = re.compile(r"^(?:Căn cứ|Trên cơ sở|Sau khi|Để|Nhằm|Khi|Từ\s+(?:[Nn]gày|[Tt]háng|[Qq]uý|[Nn]ăm)\s+\S+|Trong\s+năm\s+\d{4}|Đến\s+(?:hết\s+)?năm\s+\d{4})\b")
# Words that continue a list of names ("các bộ, ngành và địa phương"): a comma before them does not start a name.
_LIST_CONTINUATION = re.compile(r"^(?:ngành|ban|sở|huyện|xã)\b")


def _field_lead(value: str) -> str:
    """The lead a "Cơ quan chủ trì/thực hiện:" field names: "X chủ trì, phối hợp với Y …" → X, "X đôn đốc …" → X."""
    m = _CHU_TRI.match(value)
    if m and _AGENCY_START.match(m.group(1)):
        return clean_name(m.group(1))
    m = _LEAD_BEFORE_VERB.match(value)
    if m and _AGENCY_START.match(m.group(1)):
        return clean_name(m.group(1))
    return clean_name(value)


def _explicit_lead(text: str) -> str | None:
    """Only "Cơ quan chủ trì: X" or an opening "Giao X …" overrides the lead a heading names."""
    m = _INLINE_LEAD.search(text)
    if m:
        return _field_lead(m.group(1))
    m = re.match(rf"^[-–+•]?\s*Giao(?:\s+(?:nhiệm vụ\s+)?cho)?\s+(.{{3,220}}?)\s*(?:[:,]\s*)?(?:{_VERBS})\b", text)
    return clean_name(m.group(1)) if m else None


_VERB_BEFORE_COLON = re.compile(r"\s+(?:(?:bắt đầu|tiếp tục)\s+)?(?:thực hiện|chủ trì|có trách nhiệm|triển khai)(?:\s+mở rộng)?$")


def _lead_in_text(text: str, is_agency: IsAgency, *, inherited: bool = False) -> str | None:
    """The lead an item's own wording names: "Giao X chủ trì…", "X chủ trì, phối hợp…", "X: …", "X tăng cường…"."""
    text = re.sub(r"^[-–+•]\s*", "", text)
    m = _INLINE_LEAD.search(text)
    if m:
        return _field_lead(m.group(1))
    m = re.match(r"^([^:]{3,150}):\s+\S", text)
    before_colon = m.group(1) if m else ""
    # "Đối với các đơn vị đã xây dựng …:" names whom the rest is for; in "Các bộ, … tổ chức chính trị - xã hội
    # thực hiện: (1) …" the verb before the colon is not part of the name.
    addressed = before_colon.startswith("Đối với")
    named = _VERB_BEFORE_COLON.sub("", re.sub(r"^Đối với\s+", "", before_colon))
    if m and (
        is_agency(named)
        or (
            _AGENCY_START.match(named)
            and (addressed or not _LEAD_BEFORE_VERB.match(named) or not _SENTENCE_BEFORE_COLON.search(named))
        )
    ):
        return clean_name(re.sub(r"^(?:Giao|Đề nghị)\s+", "", named))
    first_sentence = re.split(r"(?<=\.)\s", text, maxsplit=1)[0]
    if _SUBORDINATE.match(first_sentence) and not inherited:
        # "Căn cứ …, các sở, ban, ngành … xây dựng kế hoạch": the lead follows the opening clause.
        for cut in re.finditer(r"[,;]\s*", first_sentence[:300]):
            rest = first_sentence[cut.end() :]
            if _AGENCY_START.match(rest) and not _LIST_CONTINUATION.match(rest):
                return _lead_in_text(rest, is_agency, inherited=True)
    m = _GIAO.match(first_sentence) if inherited else _GIAO.search(first_sentence)
    if m and (is_agency(m.group(1)) or _AGENCY_START.match(m.group(1))):
        return clean_name(m.group(1))
    if _AGENCY_START.match(first_sentence):
        m = _CHU_TRI.match(first_sentence)
        if m and (is_agency(m.group(1)) or _AGENCY_START.match(m.group(1))):
            return clean_name(_ASK_PREFIX.sub("", m.group(1)))
        m = _LEAD_BEFORE_VERB.match(first_sentence)
        if m and len(m.group(1)) >= 3:
            lead = _end_at_member_list(clean_name(_ASK_PREFIX.sub("", m.group(1))))
            if is_agency(lead) or _AGENCY_START.match(lead):
                return lead
    return None


_LOWER = "a-zàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ"
_MEMBER_LIST = re.compile(rf"^(.{{3,150}}?\(([^()]{{3,150}})\))\s+(?=[{_LOWER}])")


def _end_at_member_list(lead: str) -> str:
    """ "Các tập đoàn, công ty công nghệ (VNPT, Viettel, FPT, …) hỗ trợ …": the name ends with the list of its members."""
    m = _MEMBER_LIST.match(lead)
    if m is None:
        return lead
    members = [p.strip() for p in m.group(2).split(",") if p.strip()]
    return m.group(1) if len(members) >= 2 and all(p[:1].isupper() for p in members) else lead


def deadline_phrases(text: str) -> list[str]:
    """Every deadline phrase in ``text``, in order of appearance, as printed."""
    found: list[tuple[int, int, str]] = []
    for pattern in _DEADLINE_PATTERNS:
        for m in pattern.finditer(text):
            if any(not (m.end() <= s or m.start() >= e) for s, e, _ in found):
                continue
            phrase = m.group(0).strip(" ,")
            if pattern is _DEADLINE_PATTERNS[-1] and "báo cáo" not in text[max(0, m.start() - 80) : m.start()].lower():
                continue  # "khi có yêu cầu" is a deadline when it says when to report, not when it qualifies the work
            found.append((m.start(), m.end(), phrase))
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, phrase in found:
        if merged:
            p_start, p_end, p_phrase = merged[-1]
            gap = text[p_end:start]
            cycle_and_day = bool(
                _REPORT_CYCLE.search(p_phrase) or _REPORT_CYCLE.search(phrase) or _REPORT_CYCLE.search(gap) or "định kỳ" in p_phrase.lower()
            ) and bool(
                _DAY_NO_YEAR.search(p_phrase) or _DAY_NO_YEAR.search(phrase)
            )
            if cycle_and_day and len(gap) <= 150 and not re.search(r"[.;]", gap):
                merged[-1] = (p_start, end, text[p_start:end].strip(" ,"))
                continue
        merged.append((start, end, phrase))
    return [p for _, _, p in merged]


# Words that may follow a name inside a list of names ("Sở Tư pháp và các cơ quan liên quan").
_LIST_WORDS = frozenset("và cùng với các những có liên quan cơ đơn địa tổ ngành ban sở thuộc trên tỉnh".split())


def names_before_work(text: str, is_agency: IsAgency) -> str:
    """The names a "phối hợp với …" list opens with, without the work that follows them.

    "Sở Tư pháp, Sở Thông tin và Truyền thông tuyên truyền pháp luật" → "Sở Tư pháp, Sở Thông tin
    và Truyền thông": the longest run of leading words that the registry knows as names, when the next
    word is lower case and not part of a list. Text that is a name already, or that opens with no known
    name, is kept as written.
    """
    if is_agency(text):
        return text
    words = text.split()
    for end in range(min(len(words) - 1, 40), 0, -1):
        following = words[end]
        if not following[:1].islower() or following.strip(",;") in _LIST_WORDS:
            continue
        head = clean_name(" ".join(words[:end]))
        if head and is_agency(head):
            return head
    return text


# A sub-bullet that opens with the year(s) of its stage: "+ Trong năm 2026 - 2027:", "+ Năm 2028:".
_STAGE = re.compile(r"(?:^|\s)[+]\s*((?:Trong\s+)?[Nn]ăm\s+\d{4}(?:\s*[-–]\s*\d{4})?)\s*:")


def _fields(
    text: str,
    lead: str | None,
    *,
    clause: str,
    lines: tuple[int, int],
    source: str = "item",
    is_agency: IsAgency | None = None,
) -> Found:
    co = None
    m = _INLINE_CO.search(text)
    if m:
        co = clean_name(m.group(1))
    else:
        m = _CO.search(text)
        if m:
            co = clean_name(re.sub(r"^(?:với|cùng)\s+", "", m.group(1)))
            if is_agency is not None:
                co = names_before_work(co, is_agency)
    product = None
    m = _INLINE_PRODUCT.search(text)
    if m:
        product = clean_name(m.group(1))
    deadline = None
    others: tuple[str, ...] = ()
    m = _INLINE_DEADLINE.search(text)
    if m:
        deadline = clean_name(m.group(1))  # a span keeps its words: the parser reads it by its end
    else:
        phrases = deadline_phrases(text)
        stages = _STAGE.findall(text)
        if len(stages) >= 2:
            # "+ Trong năm 2026 - 2027: (1) …; + Trong năm 2028: …": the stages of one task, due at the last one
            deadline = clean_name(stages[-1])
            others = tuple(dict.fromkeys(p for p in (*stages[:-1], *phrases) if p != deadline))
        elif phrases:
            deadline = next((p for p in phrases if _FIRM.search(p)), phrases[0])
            others = tuple(dict.fromkeys(p for p in phrases if p != deadline))
    report_to = report_via = None
    m = report_match(text)
    if m:
        report_to = clean_name(m.group("to"))
        via = m.group("via") or m.group("via2")
        report_via = clean_name(via) if via else None
    return Found(
        clause=clause,
        text=text,
        lead_text=lead,
        lines=lines,
        co_agencies_text=co,
        deliverable=product,
        deadline_text=deadline,
        other_deadlines=others,
        report_to_text=report_to,
        report_via_text=report_via,
        source=source,
    )


def report_match(text: str) -> re.Match[str] | None:
    """The item's own report ("báo cáo UBND tỉnh (qua Công an tỉnh)"), not one it helps a superior write."""
    for m in _REPORT.finditer(text):
        if re.search(r"tham mưu(?:\s+cho)?(?:\s+\S+){0,4}\s*$", text[max(0, m.start() - 40) : m.start()]):
            continue
        return m
    return None


def _chapeau_lead(chapeau: Sequence[Block], is_agency: IsAgency) -> str | None:
    """ "Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các sở, ban, ngành… thực hiện tốt các nội dung sau:"."""
    for block in reversed(chapeau[-3:]):
        m = re.search(rf"(?:yêu cầu|đề nghị|giao|chỉ thị(?:\s+(?:đến|cho))?)\s+(.{{3,300}}?)\s*(?:[:,]\s*)?(?:{_VERBS}|như sau|các nội dung sau|các nhiệm vụ sau)", block.text)
        if m:
            lead = clean_name(m.group(1))
            if is_agency(lead) or _AGENCY_START.match(lead):
                return lead
    return None


def find_items(blocks: Sequence[Block], is_agency: IsAgency, *, lead: str | None = None) -> list[Found]:
    """Every numbered or lettered item of the body that assigns work to someone.

    ``lead`` names who the whole text is addressed to when its title says so (an appendix "NHIỆM VỤ CỦA
    CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG"): every section inherits it.
    """
    chapeau, roots, closing = _outline(blocks)
    has_sections = any(r.level == 0 for r in roots)
    chapeau_lead = _chapeau_lead(chapeau, is_agency)
    out: list[Found] = []

    def add(item: _Item, found: Found) -> None:
        phase = _phase_deadline(item) if found.deadline_text is None else None
        out.append(replace(found, deadline_text=phase) if phase else found)

    def visit(item: _Item, inherited: str | None) -> None:
        heading_lead = _is_heading(item, is_agency)
        if item.children and _fielded(item):
            # "a) Hoạt động: … c) Cơ quan chủ trì: … đ) Thời gian thực hiện: …": one task, lettered fields.
            item = _flatten(item)
        own_blocks = item.blocks[1:] if heading_lead else item.blocks
        lead = heading_lead or inherited
        if item.children:
            # The item's own text (if any) may still name the lead its children inherit.
            if not heading_lead:
                named = _lead_in_text(item.head, is_agency)
                for block in item.blocks[1:]:
                    line = block.text.strip()
                    if named is None and line.endswith(":") and len(line) < 160 and _AGENCY_START.match(line):
                        named = clean_name(line)
                lead = named or inherited
            for child in item.children:
                visit(child, lead)
            return
        if item.non_task or (item.level == 0 and not item.children and not heading_lead and not own_blocks):
            return
        if item.level == 0 and not item.children and len(item.blocks) == 1 and not heading_lead and item.head == item.head.upper():
            return  # a section title with nothing under it ("II. NHIỆM VỤ CỤ THỂ" over a table)
        text = " ".join(b.text for b in own_blocks).strip()
        if heading_lead and not text:
            return
        if not heading_lead:
            text = " ".join([item.head, *(b.text for b in item.blocks[1:])]).strip()
        clause = _clause(item, has_sections)
        segments = _bullet_tasks(own_blocks)
        if not segments and heading_lead and item.head.rstrip().endswith(":"):
            segments = _bulleted_work(own_blocks)
        own_leads: dict[int, str] = {}
        if not segments and not heading_lead and _lead_in_text(item.head, is_agency) is None:
            with_leads = _own_lead_bullets(item.blocks[1:], is_agency)
            segments = [segment for segment, _ in with_leads]
            own_leads = {n: seg_lead for n, (_, seg_lead) in enumerate(with_leads, start=1)}
        if segments:
            for n, segment in enumerate(segments, start=1):
                seg_text = " ".join(b.text for b in segment)
                seg_lead = own_leads.get(n) or _lead_in_text(seg_text, is_agency, inherited=True) or lead
                if seg_lead:
                    add(
                        item,
                        _fields(
                            seg_text,
                            seg_lead,
                            clause=f"{clause} ({n})",
                            lines=(segment[0].first, segment[-1].last),
                            is_agency=is_agency,
                        )
                    )
            return
        named = _explicit_lead(text) if heading_lead else _lead_in_text(text, is_agency, inherited=lead is not None)
        if named is None and lead is None and len(item.blocks) > 1:
            named = _lead_in_text(item.blocks[1].text, is_agency, inherited=lead is not None)
        lead_text = named or lead
        if lead_text is None:
            return
        first = item.blocks[0].first
        last = item.blocks[-1].last
        add(item, _fields(text, lead_text, clause=clause, lines=(first, last), is_agency=is_agency))

    for root in roots:
        if root.non_task:
            continue
        visit(root, lead if lead is not None else chapeau_lead if not (root.level == 0 and has_sections) else None)
    for block in closing:
        # A closing paragraph that sets a periodic report is a task ("đoạn cuối"); one that only says
        # whom to ask when problems arise is not.
        if _PERIODIC_REPORT.search(block.text):
            lead = _lead_in_text(re.sub(r"^(?:Yêu cầu|Đề nghị)\s+", "", block.text), is_agency)
            if lead:
                out.append(_fields(block.text, lead, clause="đoạn cuối", lines=block.lines, is_agency=is_agency))
                break
    return _dedupe(out)


def _dedupe(found: list[Found]) -> list[Found]:
    """An item printed twice verbatim is one task; a label printed twice over different text is kept as "(lặp)"."""
    out: list[Found] = []
    for f in found:
        same = [o for o in out if o.clause == f.clause or o.clause.startswith(f.clause + " (lặp")]
        if any(fold(o.text) == fold(f.text) for o in same):
            continue
        if same:
            f = replace(f, clause=f"{f.clause} (lặp)" if len(same) == 1 else f"{f.clause} (lặp {len(same)})")
        out.append(f)
    return out


# --------------------------------------------------------------------------------------------
# Appendix tables
# --------------------------------------------------------------------------------------------

_COLUMN_KEYS = (
    ("stt", re.compile(r"^(?:stt|tt|so tt|so|so thu tu)$")),
    ("lead", re.compile(r"chu tri")),
    ("co", re.compile(r"phoi hop")),
    ("deadline", re.compile(r"thoi gian|thoi han|tien do|thoi diem")),
    ("product", re.compile(r"san pham|ket qua")),
    ("target", re.compile(r"muc tieu|chi tieu")),
    ("task", re.compile(r"nhiem vu|noi dung|ten nhiem vu|cong viec|giai phap|hoat dong")),
)


def _mend_header(cells: Sequence[str]) -> list[str]:
    """ "Đơn vị | Nhiệm vụ chủ trì": a two-line header cell ("Đơn vị / chủ trì") whose second line the
    extractor put into the next cell; the words go back to the bare "Đơn vị" / "Cơ quan" cell."""
    out = list(cells)
    for i in range(len(out) - 1):
        m = re.match(r"^(.+?)\s+(chủ trì|phối hợp)$", out[i + 1].strip())
        if fold(out[i]) in {"don vi", "co quan"} and m and not re.search(r"(?:Đơn vị|Cơ quan)", m.group(1)):
            out[i], out[i + 1] = f"{out[i].strip()} {m.group(2)}", m.group(1)
    return out


def _header_map(cells: Sequence[str]) -> dict[str, int] | None:
    mapping: dict[str, int] = {}
    for i, cell in enumerate(_mend_header(cells)):
        key = fold(cell)
        if not key:
            continue
        for name, pattern in _COLUMN_KEYS:
            if name not in mapping and pattern.search(key):
                mapping[name] = i
                break
    if "lead" in mapping and ("task" in mapping or "target" in mapping):
        return mapping
    return None


def _looks_like_deadline(text: str) -> bool:
    """A cell the deadline parser understands ("Thường xuyên", "Quý IV/2024", "Trước 30/6/2024")."""
    return bool(text) and len(text) <= 120 and parse_deadline(text).understood


def find_table_rows(blocks: Sequence[Block], is_agency: IsAgency) -> list[Found]:
    """Rows of task tables (STT / Nhiệm vụ / Cơ quan chủ trì / phối hợp / Thời gian / Sản phẩm)."""
    out: list[Found] = []
    mapping: dict[str, int] | None = None
    width = 0
    last_stt: str | None = None
    repeat = 0
    used: set[str] = set()
    appendix = 0
    group: str | None = None  # the roman group row above ("I | Xây dựng và hoàn thiện chính sách …")
    deadline_cols: tuple[int, ...] = ()
    last_lead: str | None = None
    for index, block in enumerate(blocks):
        if not block.is_row:
            if _APPENDIX.match(block.text):
                appendix += 1
                group = None
            elif appendix and (m := re.match(r"^([IVX]{1,4})\.\s+\S", block.text)):
                # A roman section of the appendix printed above its table ("II. NHIỆM VỤ CỤ THỂ").
                group, last_stt, last_lead, repeat = m.group(1), None, None, 0
            continue
        cells = list(block.cells or ())
        header = _header_map(cells)
        if header:
            # A second header line ("| Mục tiêu | Nhiệm vụ |") refines the first.
            mapping, width = header, len(cells)
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            second = list(nxt.cells or ()) if nxt is not None and nxt.is_row else []
            deadline_cols = _split_deadline_columns(cells, second, mapping)
            if nxt is not None and nxt.is_row:
                sub = list(nxt.cells or ())
                if not any(re.match(r"^\d", c) for c in sub if c) and any(sub):
                    for i, sub_cell in enumerate(sub):
                        key = fold(sub_cell)
                        for name, pattern in _COLUMN_KEYS:
                            if key and pattern.search(key) and name in {"task", "target", "product"}:
                                mapping[name] = i
            continue
        if mapping is None:
            continue
        if not any(c.strip() for c in cells):
            continue
        if all(not re.search(r"\d", c) for c in cells if c) and any(
            fold(c) in {"muc tieu", "nhiem vu"} for c in cells
        ):
            continue  # the second header line itself
        cells = _realign(cells, mapping, width)

        def cell(name: str, cells: list[str] = cells, mapping: dict[str, int] = mapping) -> str:
            i = mapping.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        stt = cell("stt")
        lead = cell("lead")
        task = cell("task") or cell("target")
        if not lead and not stt and task and last_lead and last_stt and (cell("co") or cell("deadline")):
            lead = last_lead  # a further task of the body above: its STT and name cells are merged over both rows
        if not lead:
            if stt and not re.match(r"^\d+(?:\.\d+)+\.?$", stt):
                last_stt, last_lead, repeat = None, None, 0
                if _ROMAN_STT.match(stt):
                    group = stt.rstrip(".")
            continue  # a group heading ("1. Hoàn thiện các quy định…", "II | Thực hiện …") or an empty line
        if not task:
            task = cell("target") or cell("product")
        if not task:
            continue
        stt = stt.rstrip(".")
        if stt:
            # Numbers restart under each roman group (I: 1, 2; II: 1, 2, 3): the group is part of the clause.
            stt = f"{group}.{stt}" if group and not _ROMAN_STT.match(stt) else stt
            last_stt, repeat = stt, 1
            clause = f"PL {stt}"
        elif last_stt:
            repeat += 1
            clause = f"PL {last_stt} ({repeat})"
        else:
            clause = f"PL dòng {block.first}"
        if clause in used and appendix > 1:
            clause = f"PL{appendix} {clause[3:]}"
        used.add(clause)
        last_lead = lead
        deadline = cell("deadline") or next(
            (cells[i].strip() for i in deadline_cols if i < len(cells) and cells[i].strip()), None
        )
        found = Found(
            clause=clause,
            text=task,
            lead_text=clean_name(lead),
            lines=block.lines,
            co_agencies_text=clean_name(cell("co")) or None,
            deliverable=cell("product") or None,
            deadline_text=deadline,
            source="table",
        )
        m = report_match(task)
        if m:
            via = m.group("via") or m.group("via2")
            found = replace(found, report_to_text=clean_name(m.group("to")), report_via_text=clean_name(via) if via else None)
        out.append(found)
    return out


_ROMAN_STT = re.compile(r"^[IVX]{1,5}\.?$")


def _split_deadline_columns(top: Sequence[str], sub: Sequence[str], mapping: dict[str, int]) -> tuple[int, ...]:
    """A "Thời gian thực hiện" header over sub-columns ("Đến 2025" | "2026 – 2030"): the columns a date may be in.

    The second header line names only the sub-columns: the deadline column and the columns right of it
    whose top cell is empty (the merged header). Empty when the header is not split that way.
    """
    d = mapping.get("deadline")
    if d is None or d >= len(sub) or not sub[d].strip():
        return ()
    cols = [d]
    for i in range(d + 1, min(len(top), len(sub))):
        if top[i].strip() or not sub[i].strip():
            break
        cols.append(i)
    if len(cols) == 1 or any(c.strip() for j, c in enumerate(sub) if j not in cols):
        return ()
    return tuple(cols)


def _realign(cells: list[str], mapping: dict[str, int], width: int) -> list[str]:
    """Rows whose empty cells were dropped by the text export: put the deadline back in its column.

    When the deadline column is empty but an earlier cell holds the deadline, the cells between the
    task and that cell are shifted right so the deadline lands in its column; this is only done when
    it also puts a name into the lead column.
    """
    d = mapping.get("deadline")
    lead = mapping.get("lead")
    if d is None or lead is None:
        return cells
    padded = cells + [""] * max(0, width - len(cells))
    if padded[d].strip() and _looks_like_deadline(padded[d]):
        return padded
    co = mapping.get("co")
    for k in range(d - 1, lead - 1, -1):
        if _looks_like_deadline(padded[k]) and not _AGENCY_START.match(padded[k]):
            shift = d - k
            # Missing cells sit just after the number (an empty "mục tiêu") or just before the deadline
            # (an empty "phối hợp"): prefer the reading that puts names in both name columns.
            trials = [(padded[:at] + [""] * shift + padded[at:])[: max(width, len(padded))] for at in (1, k)]

            def named(trial: list[str], i: int | None) -> bool:
                return i is not None and bool(trial[i].strip()) and bool(_AGENCY_START.match(trial[i].strip()))

            for trial in trials:
                if named(trial, lead) and named(trial, co):
                    return trial
            for trial in trials:
                if named(trial, lead):
                    return trial
            break
    return padded
