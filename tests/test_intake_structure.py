"""Document shapes → assignments: every shape real directives use, as small tables of text → fields.

The header follows the seed texts; the items are written for these tests in the shapes real
directives use. The registry is Đồng Nai's, so names resolve to real codes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dondoc.domain.policy import Policy
from dondoc.intake.blocks import RawLine, drop_page_furniture, split_text, to_blocks
from dondoc.intake.draft import Draft, build_draft
from dondoc.intake.names import NameResolver, records_from_registry
from dondoc.intake.readers import read_document
from dondoc.intake.service import load_registries
from dondoc.intake.structure import deadline_phrases, names_before_work, parse_header

REGISTRIES = {r.province: r for r in load_registries()}


def draft(text: str, province: str | None = "dong-nai") -> Draft:
    records = records_from_registry(REGISTRIES[province]) if province else []
    names = {p: r.province_name for p, r in REGISTRIES.items()}
    return build_draft(
        to_blocks(split_text(text)),
        source_file="test.txt",
        line_unit="dòng",
        province=province,
        resolver=NameResolver(records, names),
        policy=Policy(),
    )


HEADER = """ỦY BAN NHÂN DÂN
TỈNH ĐỒNG NAI

Số: 11677/UBND-HCC

V/v triển khai Chỉ thị số 27/CT-TTg ngày 27/10/2023 của Thủ tướng Chính phủ

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Đồng Nai, ngày 02 tháng 11 năm 2023

Kính gửi:

- Lãnh đạo các sở, ban ngành tỉnh;
- Chủ tịch UBND các huyện, thành phố.

UBND tỉnh Đồng Nai nhận được Chỉ thị số 27/CT-TTg. Chủ tịch UBND tỉnh có ý kiến như sau:
"""
FOOTER = """
Nơi nhận:

- Như trên;
- Lưu: VT, HCC.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Võ Tấn Đức
"""


def test_header_fields() -> None:
    d = draft(HEADER + "1. Sở Nội vụ\n\na) Theo dõi, đôn đốc việc thực hiện.\n" + FOOTER)
    h = d.header
    assert (h.number, h.kind, h.issued, h.place) == ("11677/UBND-HCC", "cong_van", "2023-11-02", "Đồng Nai")
    assert h.title == "V/v triển khai Chỉ thị số 27/CT-TTg ngày 27/10/2023 của Thủ tướng Chính phủ"
    assert h.issuer_text == "Ủy ban nhân dân tỉnh Đồng Nai"
    assert d.issuer == "dn-ubnd-tinh"
    assert h.addressees == ("Lãnh đạo các sở, ban ngành tỉnh", "Chủ tịch UBND các huyện, thành phố")
    assert h.recipients == ("Như trên", "Lưu: VT, HCC")
    assert h.signer == "Võ Tấn Đức"
    assert [a.clause for a in d.assignments] == ["1.a"]


@pytest.mark.parametrize(
    ("header", "number", "kind", "issued"),
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG NAI\n\nSố: 06/CĐ-UBND\n\nĐồng Nai, ngày 10 tháng 9 năm 2024\n\nCÔNG ĐIỆN\n", "06/CĐ-UBND", "cong_dien", "2024-09-10"),
        ("Số: /CT-UBND\n\nLong An, ngày tháng 5 năm 2022\n\nCHỈ THỊ\n\nTập trung giải quyết thủ tục hành chính\n", None, "chi_thi", "2022-05"),
        ("Số: 170 /KH-VP\n\nĐồng Nai, ngày 18 tháng 1 năm 2024\n\n**KẾ HOẠCH**\n**Kiểm soát thủ tục hành chính năm 2024**\n", "170/KH-VP", "ke_hoach", "2024-01-18"),
        ("Số:           /UBND-HCC Đồng Tháp, ngày        tháng       năm 2023\nV/v triển khai thực hiện\n", None, "cong_van", "2023"),
    ],
)
def test_header_numbers_kinds_and_partial_dates(header: str, number: str | None, kind: str, issued: str) -> None:
    h = parse_header(to_blocks(split_text(header)))
    assert (h.number, h.kind, h.issued) == (number, kind, issued)


def one(text: str) -> dict[str, object]:
    d = draft(HEADER + text + FOOTER)
    assert len(d.assignments) == 1, [a.clause for a in d.assignments]
    return d.assignments[0].as_json()


@pytest.mark.parametrize(
    ("body", "clause", "lead_text", "lead"),
    [
        # A section heading that names the addressees, then lettered items.
        ("1. Các sở, ban ngành tỉnh:\n\na) Tăng cường kỷ luật, kỷ cương hành chính.\n", "1.a", "Các sở, ban ngành tỉnh", ["dn-g-so-ban-nganh"]),
        # The heading names two groups that make up a registry group.
        (
            "1. Các sở, ban ngành tỉnh, UBND các huyện, thành phố\n\na) Tiếp tục đẩy mạnh công tác cải cách thủ tục hành chính.\n",
            "1.a",
            "Các sở, ban ngành tỉnh, UBND các huyện, thành phố",
            ["dn-g-so-ban-nganh-huyen"],
        ),
        # A numbered item whose own sentence names the lead.
        ("6. Sở Tư pháp đẩy mạnh việc triển khai chứng thực bản sao điện tử từ bản chính.\n", "6", "Sở Tư pháp", ["dn-so-tu-phap"]),
        # "Giao X …" inside a lettered item.
        (
            "2. Về triển khai Đề án 06\n\nb) Giao Công an tỉnh theo dõi, đôn đốc và tổng hợp kết quả báo cáo của các đơn vị.\n",
            "2.b",
            "Công an tỉnh",
            ["dn-cong-an-tinh"],
        ),
        # "X chủ trì, phối hợp với Y …".
        (
            "3. Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp rà soát quy chế phối hợp.\n",
            "3",
            "Sở Nội vụ",
            ["dn-so-noi-vu"],
        ),
        # A heading with the lead, and the task in an unnumbered paragraph under it.
        ("8. Văn phòng UBND tỉnh\n\nĐôn đốc, nhắc nhở các sở, ban, ngành tỉnh trong việc thực hiện Công văn này.\n", "8", "Văn phòng UBND tỉnh", ["dn-vp-ubnd"]),
        # Nested numbering 4.2 keeps its own number.
        ("4. Trách nhiệm\n\n4.2. Văn phòng UBND tỉnh\n\na) Hướng dẫn, đôn đốc các cơ quan.\n", "4.2.a", "Văn phòng UBND tỉnh", ["dn-vp-ubnd"]),
    ],
)
def test_leads_from_every_shape(body: str, clause: str, lead_text: str, lead: list[str]) -> None:
    a = one(body)
    assert (a["clause"], a["lead_text"], a["lead"]) == (clause, lead_text, lead)


def test_inline_block_of_lead_co_agencies_deadline_and_product() -> None:
    a = one(
        "1. Xây dựng cơ sở dữ liệu hồ sơ thủ tục hành chính. Đơn vị chủ trì: Sở Thông tin và Truyền thông. "
        "Đơn vị phối hợp: Sở Nội vụ, Sở Tư pháp. Sản phẩm: Cơ sở dữ liệu được vận hành. "
        "Thời gian hoàn thành: trước ngày 30/6/2024.\n"
    )
    assert a["lead"] == ["dn-so-thong-tin-truyen-thong"]
    assert a["co_agencies"] == ["dn-so-noi-vu", "dn-so-tu-phap"]
    assert a["deliverable"] == "Cơ sở dữ liệu được vận hành"
    assert a["deadline_text"] == "trước ngày 30/6/2024"
    assert a["reading"] == {"kind": "once", "dates": ["2024-06-29"], "reading": a["reading"]["reading"], "understood": True}  # type: ignore[index]


def test_report_to_via() -> None:
    a = one(
        "2. Về Đề án 06\n\na) Các sở, ban ngành tỉnh tập trung xử lý dứt điểm các điểm nghẽn. "
        "Công việc hoàn thành báo cáo UBND tỉnh (thông qua Công an tỉnh) trước ngày 10/12/2023.\n"
    )
    assert (a["report_to_text"], a["report_to"]) == ("UBND tỉnh", ["dn-ubnd-tinh"])
    assert (a["report_via_text"], a["report_via"]) == ("Công an tỉnh", "dn-cong-an-tinh")
    assert a["deadline_text"] == "trước ngày 10/12/2023"


def test_purpose_requirement_budget_sections_and_closing_are_not_tasks() -> None:
    d = draft(
        HEADER
        + "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\na) Sở Nội vụ nâng cao hiệu quả công tác.\n\n"
        + "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Tư pháp\n\na) Rà soát thủ tục hành chính.\n\n"
        + "III. KINH PHÍ THỰC HIỆN\n\nSở Tài chính bố trí kinh phí.\n\n"
        + "Trên đây là Kế hoạch của UBND tỉnh. Yêu cầu các sở, ban, ngành triển khai thực hiện./.\n"
        + FOOTER
    )
    assert [a.clause for a in d.assignments] == ["II.1.a"]


def test_appendix_table_rows_including_a_row_without_its_number() -> None:
    table = (
        "Phụ lục\n\n"
        "STT\tNhiệm vụ\tKết quả/Sản phẩm\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
        "1\tHoàn thiện các quy định về kiểm soát thủ tục hành chính\t\t\t\t\n"
        "1.1\tCập nhật các quy định về kiểm soát thủ tục hành chính\tVăn bản triển khai\tPhòng Hành chính - Tổ chức\t"
        "Các phòng, ban, trung tâm, cổng thông tin\tThường xuyên\n"
        "1.2\tRà soát, kiến nghị đơn giản hóa thủ tục hành chính\tKế hoạch rà soát\tTrung tâm Phục vụ hành chính công\t\tQuý III/2024\n"
        "\tCông khai kết quả rà soát\tQuyết định\tTrung tâm Phục vụ hành chính công\t\tTrước ngày 14/3/2024\n"
    )
    d = draft(HEADER + "1. Sở Nội vụ\n\na) Theo dõi chung.\n" + FOOTER + table)
    rows = [a.as_json() for a in d.assignments if a.source == "table"]
    assert [(r["clause"], r["lead"], r["deadline_text"], r["reading"]["kind"]) for r in rows] == [  # type: ignore[index]
        ("PL 1.1", ["dn-vp-hctc"], "Thường xuyên", "ongoing"),
        ("PL 1.2", ["dn-vp-ttpvhcc"], "Quý III/2024", "once"),
        ("PL 1.2 (2)", ["dn-vp-ttpvhcc"], "Trước ngày 14/3/2024", "once"),
    ]
    assert rows[0]["co_agencies"] == ["dn-g-vp-phong"]
    assert rows[1]["reading"]["dates"] == ["2024-09-30"]  # type: ignore[index]


def test_table_rows_numbered_again_under_roman_groups_and_a_split_time_column() -> None:
    # Lai Châu KH 3473/KH-UBND (2025), appendix as pdfplumber reads it: rows grouped under I / II with STT
    # restarting at 1, "Thời gian thực hiện" split into "Đến 2025" | "2026 – 2030", the header repeated on
    # the next page. Each row gets its own clause (the importer refuses a clause twice) and a date printed
    # in the second sub-column is read.
    table = (
        "PHỤ LỤC\n\n"
        "STT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian thực hiện\t\tNguồn kinh phí thực hiện\n"
        "\t\t\t\tĐến 2025\t2026 – 2030\t\n"
        "I\tXây dựng và hoàn thiện chính sách, hướng dẫn kỹ thuật, quy chuẩn kỹ thuật\t\t\t\t\t\n"
        "1\tỨng dụng công nghệ thông tin trong giám sát, quản lý hoạt động thu gom, vận chuyển, xử lý chất thải rắn"
        "\tSở Tư pháp\tCác sở, ban, ngành có liên quan\tThực hiện thường xuyên\t\tNgân sách địa phương/nhà nước; hỗ trợ quốc tế\n"
        "II\tThực hiện các hoạt động, biện pháp giảm phát thải khí nhà kính trong lĩnh vực quản lý chất thải\t\t\t\t\t\n"
        "1\tĐiều tra nguồn thải, phân loại chất thải rắn\tSở Tư pháp\tCác sở, ban, ngành có liên quan\t\t2026-2030"
        "\tNgân sách địa phương/nhà nước; hỗ trợ quốc tế\n"
        "STT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian thực hiện\t\tNguồn kinh phí thực hiện\n"
        "\t\t\t\tĐến 2025\t2026 – 2030\t\n"
        "2\tTriển khai các biện pháp giảm phát thải khí nhà kính trong lĩnh vực quản lý chất thải\tSở Nội vụ"
        "\tSở Tư pháp\tThực hiện thường xuyên trong cả giai đoạn\t\tNguồn kinh phí của cơ sở\n"
    )
    d = draft(HEADER + "1. Sở Nội vụ\n\na) Theo dõi chung.\n" + FOOTER + table)
    rows = [a.as_json() for a in d.assignments if a.source == "table"]
    assert [(r["clause"], r["lead"], r["deadline_text"]) for r in rows] == [
        ("PL I.1", ["dn-so-tu-phap"], "Thực hiện thường xuyên"),
        ("PL II.1", ["dn-so-tu-phap"], "2026-2030"),  # printed under "2026 – 2030", not under "Đến 2025"
        ("PL II.2", ["dn-so-noi-vu"], "Thực hiện thường xuyên trong cả giai đoạn"),
    ]
    assert rows[2]["reading"]["kind"] == "ongoing"  # type: ignore[index]
    assert (rows[1]["reading"]["kind"], rows[1]["reading"]["dates"]) == ("once", ["2030-12-31"])  # type: ignore[index]


def test_markdown_table_with_cells_dropped_by_the_export() -> None:
    table = (
        "| Số | Mục tiêu | Nhiệm vụ | Kết quả/Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 2.1 | Tổ chức triển khai Kế hoạch kiểm soát thủ tục hành chính | Kế hoạch năm 2024 | Phòng Hành chính - Tổ chức "
        "| Các phòng, ban, trung tâm, cổng thông tin | Trước ngày 31/01/2024 |\n"
    )
    d = draft(HEADER + "1. Sở Nội vụ\n\na) Theo dõi chung.\n" + FOOTER + table)
    row = next(a for a in d.assignments if a.source == "table")
    assert (row.clause, row.lead, row.deadline_text) == ("PL 2.1", ("dn-vp-hctc",), "Trước ngày 31/01/2024")


def test_unresolved_lead_is_kept_as_written_and_flagged_with_candidates() -> None:
    d = draft(HEADER + "5. Sở Thông tin và Truyền thông tỉnh Đồng Nai mới\n\na) Rà soát hệ thống.\n" + FOOTER)
    a = d.assignments[0]
    assert a.lead == ()
    assert a.lead_text == "Sở Thông tin và Truyền thông tỉnh Đồng Nai mới"
    assert any("có phải" in f.message and "Sở Thông tin và Truyền thông" in f.message for f in a.flags)
    assert any(f.field == "5.a: lead" for f in d.review)


def test_without_a_registry_names_stay_as_written_and_are_flagged() -> None:
    d = draft(HEADER + "3. Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp rà soát quy chế.\n" + FOOTER, province=None)
    a = d.assignments[0]
    assert (a.lead_text, a.lead) == ("Sở Nội vụ", ())
    assert "chưa có danh mục" in a.flags[0].message
    assert any(f.field == "province" for f in d.flags)


@pytest.mark.parametrize(
    ("body", "flag_word"),
    [
        ("1. Sở Nội vụ tổng hợp, báo cáo UBND tỉnh định kỳ hàng quý.\n", "lịch báo cáo"),
        ("1. Sở Nội vụ hoàn thành trước ngày 31/02/2024.\n", "Chưa hiểu"),
    ],
)
def test_calendar_and_impossible_deadlines_are_flagged(body: str, flag_word: str) -> None:
    a = one(body)
    assert any(flag_word in f for f in a["flags"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Công việc hoàn thành báo cáo UBND tỉnh trước ngày 20/12/2023.", ["trước ngày 20/12/2023"]),
        ("Báo cáo kết quả trước ngày 25 hàng tháng.", ["trước ngày 25 hàng tháng"]),
        ("Định kỳ hàng quý, báo cáo kết quả triển khai.", ["Định kỳ hàng quý"]),
        ("Hoàn thành trong tháng 6/2022.", ["Hoàn thành trong tháng 6/2022"]),
        ("Triển khai từ ngày 01/6/2022 tại cấp tỉnh.", ["từ ngày 01/6/2022"]),
        ("Thực hiện Chỉ thị số 27/CT-TTg ngày 27/10/2023 của Thủ tướng.", []),
        ("Phấn đấu đến cuối năm 2023 đạt 100%.", ["cuối năm 2023"]),
    ],
)
def test_deadline_phrases(text: str, phrases: list[str]) -> None:
    assert deadline_phrases(text) == phrases


def test_yaml_draft_is_the_directive_format_with_review_list() -> None:
    import yaml

    from dondoc.directives.schema import DirectiveIn

    d = draft(HEADER + "1. Các sở, ban ngành tỉnh:\n\na) Báo cáo UBND tỉnh trước ngày 05/12/2023.\n" + FOOTER)
    text = d.to_yaml()
    directive = DirectiveIn.model_validate(yaml.safe_load(text))  # `lines` and `flags` are part of the format
    assert directive.assignments[0].lead == ["dn-g-so-ban-nganh"]
    assert directive.assignments[0].deadline == "trước ngày 05/12/2023"
    assert "# Cần xem lại" in text
    assert date.fromisoformat(d.assignments[0].reading["dates"][0]) == date(2023, 12, 4)


def test_lettered_fields_make_one_task() -> None:
    # a) Hoạt động … c) Cơ quan chủ trì … đ) Thời gian thực hiện: the letters are fields of one task.
    d = draft(
        HEADER
        + "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n1. Hoàn thiện chính sách\n\n"
        + "1.3. Trao đổi kinh nghiệm về hỗ trợ pháp lý với các tỉnh bạn\n\n"
        + "a) Hoạt động: Tổ chức đoàn trao đổi kinh nghiệm.\n\n"
        + "b) Kết quả đầu ra: Báo cáo kết quả trao đổi.\n\n"
        + "c) Cơ quan chủ trì: Các Sở, ban, ngành cấp tỉnh; Ủy ban nhân dân cấp huyện.\n\n"
        + "d) Cơ quan, tổ chức phối hợp: Sở Tư pháp; các tổ chức đại diện doanh nghiệp.\n\n"
        + "đ) Thời gian thực hiện: Từ năm 2023 đến năm 2025.\n"
        + FOOTER,
        province=None,
    )
    [a] = d.assignments
    assert (a.clause, a.lead_text) == ("II.1.3", "Các Sở, ban, ngành cấp tỉnh; Ủy ban nhân dân cấp huyện")
    assert a.co_agencies_text == "Sở Tư pháp; các tổ chức đại diện doanh nghiệp"
    assert a.deliverable == "Báo cáo kết quả trao đổi"
    assert (a.deadline_text, a.reading["dates"]) == ("Từ năm 2023 đến năm 2025", ["2025-12-31"])  # verbatim; read by its end


def test_bulleted_tasks_with_their_own_lead_blocks_are_numbered() -> None:
    # Two bulleted tasks in one lettered item, each with its own lead block.
    d = draft(
        HEADER
        + "II. NỘI DUNG THỰC HIỆN\n\n1. Hoàn thiện chính sách\n\na) Hoàn thiện quy chế phối hợp\n\n"
        + "- Tổng kết việc thực hiện quy chế phối hợp năm 2022.\n\n+ Cơ quan chủ trì: Sở Tư pháp.\n\n"
        + "+ Cơ quan phối hợp: Sở Nội vụ.\n\n+ Thời gian thực hiện: Khi có yêu cầu của Bộ Tư pháp.\n\n"
        + "- Góp ý dự thảo quy chế mới.\n\n+ Cơ quan chủ trì: Sở Tư pháp.\n\n"
        + "+ Thời gian thực hiện: Trước ngày 30/9/2023.\n"
        + FOOTER
    )
    assert [(a.clause, a.lead, a.deadline_text) for a in d.assignments] == [
        ("II.1.a (1)", ("dn-so-tu-phap",), "Khi có yêu cầu của Bộ Tư pháp"),
        ("II.1.a (2)", ("dn-so-tu-phap",), "Trước ngày 30/9/2023"),
    ]
    assert d.assignments[0].co_agencies == ("dn-so-noi-vu",)
    assert d.assignments[0].reading["kind"] == "event"


def test_capital_letter_groups_and_a_lead_after_an_opening_clause() -> None:
    d = draft(
        HEADER
        + "III. NHIỆM VỤ VÀ GIẢI PHÁP\n\nA. Nhóm nhiệm vụ ngắn hạn:\n\n1. Tháo gỡ vướng mắc\n\n"
        + "b) Sở Xây dựng rà soát các dự án chậm tiến độ.\n\n"
        + "B. Nhóm nhiệm vụ dài hạn:\n\n1. Cải thiện môi trường đầu tư\n\n"
        + "b) Căn cứ nội dung Kế hoạch này, Sở Công Thương xây dựng kế hoạch thực hiện.\n"
        + FOOTER
    )
    assert [(a.clause, a.lead) for a in d.assignments] == [
        ("III.A.1.b", ("dn-so-xay-dung",)),
        ("III.B.1.b", ("dn-so-cong-thuong",)),
    ]


def test_a_closing_paragraph_that_sets_a_periodic_report_is_a_task() -> None:
    d = draft(
        HEADER
        + "1. Sở Tư pháp\n\na) Làm đầu mối hướng dẫn thực hiện Kế hoạch.\n\n"
        + "Các cơ quan, đơn vị, địa phương thực hiện Kế hoạch này; định kỳ hàng năm báo cáo "
        + "kết quả về Ủy ban nhân dân tỉnh (qua Sở Tư pháp).\n"
        + FOOTER
    )
    last = d.assignments[-1]
    assert (last.clause, last.lead_text, last.reading["kind"]) == ("đoạn cuối", "Các cơ quan, đơn vị, địa phương", "recurring")
    assert last.report_via == "dn-so-tu-phap"


@pytest.mark.parametrize(
    ("phrase", "end"),
    [
        ("Từ năm 2023 đến năm 2025", ["2025-12-31"]),
        ("Từ cuối tháng 6/2023 đến tháng 9/2023", ["2023-09-30"]),
        ("Tháng 01/2024 đến tháng 02/2024", ["2024-02-29"]),
        ("Trước ngày 31/01/2024", ["2024-01-30"]),
    ],
)
def test_a_span_is_read_by_its_end(phrase: str, end: list[str]) -> None:
    """The deadline keeps its words; the parser reads a span by its end (one reading of spans, the parser's)."""
    a = one(f"1. Rà soát thủ tục hành chính. Đơn vị chủ trì: Sở Tư pháp. Thời gian thực hiện: {phrase}.\n")
    assert a["deadline_text"] == phrase
    assert (a["reading"]["kind"], a["reading"]["dates"]) == ("once", end)  # type: ignore[index]


def test_a_yearly_cycle_over_a_span_stays_a_cycle() -> None:
    a = one("1. Tổng kết thực hiện. Đơn vị chủ trì: Sở Tư pháp. Thời gian thực hiện: Hằng năm (từ năm 2023 đến năm 2030).\n")
    assert a["deadline_text"] == "Hằng năm (từ năm 2023 đến năm 2030)"
    assert a["reading"]["kind"] == "recurring"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        # The cycle and its day are written apart.
        (
            "định kỳ hàng năm tổng hợp, báo cáo UBND tỉnh (trước ngày 15/12); đồng thời",
            ["định kỳ hàng năm tổng hợp, báo cáo UBND tỉnh (trước ngày 15/12"],
        ),
        ("gửi số liệu về Sở Tài chính trước ngày 25/10 hàng năm để tổng hợp", ["trước ngày 25/10 hàng năm"]),
    ],
)
def test_a_cycle_and_its_day_written_apart_make_one_phrase(text: str, phrases: list[str]) -> None:
    assert deadline_phrases(text) == phrases


def test_yearly_report_with_its_day_reads_as_a_yearly_cycle() -> None:
    a = one("1. Sở Kế hoạch và Đầu tư theo dõi; định kỳ hàng năm tổng hợp, báo cáo UBND tỉnh (trước ngày 15/12).\n")
    assert a["reading"]["kind"] == "recurring"  # type: ignore[index]
    assert a["reading"]["dates"][0] == "2023-12-14"  # type: ignore[index]
    assert not any("lịch báo cáo" in f for f in a["flags"])  # type: ignore[attr-defined]


def test_a_heading_that_says_who_leads_and_who_helps() -> None:
    d = draft(
        HEADER
        + "4. Quản lý nhà nước\n\na) Sở Nội vụ chủ trì, phối hợp với các sở, ngành:\n\n"
        + "- Rà soát bộ máy.\n\n"
        + "2. Đổi mới cơ chế\n\nCác sở, ban, ngành, địa phương:\n\na) Rà soát chính sách hỗ trợ.\n"
        + FOOTER
    )
    assert [(a.clause, a.lead_text) for a in d.assignments] == [
        ("4.a", "Sở Nội vụ"),
        ("2.a", "Các sở, ban, ngành, địa phương"),
    ]


def test_issue_date_from_the_appendix_title_when_the_date_line_is_missing() -> None:
    text = (
        "Số: 45/KH-UBND\n\nKẾ HOẠCH\n\nHỖ TRỢ VIỆC LÀM NĂM 2024\n\n"
        "V. TỔ CHỨC THỰC HIỆN\n\n1 . Sở Lao động - Thương binh và Xã hội\n\n"
        "- Định kỳ hằng năm (trước ngày 15/12) gửi báo cáo về Ủy ban nhân dân tỉnh.\n\n"
        "PHỤ LỤC:\n\n(Kèm theo Kế hoạch số: 45/KH-UBND ngày 19/6/2023 của UBND tỉnh)\n"
    )
    d = draft(text, province=None)
    assert d.header.issued == "2023-06-19"
    [a] = d.assignments
    assert (a.clause, a.lead_text) == ("V.1", "Sở Lao động - Thương binh và Xã hội")
    assert a.reading["dates"][0] == "2023-12-14"


def test_a_heading_lead_is_not_replaced_by_a_name_in_its_text() -> None:
    d = draft(
        HEADER
        + "16. Đề nghị Uỷ ban Mặt trận Tổ quốc tỉnh\n\n"
        + "- Mặt trận Tổ quốc tỉnh vận động hội viên tham gia.\n"
        + FOOTER,
        province=None,
    )
    assert d.assignments[0].lead_text == "Uỷ ban Mặt trận Tổ quốc tỉnh"


def test_an_appendix_row_that_repeats_a_body_item_is_linked_to_it() -> None:
    body = "1. Văn phòng UBND tỉnh\n\na) Rà soát, kiến nghị đơn giản hóa thủ tục hành chính nội bộ, hoàn thành trong Quý III/2024.\n"
    table = (
        "Phụ lục\n\n"
        "STT\tNhiệm vụ\tKết quả/Sản phẩm\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
        "1\tRà soát, kiến nghị đơn giản hóa thủ tục hành chính nội bộ\tKế hoạch rà soát\tTrung tâm Phục vụ hành chính công\t\tQuý III/2024\n"
        "2\tCông khai kết quả rà soát thủ tục hành chính\tQuyết định\tTrung tâm Phục vụ hành chính công\t\tTrước ngày 14/3/2024\n"
    )
    d = draft(HEADER + body + FOOTER + table)
    repeats = {a.clause: a.repeats for a in d.assignments}
    assert repeats == {"1.a": None, "PL 1": "1.a", "PL 2": None}
    assert "repeats: 1.a" in d.to_yaml()
    assert any(f.field == "PL 1: repeats" for f in d.review)


@pytest.mark.parametrize(
    ("sentence", "lead_text", "lead", "co_agencies_text", "co_agencies"),
    [
        # Lai Châu KH 2268/KH-UBND (2023), IV: "giúp" after the co-agency is work, not part of its name.
        (
            "Công an tỉnh chủ trì, phối hợp Văn phòng UBND tỉnh giúp Chủ tịch UBND tỉnh chỉ đạo, hướng dẫn, đôn đốc, "
            "kiểm tra việc triển khai thực hiện Kế hoạch này.",
            "Công an tỉnh",
            ["dn-cong-an-tinh"],
            "Văn phòng UBND tỉnh",
            ["dn-vp-ubnd"],
        ),
        # Ninh Thuận QĐ 335/QĐ-UBND (2023): "Giao X chủ trì, phối hợp với Y thường xuyên theo dõi …".
        (
            "Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Văn phòng UBND tỉnh thường xuyên theo dõi, đôn đốc, "
            "kiểm tra các sở, ban, ngành, UBND các huyện, thành phố trong quá trình tổ chức thực hiện.",
            "Sở Kế hoạch và Đầu tư",
            ["dn-so-ke-hoach-dau-tu"],
            "Văn phòng UBND tỉnh",
            ["dn-vp-ubnd"],
        ),
        # Bình Thuận KH 2198/KH-UBND (2023): the verb right after "chủ trì," is not a co-agency.
        (
            "Giao Sở Thông tin và Truyền thông chủ trì, thông tin tuyên truyền Kế hoạch này.",
            "Sở Thông tin và Truyền thông",
            ["dn-so-thong-tin-truyen-thong"],
            None,
            [],
        ),
        # Bắc Giang KH 109/KH-UBND (2023): "Giao X là cơ quan Thường trực giúp …".
        (
            "Giao Công an tỉnh là cơ quan Thường trực giúp UBND tỉnh theo dõi, hướng dẫn, kiểm tra, đôn đốc thực hiện Kế hoạch này.",
            "Công an tỉnh",
            ["dn-cong-an-tinh"],
            None,
            [],
        ),
        # Nam Định KH 98/KH-UBND (2023), 4: "X phối hợp với Y và các cơ quan liên quan tham mưu …".
        (
            "Sở Tài chính phối hợp với Sở Giao thông vận tải và các cơ quan liên quan tham mưu UBND tỉnh bố trí kinh phí thường xuyên.",
            "Sở Tài chính",
            ["dn-so-tai-chinh"],
            "Sở Giao thông vận tải",
            ["dn-so-giao-thong-van-tai"],
        ),
        # Đồng Nai CV 11677/UBND-HCC (2023), 2.b: "Giao X theo dõi, đôn đốc …".
        (
            "Giao Công an tỉnh theo dõi, đôn đốc và tổng hợp kết quả báo cáo của các đơn vị.",
            "Công an tỉnh",
            ["dn-cong-an-tinh"],
            None,
            [],
        ),
        # Hải Dương (huyện Tứ Kỳ), on payments for administrative procedures: "Yêu cầu X phối hợp và tổ chức …".
        (
            "Yêu cầu UBND các xã, phường, thị trấn phối hợp và tổ chức thực hiện.",
            "UBND các xã, phường, thị trấn",
            ["dn-g-xa"],
            None,
            [],
        ),
        # The same real sentences with the wordings "Giao cho …" and "Yêu cầu Giám đốc …" (a lead after a
        # verb of assignment, and an item that opens with "Yêu cầu" but is not the requirements section).
        (
            "Giao cho Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Văn phòng UBND tỉnh thường xuyên theo dõi, đôn đốc.",
            "Sở Kế hoạch và Đầu tư",
            ["dn-so-ke-hoach-dau-tu"],
            "Văn phòng UBND tỉnh",
            ["dn-vp-ubnd"],
        ),
        (
            "Yêu cầu Giám đốc Sở Tài chính phối hợp với Sở Giao thông vận tải tham mưu UBND tỉnh bố trí kinh phí.",
            "Giám đốc Sở Tài chính",
            ["dn-so-tai-chinh"],
            "Sở Giao thông vận tải",
            ["dn-so-giao-thong-van-tai"],
        ),
    ],
)
def test_a_lead_with_its_verb_resolves_to_the_agency(
    sentence: str, lead_text: str, lead: list[str], co_agencies_text: str | None, co_agencies: list[str]
) -> None:
    a = one(f"3. {sentence}\n")
    assert (a["clause"], a["lead_text"], a["lead"]) == ("3", lead_text, lead)
    assert (a["co_agencies_text"], a["co_agencies"]) == (co_agencies_text, co_agencies)
    assert not [f for f in a["flags"] if f.startswith(("Cơ quan chủ trì", "Cơ quan phối hợp"))]


@pytest.mark.parametrize(
    ("written", "names"),
    [
        ("Sở Tư pháp, Sở Thông tin và Truyền thông tuyên truyền pháp luật", "Sở Tư pháp, Sở Thông tin và Truyền thông"),
        ("Văn phòng UBND tỉnh giúp Chủ tịch UBND tỉnh chỉ đạo", "Văn phòng UBND tỉnh"),
        ("Sở Nội vụ thanh tra công vụ", "Sở Nội vụ"),
        # A list that goes on with a collective is kept whole: the reviewer sees all of it.
        ("Sở Tư pháp và các cơ quan liên quan", "Sở Tư pháp và các cơ quan liên quan"),
        ("Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("các cơ quan, đơn vị có liên quan", "các cơ quan, đơn vị có liên quan"),
    ],
)
def test_co_agencies_stop_where_the_work_begins(written: str, names: str) -> None:
    resolver = NameResolver(records_from_registry(REGISTRIES["dong-nai"]), {"dong-nai": "Đồng Nai"})

    assert names_before_work(written, lambda text: bool(resolver.lookup(text)) or resolver.knows(text)) == names


# Kon Tum QĐ 435/QĐ-UBND (04/5/2020) as its text export prints it: the decision adopts a programme that
# follows the signature; markers stand alone ("1.4.") or are glued to their heading ("2. … 2.1.").
DECISION = """ỦY BAN NHÂN DÂN TỈNH KON TUM
Số: 435/QĐ-UBND Kon Tum, ngày 04 tháng 5 năm 2020 QUYẾT ĐỊNH V/V BAN HÀNH CHƯƠNG TRÌNH HÀNH ĐỘNG
Điều 1.
Ban hành kèm theo Quyết định này Chương trình hành động của Ủy ban nhân dân tỉnh.
Điều 2.
Giám đốc Sở Lao động - Thương binh và Xã hội; Thủ trưởng các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như điều 2;
- Lưu VT, KGVX2.
TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Hữu Tháp CHƯƠNG TRÌNH HÀNH ĐỘNG (Ban hành kèm theo Quyết định số 435/QĐ-UBND, ngày 04 tháng 5 năm 2020 của Ủy ban nhân dân tỉnh Kon Tum)
I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của cấp ủy, chính quyền về xây dựng quan hệ lao động hài hoà, ổn định và tiến bộ trong tình hình mới.
II. NỘI DUNG HOẠT ĐỘNG
2. Nâng cao năng lực, hiệu quả quản lý nhà nước về quan hệ lao động 2.1.
Rà soát, kiến nghị cấp có thẩm quyền sửa đổi, bổ sung, hoàn thiện các cơ chế, các thiết chế, quy trình, thủ tục giải quyết tranh chấp lao động và đình công.
- Cơ quan thực hiện: Sở Lao động - Thương binh và xã hội chủ trì, phối hợp với Liên đoàn Lao động tỉnh; các sở, ngành có liên quan.
- Thời gian thực hiện: Hoàn thành trong quý III/2020.
2.2.
Tăng cường kiểm tra, thanh tra chấp hành pháp luật về lao động, công đoàn trong các doanh nghiệp trên địa bàn.
- Cơ quan thực hiện: Sở Thông tin và Truyền thông đôn đốc, hướng dẫn các đơn vị, địa phương triển khai thực hiện.
- Thời gian thực hiện: Thực hiện thường xuyên hằng năm.
III. TỔ CHỨC THỰC HIỆN 1.
Đề nghị Liên đoàn Lao động tỉnh: Chỉ đạo các cấp công đoàn chủ động phối hợp với cơ quan, tổ chức liên quan tiếp tục triển khai có hiệu quả các chính sách chăm lo đời sống vật chất, tinh thần cho người lao động.
2.
Trong quá trình tổ chức thực hiện, nếu có vướng mắc cần sửa đổi, bổ sung đề nghị các đơn vị, địa phương có báo cáo về Sở Lao động - Thương binh và Xã hội để tổng hợp đề xuất Ủy ban nhân dân tỉnh xem xét, điều chỉnh phù hợp./.
"""


def test_a_programme_issued_with_a_decision_is_read_after_the_signature() -> None:
    d = draft(DECISION, province=None)
    got = {a.clause: (a.lead_text, a.reading["kind"], a.reading["dates"][:1]) for a in d.assignments}
    assert got == {
        "II.2.1": ("Sở Lao động - Thương binh và xã hội", "once", ["2020-09-30"]),
        "II.2.2": ("Sở Thông tin và Truyền thông", "ongoing", []),
        "III.1": ("Liên đoàn Lao động tỉnh", "ongoing", []),
    }
    assert d.assignments[0].co_agencies_text == "Liên đoàn Lao động tỉnh"  # the list stops at ";", the rest is generic
    assert (d.header.number, d.header.issued) == ("435/QĐ-UBND", "2020-05-04")


@pytest.mark.parametrize(
    ("lines", "texts"),
    [
        # A marker on a line of its own belongs to the text that follows.
        (["1.4.", "Xây dựng kế hoạch và triển khai có hiệu quả."], ["1.4. Xây dựng kế hoạch và triển khai có hiệu quả."]),
        # A heading glued to its first sub-item's marker is two lines.
        (
            ["2. Nâng cao năng lực, hiệu quả quản lý nhà nước về quan hệ lao động 2.1.", "Rà soát, kiến nghị cấp có thẩm quyền."],
            ["2. Nâng cao năng lực, hiệu quả quản lý nhà nước về quan hệ lao động", "2.1. Rà soát, kiến nghị cấp có thẩm quyền."],
        ),
        (
            ["3. Giải quyết tốt tranh chấp lao động và đình công 3.1. Rà soát, kiện toàn các thiết chế."],
            ["3. Giải quyết tốt tranh chấp lao động và đình công", "3.1. Rà soát, kiện toàn các thiết chế."],
        ),
        (
            ["III. TỔ CHỨC THỰC HIỆN 1.", "Các sở, ban, ngành triển khai."],
            ["III. TỔ CHỨC THỰC HIỆN", "1. Các sở, ban, ngành triển khai."],
        ),
        # Another number inside the text is not a marker.
        (["2. Thực hiện theo Kế hoạch số 1.1 của tỉnh và mục 2.3."], ["2. Thực hiện theo Kế hoạch số 1.1 của tỉnh và mục 2.3."]),
    ],
)
def test_markers_the_export_put_apart_or_together(lines: list[str], texts: list[str]) -> None:
    assert [b.text for b in to_blocks(split_text("\n".join(lines)))] == texts


# Công điện 103/CĐ-TTg (30/6/2025): ministries, the provinces and a Deputy Prime Minister are given work.
@pytest.mark.parametrize(
    ("body", "clause", "lead_text"),
    [
        (
            "1. Về thể chế, cơ chế chính sách\n\nb) Bộ Khoa học và Công nghệ: Chủ trì, phối hợp với các cơ quan liên quan xây dựng, "
            "ban hành Khung Kiến trúc tổng thể quốc gia số, hoàn thành trong tháng 8 năm 2025.\n",
            "1.b",
            "Bộ Khoa học và Công nghệ",
        ),
        (
            "4. Về nguồn lực\n\na) Bộ Tài chính chủ trì, phối hợp với Bộ Công an, Bộ Khoa học và Công nghệ và các bộ, ngành, địa phương "
            "có liên quan bảo đảm bố trí đủ nguồn lực tài chính để đầu tư, nâng cấp các cơ sở dữ liệu quốc gia.\n",
            "4.a",
            "Bộ Tài chính",
        ),
        (
            "3. Về Dữ liệu\n\na) Bộ Công an đôn đốc các bộ, ngành, địa phương khẩn trương xây dựng, hoàn thiện các cơ sở dữ liệu quốc gia.\n",
            "3.a",
            "Bộ Công an",
        ),
        (
            "5. Giao Phó Thủ tướng Chính phủ Nguyễn Chí Dũng trực tiếp chỉ đạo thực hiện các nội dung nêu trong Công điện này.\n",
            "5",
            "Phó Thủ tướng Chính phủ Nguyễn Chí Dũng",
        ),
    ],
)
def test_ministries_and_a_deputy_prime_minister_lead(body: str, clause: str, lead_text: str) -> None:
    d = draft(HEADER + body + FOOTER, province=None)
    assert [(a.clause, a.lead_text) for a in d.assignments] == [(clause, lead_text)]


def test_a_measure_of_the_ministry_is_not_a_lead() -> None:
    d = draft(HEADER + "2. Bộ tiêu chí đánh giá chuyển đổi số cấp tỉnh được áp dụng từ năm 2025.\n" + FOOTER, province=None)
    assert d.assignments == ()


def test_bullets_with_times_of_their_own_under_a_lead_heading_are_tasks_each() -> None:
    # Công điện 103/CĐ-TTg, 1.a: the heading names the lead, each bullet is work with its own time.
    d = draft(
        HEADER
        + "1. Về thể chế, cơ chế chính sách\n\na) Bộ Công an:\n\n"
        + "- Khẩn trương xây dựng, trình Chính phủ ban hành các Nghị định quy định chi tiết một số điều và biện pháp thi hành "
        + "Luật Bảo vệ dữ liệu cá nhân;\n\n"
        + "- Phối hợp với Bộ Khoa học và Công nghệ rà soát, nghiên cứu xây dựng Quy định về kết nối, chia sẻ dữ liệu bắt buộc, "
        + "hoàn thành trong tháng 8 năm 2025;\n\n"
        + "- Chủ trì xây dựng và trình cấp có thẩm quyền ban hành các Nghị định, Thông tư hướng dẫn về Kiến trúc dữ liệu quốc gia "
        + "tổng thể, hoàn thành trong tháng 8 năm 2025.\n"
        + FOOTER,
        province=None,
    )
    got = [(a.clause, a.lead_text, a.reading["kind"], a.reading["dates"][:1]) for a in d.assignments]
    assert got == [
        ("1.a (1)", "Bộ Công an", "ongoing", []),
        ("1.a (2)", "Bộ Công an", "once", ["2025-08-31"]),
        ("1.a (3)", "Bộ Công an", "once", ["2025-08-31"]),
    ]


def test_bullets_without_times_under_a_lead_heading_stay_one_task() -> None:
    # KH 5301/KH-UBND (Lâm Đồng, 2023), III.3.b: three kinds of work, no time of their own.
    d = draft(
        HEADER
        + "3. Đổi mới, nâng cao chất lượng, hiệu quả hoạt động của các tổ chức kinh tế tập thể:\n\n"
        + "b) Các Sở, ban, ngành, địa phương:\n\n"
        + "- Xây dựng và phát triển các mô hình liên kết giữa tổ chức kinh tế tập thể với các tổ chức thuộc thành phần kinh tế khác;\n\n"
        + "- Xây dựng mô hình hợp tác xã gắn với chuỗi giá trị, gắn với sản phẩm chủ lực địa phương;\n\n"
        + "- Khuyến khích các tổ chức kinh tế tập thể mở rộng thành viên.\n"
        + FOOTER,
        province=None,
    )
    assert [(a.clause, a.lead_text, a.reading["kind"]) for a in d.assignments] == [("3.b", "Các Sở, ban, ngành, địa phương", "ongoing")]


@pytest.mark.parametrize(
    ("body", "lead_text"),
    [
        # Công điện 103/CĐ-TTg, 3.d: the name ends with the list of its members, the work follows.
        (
            "3. Về Dữ liệu\n\nd) Các tập đoàn, công ty công nghệ (VNPT, Viettel, FPT, Mobifone, TecaPro, CMC, GTel...) hỗ trợ các bộ, "
            "ngành, địa phương trong việc nâng cấp, chỉnh sửa các hệ thống thông tin, hoàn thành trước tháng 9 năm 2025.\n",
            "Các tập đoàn, công ty công nghệ (VNPT, Viettel, FPT, Mobifone, TecaPro, CMC, GTel...)",
        ),
        # A parenthesis that is not a list of members stays inside the name.
        (
            "3. Về Dữ liệu\n\nd) UBND các huyện (thành phố) có liên quan triển khai kết nối cơ sở dữ liệu.\n",
            "UBND các huyện (thành phố) có liên quan",
        ),
    ],
)
def test_a_name_ends_with_the_list_of_its_members(body: str, lead_text: str) -> None:
    d = draft(HEADER + body + FOOTER, province=None)
    assert [a.lead_text for a in d.assignments] == [lead_text]


def test_a_cong_dien_header_number_and_place_on_one_line_and_its_addressees() -> None:
    # Công điện 100/CĐ-TTg (29/6/2025): "Số: … Hà Nội, ngày …" on one line, addressees after "… điện:".
    header = (
        "THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Số: 100/CĐ-TTg Hà Nội, ngày 29 tháng 6 năm 2025\n\nCÔNG ĐIỆN\n"
        "Về vụ cháy tại thôn Ao, xã Minh Hải, huyện Văn Lâm, tỉnh Hưng Yên\n\nTHỦ TƯỚNG CHÍNH PHỦ điện:\n\n"
        "- Bộ trưởng các Bộ: Công an, Y tế;\n- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.\n\n"
        "Khoảng 13 giờ 45 phút ngày 28 tháng 6 năm 2025, xảy ra vụ cháy xưởng phế liệu.\n"
    )
    h = parse_header(to_blocks(split_text(header)))
    assert (h.number, h.kind, h.place, h.issued) == ("100/CĐ-TTg", "cong_dien", "Hà Nội", "2025-06-29")
    assert h.title == "Về vụ cháy tại thôn Ao, xã Minh Hải, huyện Văn Lâm, tỉnh Hưng Yên"
    assert h.addressees == ("Bộ trưởng các Bộ: Công an, Y tế", "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương")


# Nghị quyết 175/NQ-CP (30/10/2023) as the official gazette prints it (CÔNG BÁO số 1091 + 1092): a running head
# on every page, an appendix task table on landscape pages, duties under "Trách nhiệm của …" headings.


def test_the_gazette_running_head_and_page_numbers_are_dropped() -> None:
    def page(no: int, *lines: str) -> list[RawLine]:
        return [RawLine(no * 10 + i, text) for i, text in enumerate(lines)]

    pages = [
        page(1, "CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023 45", "VĂN BẢN PHÁP LUẬT KHÁC", "Số: 175/NQ-CP Hà Nội, ngày 30 tháng 10 năm 2023"),
        page(2, "46 CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023", "d) Kết nối Nền tảng tích hợp, chia sẻ dữ liệu.", "74"),
        page(3, "CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023 47", "đ) Tuân thủ các quy định của pháp luật.", "CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023 47"),
        page(4, "68 CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023", "e) Căn cứ chức năng, nhiệm vụ tiến hành rà soát."),
        page(5, "CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023 49", "3. Trách nhiệm của Bộ Công an"),
        page(6, "50 CÔNG BÁO/Số 1091 + 1092/Ngày 03-11-2023", "a) Chủ trì, phối hợp với Văn phòng Chính phủ."),
    ]
    pages[1].insert(2, RawLine(99, "STT | Đơn vị chủ trì | Nhiệm vụ", ("STT", "Đơn vị chủ trì", "Nhiệm vụ")))
    kept = drop_page_furniture(pages)
    assert [line.text for line in kept if line.cells is None] == [
        "VĂN BẢN PHÁP LUẬT KHÁC",
        "Số: 175/NQ-CP Hà Nội, ngày 30 tháng 10 năm 2023",
        "d) Kết nối Nền tảng tích hợp, chia sẻ dữ liệu.",
        "đ) Tuân thủ các quy định của pháp luật.",
        "e) Căn cứ chức năng, nhiệm vụ tiến hành rà soát.",
        "3. Trách nhiệm của Bộ Công an",
        "a) Chủ trì, phối hợp với Văn phòng Chính phủ.",
    ]
    assert [line.no for line in kept][:2] == [11, 12]  # line numbers stay those of the pages
    assert any(line.cells for line in kept)  # a table row is never furniture
    # Two pages are not enough to call a line furniture.
    assert len(drop_page_furniture(pages[:2])) == len(pages[0]) + len(pages[1]) - 1  # only the bare page number goes


def _pdf_page(lines: list[tuple[str, int, int]], matrix: tuple[int, int, int, int]) -> bytes:
    """A one-page PDF whose text lines are drawn with ``matrix`` (Helvetica, so ASCII text only)."""
    a, b, c, d = matrix
    ops = " ".join(f"{a * 12} {b * 12} {c * 12} {d * 12} {x} {y} Tm ({text}) Tj" for text, x, y in lines)
    content = f"BT /F1 1 Tf {ops} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.mark.parametrize(
    ("matrix", "lines"),
    [
        # text running up the sheet (NQ 175's appendix table pages): the page is read turned 90° clockwise
        ((0, 1, -1, 0), [("II. NHIEM VU CU THE", 100, 100), ("1. Bo Cong an chu tri.", 130, 100)]),
        # text running down the sheet: turned 270°
        ((0, -1, 1, 0), [("II. NHIEM VU CU THE", 500, 700), ("1. Bo Cong an chu tri.", 470, 700)]),
        # upright text is read as it is
        ((1, 0, 0, 1), [("II. NHIEM VU CU THE", 72, 700), ("1. Bo Cong an chu tri.", 72, 680)]),
    ],
)
def test_a_landscape_page_printed_sideways_is_read_turned_upright(
    tmp_path: Path, matrix: tuple[int, int, int, int], lines: list[tuple[str, int, int]]
) -> None:
    path = tmp_path / "page.pdf"
    path.write_bytes(_pdf_page(lines, matrix))
    assert [b.text for b in read_document(path).blocks] == ["II. NHIEM VU CU THE", "1. Bo Cong an chu tri."]


RESOLUTION = """CHÍNH PHỦ
CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 175/NQ-CP Hà Nội, ngày 30 tháng 10 năm 2023
NGHỊ QUYẾT
Phê duyệt Đề án Trung tâm dữ liệu quốc gia
CHÍNH PHỦ
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
QUYẾT NGHỊ:
Điều 1. Phê duyệt Đề án Trung tâm dữ liệu quốc gia (sau đây gọi tắt là Đề án), với các nội dung chính như sau:
II. VỊ TRÍ, VAI TRÒ CỦA TRUNG TÂM DỮ LIỆU QUỐC GIA
1. Vị trí
Trung tâm dữ liệu quốc gia là trung tâm dữ liệu do Chính phủ xây dựng, quản lý, khai thác và vận hành.
V. NHIỆM VỤ
1. Về xây dựng và hoàn thiện cơ sở pháp lý
a) Rà soát văn bản pháp luật
- Đơn vị chủ trì: Bộ Công an.
- Thời gian thực hiện: Trong năm 2023, 2024.
VI. GIẢI PHÁP
5. Giải pháp về bảo đảm kết nối mạng truyền dẫn thông suốt giữa Trung tâm dữ liệu quốc gia và các bộ, ngành và địa phương
Căn cứ hiện trạng và nhu cầu kết nối của các đơn vị, việc kết nối giữa Trung tâm dữ liệu quốc gia và các bộ, ngành và địa phương có thể được linh hoạt triển khai trên:
- Hạ tầng mạng Internet của Trung tâm dữ liệu quốc gia.
VII. CÁC GIAI ĐOẠN THỰC HIỆN
1. Giai đoạn 1 từ năm 2023 đến hết năm 2025 (Giai đoạn xây dựng cơ sở)
d) Phát triển các cơ sở dữ liệu bao gồm 03 đối tượng thực hiện:
- Trung tâm dữ liệu quốc gia thực hiện giai đoạn đầu phát triển kho dữ liệu tổng hợp, kho dữ liệu về con người.
- Các bộ, ngành, địa phương: chuẩn hóa dữ liệu theo các hướng dẫn của Bộ Công an (Trung tâm dữ liệu quốc gia).
- Các tổ chức chính trị - xã hội triển khai các cơ sở dữ liệu của đơn vị tại Trung tâm dữ liệu quốc gia.
đ) Cung cấp dịch vụ
- Từ Quý III năm 2025, Trung tâm dữ liệu quốc gia bắt đầu thực hiện: (1) Cung cấp hạ tầng công nghệ thông tin cho các cơ sở dữ liệu quốc gia.
- Các bộ quản lý cơ sở dữ liệu quốc gia, cơ quan khối Đảng, Quốc hội, tổ chức chính trị - xã hội thực hiện: (1) Phối hợp với Trung tâm dữ liệu quốc gia xây dựng phương án di chuyển hệ thống (hoàn thành trong Quý IV năm 2025).
2. Giai đoạn 2 từ năm 2026 đến hết năm 2028 (Giai đoạn mở rộng)
đ) Cung cấp dịch vụ:
- Trung tâm dữ liệu quốc gia thực hiện: (1) Mở rộng cung cấp dịch vụ hạ tầng nhà trạm cho các bộ, ngành, địa phương có nhu cầu.
- Các bộ, ban, ngành, địa phương, tổ chức chính trị - xã hội tùy theo nhu cầu và điều kiện phát triển thực hiện tăng cường và mở rộng phạm vi sử dụng các dịch vụ của Trung tâm dữ liệu quốc gia cung cấp.
Điều 2. Tổ chức thực hiện
1. Trách nhiệm Tổ công tác triển khai Đề án 06:
a) Chỉ đạo tổ chức xây dựng, triển khai thực hiện Đề án Trung tâm dữ liệu quốc gia và các Dự án thành phần của Đề án.
2. Trách nhiệm của các bộ, cơ quan ngang bộ, cơ quan trực thuộc Chính phủ;
Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương
c) Tổ chức tổng kết, đánh giá hàng năm và theo hoạt động của Đề án trong phạm vi bộ, ngành, địa phương.
g) Ủy ban nhân dân các tỉnh, thành phố Hà Nội, Hồ Chí Minh, Hòa Bình, Cần Thơ, Lâm Đồng và các địa phương có liên quan phối hợp Bộ Công an trong quá trình giới thiệu, cung cấp đất và triển khai Trung tâm dữ liệu quốc gia.
3. Trách nhiệm của Bộ Công an
h) Bộ trưởng Bộ Công an quy định cụ thể chức năng, nhiệm vụ, quyền hạn, tổ chức bộ máy Trung tâm dữ liệu quốc gia.
Điều 3. Hiệu lực và trách nhiệm thi hành
1. Nghị quyết này có hiệu lực thi hành kể từ ngày ký ban hành.
2. Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Nghị quyết này./.
TM. CHÍNH PHỦ
KT. THỦ TƯỚNG
PHÓ THỦ TƯỚNG
Trần Lưu Quang
Phụ lục I
NHIỆM VỤ CỦA CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG
TRONG TRIỂN KHAI ĐỀ ÁN TRUNG TÂM DỮ LIỆU QUỐC GIA
(Kèm theo Nghị quyết số 175/NQ-CP ngày 30 tháng 10 năm 2023 của Chính phủ)
I. NHIỆM VỤ CHUNG
3. Kết nối Nền tảng tích hợp, chia sẻ dữ liệu của Trung tâm dữ liệu quốc gia (Quý III/2025).
4. Phối hợp với Trung tâm dữ liệu quốc gia xây dựng phương án đồng bộ dữ liệu con người theo phạm vi quản lý về Trung tâm dữ liệu quốc gia (theo lộ trình do Bộ Công an đề xuất).
7. Đối với các đơn vị đã xây dựng cơ sở dữ liệu quốc gia: Tiếp tục hoàn thiện hệ thống và tiến hành chuyển hệ thống về Trung tâm dữ liệu quốc gia trong Quý II/2025.
10. Trong quá trình triển khai thực hiện Đề án, nếu có khó khăn, vướng mắc, các bộ, ngành, địa phương có trách nhiệm gửi báo cáo đến Bộ Công an để tổng hợp (thường xuyên).
II. NHIỆM VỤ CỤ THỂ
| STT | Đơn vị | Nhiệm vụ chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |
| 1 | Bộ Thông tin và Truyền thông | Tham mưu Chính phủ ban hành Nghị định quy định danh mục cơ sở dữ liệu quốc gia | (1) Bộ Tư pháp (2) Văn phòng Chính phủ (3) Bộ Công an | Quý IV/2023 |
|  |  | Ban hành hoặc trình cấp có thẩm quyền ban hành Khung kiến trúc Chính phủ điện tử 3.0 | Văn phòng Chính phủ | Quý IV/2023 |
| STT | Đơn vị | Nhiệm vụ chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |
|  |  | Xây dựng, ban hành quy định về quy chuẩn, tiêu chuẩn của Trung tâm dữ liệu | (1) Bộ Khoa học và Công nghệ (2) Bộ Công an | Trước năm 2025 |
| 2 | Bộ Công an | Thành lập đơn vị cấp Cục có chức năng nhiệm vụ được nêu trong Đề án |  | Trong năm 2024 |
| 11 | Bộ Tài nguyên và Môi trường | Đánh giá tác động môi trường trong quá trình xây dựng, vận hành Trung tâm dữ liệu quốc gia | Bộ Công an | Trong quá trình thực hiện Đề án |
Phụ lục III
VỊ TRÍ PHÁP LÝ, CHỨC NĂNG NHIỆM VỤ
CỦA TRUNG TÂM DỮ LIỆU QUỐC GIA
(Kèm theo Nghị quyết số 175/NQ-CP ngày 30 tháng 10 năm 2023 của Chính phủ)
III. NHIỆM VỤ
1. Quản trị dữ liệu, gồm: Chính sách; Quy hoạch; Chia sẻ, điều phối.
"""


def test_a_resolution_its_articles_phases_and_appendix() -> None:
    d = draft(RESOLUTION, province=None)
    h = d.header
    assert (h.number, h.kind, h.kind_text, h.issuer_text, h.issued) == ("175/NQ-CP", "nghi_quyet", "Nghị quyết", "Chính phủ", "2023-10-30")
    assert (h.title, h.signer) == ("Phê duyệt Đề án Trung tâm dữ liệu quốc gia", "Trần Lưu Quang")
    got = {a.clause: (a.lead_text, a.reading["kind"], a.reading["dates"][:1]) for a in d.assignments}
    assert got == {
        # "Trong năm 2023, 2024": due at the end of the later year
        "V.1.a": ("Bộ Công an", "once", ["2024-12-31"]),
        # bullets that open with a lead of their own are tasks each; without a time, due at the end of their phase
        "VII.1.d (1)": ("Trung tâm dữ liệu quốc gia", "once", ["2025-12-31"]),
        "VII.1.d (2)": ("Các bộ, ngành, địa phương", "once", ["2025-12-31"]),
        "VII.1.d (3)": ("Các tổ chức chính trị - xã hội", "once", ["2025-12-31"]),
        # the lead after an opening time; a start milestone written with a quarter
        "VII.1.đ (1)": ("Trung tâm dữ liệu quốc gia", "once", ["2025-07-01"]),
        "VII.1.đ (2)": ("Các bộ quản lý cơ sở dữ liệu quốc gia, cơ quan khối Đảng, Quốc hội, tổ chức chính trị - xã hội", "once", ["2025-12-31"]),
        "VII.2.đ (1)": ("Trung tâm dữ liệu quốc gia", "once", ["2028-12-31"]),
        "VII.2.đ (2)": ("Các bộ, ban, ngành, địa phương, tổ chức chính trị - xã hội", "once", ["2028-12-31"]),
        # "Trách nhiệm (của) X" headings, one over two lines; an item that opens with its own lead keeps it
        "Điều 2.1.a": ("Tổ công tác triển khai Đề án 06", "ongoing", []),
        "Điều 2.2.c": (
            "các bộ, cơ quan ngang bộ, cơ quan trực thuộc Chính phủ; Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
            "recurring",
            ["2023-12-15"],  # a yearly review without a day: the reporting calendar's day
        ),
        "Điều 2.2.g": (
            "Ủy ban nhân dân các tỉnh, thành phố Hà Nội, Hồ Chí Minh, Hòa Bình, Cần Thơ, Lâm Đồng và các địa phương có liên quan",
            "ongoing",
            [],
        ),
        "Điều 2.3.h": ("Bộ trưởng Bộ Công an", "ongoing", []),
        # the appendix whose title names whose tasks it lists; a time in brackets after the work
        "PL I.3": ("CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG", "once", ["2025-09-30"]),
        "PL I.4": ("CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG", "event", []),
        "PL I.7": ("các đơn vị đã xây dựng cơ sở dữ liệu quốc gia", "once", ["2025-06-30"]),
        # its table: the "Đơn vị / chủ trì" header the extractor split, a body's further rows, the section above
        "PL II.1": ("Bộ Thông tin và Truyền thông", "once", ["2023-12-31"]),
        "PL II.1 (2)": ("Bộ Thông tin và Truyền thông", "once", ["2023-12-31"]),
        "PL II.1 (3)": ("Bộ Thông tin và Truyền thông", "once", ["2024-12-31"]),
        "PL II.2": ("Bộ Công an", "once", ["2024-12-31"]),
        "PL II.11": ("Bộ Tài nguyên và Môi trường", "ongoing", []),
    }
    # not tasks: II (vị trí, vai trò), VI.5 (ways to connect), Điều 3.2 (who is bound), PL I.10 (whom to ask),
    # the table's section title, Phụ lục III (the centre's functions)


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        # NQ 175/NQ-CP (2023): a time in brackets after the work, a start written with a quarter, a yearly review
        ("Kết nối Nền tảng tích hợp, chia sẻ dữ liệu của Trung tâm dữ liệu quốc gia (Quý III/2025).", ["Quý III/2025"]),
        ("Phối hợp với Trung tâm dữ liệu quốc gia xây dựng phương án (theo lộ trình do Bộ Công an đề xuất).", ["theo lộ trình do Bộ Công an đề xuất"]),
        ("- Từ Quý III năm 2025, Trung tâm dữ liệu quốc gia bắt đầu thực hiện: (1) Cung cấp hạ tầng.", ["Từ Quý III năm 2025"]),
        ("c) Tổ chức tổng kết, đánh giá hàng năm và theo hoạt động của Đề án.", ["tổng kết, đánh giá hàng năm"]),
        (
            "b) Phối hợp với Bộ Công an thực hiện chuyển dịch hạ tầng lên Trung tâm dữ liệu quốc gia theo lộ trình sau khi Trung tâm này được hình thành.",
            ["theo lộ trình sau khi Trung tâm này được hình thành"],
        ),
        # KH 3473/KH-UBND (Lai Châu, 2025), IV.5: a yearly report with words between
        ("xây dựng và thực hiện kế hoạch giảm nhẹ phát thải, báo cáo mức giảm phát thải khí nhà kính cấp cơ sở hàng năm.", ["báo cáo mức giảm phát thải khí nhà kính cấp cơ sở hàng năm"]),
        # "hàng năm" of a noun sets no cycle; a bracket that is not a time is not one
        ("Bố trí kinh phí trong dự toán ngân sách hàng năm được cấp có thẩm quyền giao.", []),
        ("Tham mưu ưu tiên phân bổ bổ sung kinh phí (ngoài dự toán chi ngân sách đã cấp hàng năm).", []),
    ],
)
def test_deadline_phrases_of_a_resolution(text: str, phrases: list[str]) -> None:
    assert deadline_phrases(text) == phrases


def test_the_stages_of_one_task_are_due_at_the_last() -> None:
    # NQ 175/NQ-CP (2023), VII.2.c: one body's work in two stages, each a "+" line that opens with its years.
    body = (
        "VII. CÁC GIAI ĐOẠN THỰC HIỆN\n"
        "2. Giai đoạn 2 từ năm 2026 đến hết năm 2028 (Giai đoạn mở rộng)\n"
        "c) Xây dựng cơ sở vật chất kỹ thuật Trung tâm dữ liệu\n"
        "- Trung tâm dữ liệu quốc gia thực hiện:\n"
        "+ Trong năm 2026 - 2027: (1) Xây dựng và lắp đặt thiết bị, hệ thống tại Trung tâm dữ liệu quốc gia số 02.\n"
        "+ Trong năm 2028: triển khai và hoàn thành các thủ tục chuẩn bị đầu tư 02 Dự án và phấn đấu bắt đầu xây dựng "
        "Trung tâm dữ liệu quốc gia số 03 từ Quý I năm 2029.\n"
        "- Các bộ, ban, ngành, địa phương, tổ chức chính trị - xã hội thực hiện: (1) Đầu tư thiết bị, giải pháp và tích hợp "
        "vào các hệ thống hạ tầng kỹ thuật tại Trung tâm dữ liệu quốc gia.\n"
    )
    d = draft(HEADER + body + FOOTER, province=None)
    got = [(a.clause, a.lead_text, a.deadline_text, a.reading["dates"][:1]) for a in d.assignments]
    assert got == [
        ("VII.2.c (1)", "Trung tâm dữ liệu quốc gia", "Trong năm 2028", ["2028-12-31"]),
        ("VII.2.c (2)", "Các bộ, ban, ngành, địa phương, tổ chức chính trị - xã hội", "từ năm 2026 đến hết năm 2028", ["2028-12-31"]),
    ]
