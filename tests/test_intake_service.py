"""`dondoc draft` end to end on real file formats: DOCX made with python-docx, PDF made by LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dondoc.cli import app as dondoc_app
from dondoc.cli.intake import draft
from dondoc.errors import InputError
from dondoc.intake.service import draft_document, load_registries

REGISTRY = load_registries()
CONTRACT = {"clause", "lead_text", "lead", "co_agencies_text", "deadline_text", "reading", "report_to_text", "lines", "flags"}

# Wording from Đồng Tháp's letter implementing Chỉ thị 27/CT-TTg (2023), shortened.
PARAGRAPHS = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH ĐỒNG THÁP",
    "Số: 1234/UBND-HCC",
    "V/v triển khai thực hiện Chỉ thị số 27/CT-TTg ngày 27/10/2023 của Thủ tướng Chính phủ",
    "Đồng Tháp, ngày 15 tháng 11 năm 2023",
    "Kính gửi:",
    "- Các sở, Thanh tra Tỉnh, Ban Quản lý Khu kinh tế;",
    "- UBND các huyện, thành phố.",
    "Thực hiện Chỉ thị số 27/CT-TTg ngày 27/10/2023 của Thủ tướng Chính phủ, Chủ tịch UBND tỉnh yêu cầu:",
    "1. Sở Thông tin và Truyền thông",
    "a) Rà soát lại toàn bộ nội dung giao việc của UBND Tỉnh liên quan đến yêu cầu kết nối, chia sẻ dữ liệu, "
    "báo cáo UBND Tỉnh trước ngày 30/12/2023.",
    "2. Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp tham mưu UBND tỉnh sửa đổi quy chế, hoàn thành trong quý I/2024.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT, HCC.",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Huỳnh Minh Tuấn",
    "PHỤ LỤC",
]
TABLE = [
    ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
    ["1", "Công khai bộ thủ tục hành chính trên Cổng Dịch vụ công", "Văn phòng UBND tỉnh", "Sở Thông tin và Truyền thông", "Thường xuyên"],
]


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    table.style = "Table Grid"  # appendix tables are ruled; pdfplumber finds tables by their lines
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(str(path))
    return path


def check(result_json: str) -> dict[str, object]:
    data = json.loads(result_json)
    by_clause = {a["clause"]: a for a in data["assignments"]}
    assert set(by_clause) >= {"1.a", "2", "PL 1"}
    for a in data["assignments"]:
        assert CONTRACT <= set(a)
    assert by_clause["1.a"]["lead"] == ["dt-so-tt-tt"]
    assert by_clause["1.a"]["reading"]["dates"] == ["2023-12-29"]
    assert by_clause["2"]["lead"] == ["dt-so-noi-vu"]
    assert by_clause["2"]["co_agencies"] == ["dt-so-tu-phap"]
    assert by_clause["2"]["reading"]["dates"] == ["2024-03-31"]
    assert by_clause["PL 1"]["lead"] == ["dt-vp-ubnd"]
    assert by_clause["PL 1"]["reading"]["kind"] == "ongoing"
    assert (data["number"], data["province"], data["issued"], data["signer"]) == ("1234/UBND-HCC", "dong-thap", "2023-11-15", "Huỳnh Minh Tuấn")
    return data


def test_docx(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "cong-van.docx")
    result = draft_document(path, province=None, registry=REGISTRY)
    data = check(result.to_json())
    assert data["line_unit"] == "đoạn"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_made_by_libreoffice(tmp_path: Path) -> None:
    source = make_docx(tmp_path / "cong-van.docx")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = draft_document(tmp_path / "cong-van.pdf", province="dong-thap", registry=REGISTRY)
    check(result.to_json())


def test_plain_text_and_markdown_agree(tmp_path: Path) -> None:
    text = "\n\n".join(PARAGRAPHS) + "\n\n" + "\n".join("\t".join(row) for row in TABLE) + "\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    a = json.loads(draft_document(tmp_path / "a.txt", province=None, registry=REGISTRY).to_json())
    b = json.loads(draft_document(tmp_path / "a.md", province=None, registry=REGISTRY).to_json())
    assert a["assignments"] == b["assignments"]
    check(json.dumps(a))


def app() -> typer.Typer:
    application = typer.Typer()
    application.command()(draft)
    return application


def test_draft_is_a_dondoc_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(dondoc_app, ["draft", str(make_docx(tmp_path / "cong-van.docx")), "--format", "json"])
    assert result.exit_code == 0, result.output
    check(result.stdout)


def test_cli_writes_the_draft_atomically(tmp_path: Path) -> None:
    source = make_docx(tmp_path / "cong-van.docx")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app(), [str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "lead: dt-so-tt-tt" in text
    assert "# Cần xem lại" in text
    assert not (tmp_path / "draft.yaml.tmp").exists()
    as_json = CliRunner().invoke(app(), [str(source), "--format", "json"])
    check(as_json.stdout)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.doc", b"\xd0\xcf\x11\xe0", "chưa được hỗ trợ"),
        ("a.txt", b"", "không có chữ"),
        ("a.txt", "Kính gửi".encode("utf-16"), "UTF-8"),
        ("a.docx", b"not a zip", "không mở được tệp DOCX"),
        ("a.pdf", b"%PDF-1.4 broken", "PDF"),
    ],
)
def test_bad_files_give_one_clear_error_and_write_nothing(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        draft_document(path, province=None, registry=REGISTRY)
    assert str(path) in str(caught.value)
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app(), [str(path), "--out", str(out)])
    assert result.exit_code != 0
    assert not out.exists()


def test_unknown_province_is_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "cong-van.docx")
    with pytest.raises(InputError, match="--province ha-giang"):
        draft_document(path, province="ha-giang", registry=REGISTRY)


def dong_nai_text(date_line: str) -> str:
    """A Đồng Nai letter naming departments merged on 1/3/2025 and local units reorganised on 1/7/2025."""
    return "\n\n".join(
        [
            "ỦY BAN NHÂN DÂN",
            "TỈNH ĐỒNG NAI",
            "Số: 321/UBND-KTN",
            "V/v triển khai nhiệm vụ chuyển đổi số",
            date_line,
            "Kính gửi: Các sở, ban ngành tỉnh.",
            "Chủ tịch UBND tỉnh có ý kiến như sau:",
            "1. Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các cơ quan liên quan tham mưu UBND tỉnh bố trí vốn.",
            "2. Sở Nông nghiệp và Môi trường rà soát dữ liệu đất đai, báo cáo UBND tỉnh trước ngày 30/12.",
            "3. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ tổng hợp kết quả.",
            "4. UBND các xã, phường tuyên truyền cho người dân.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Võ Tấn Đức",
        ]
    )


@pytest.mark.parametrize(
    ("date_line", "on", "leads", "unresolved"),
    [
        # Before 1/3/2025 (NĐ 45/2025/NĐ-CP): Sở KH&ĐT exists; Sở NN&MT does not yet; communes have no group.
        (
            "Đồng Nai, ngày 02 tháng 11 năm 2023",
            "2023-11-02",
            {"1": ["dn-so-ke-hoach-dau-tu"], "3": ["dn-so-tai-chinh"]},
            {"2", "4"},
        ),
        # After 1/7/2025: Sở KH&ĐT is part of Sở Tài chính, Sở NN&MT leads, "UBND các xã, phường" is a group.
        (
            "Đồng Nai, ngày 15 tháng 8 năm 2025",
            "2025-08-15",
            {"2": ["dn-so-nong-nghiep-moi-truong"], "3": ["dn-so-tai-chinh"], "4": ["dn-g-xa-phuong"]},
            {"1"},
        ),
    ],
)
def test_names_resolve_against_the_registry_in_force_on_the_issue_date(
    tmp_path: Path, date_line: str, on: str, leads: dict[str, list[str]], unresolved: set[str]
) -> None:
    path = tmp_path / "cong-van.txt"
    path.write_text(dong_nai_text(date_line), encoding="utf-8")
    data = json.loads(draft_document(path, province=None, registry=REGISTRY).to_json())
    by_clause = {a["clause"]: a for a in data["assignments"]}
    assert (data["province"], data["registry_on"]) == ("dong-nai", on)
    assert {c: by_clause[c]["lead"] for c in leads} == leads
    assert {c for c, a in by_clause.items() if any("không có trong danh mục" in f for f in a["flags"])} == unresolved
    assert by_clause["3"]["co_agencies"] == ["dn-so-noi-vu"]


def test_a_former_department_points_to_the_one_that_took_its_work(tmp_path: Path) -> None:
    """Sở KH&ĐT merged into Sở Tài chính on 01/03/2025 (NĐ 45/2025/NĐ-CP, REFORM-2025.md §2.3)."""
    path = tmp_path / "cong-van.txt"
    path.write_text(dong_nai_text("Đồng Nai, ngày 15 tháng 8 năm 2025"), encoding="utf-8")
    a = {a["clause"]: a for a in json.loads(draft_document(path, province=None, registry=REGISTRY).to_json())["assignments"]}
    assert a["1"]["lead"] == []
    assert "'Sở Kế hoạch và Đầu tư' → có phải: Sở Tài chính?" in a["1"]["flags"][0]


def test_without_an_issue_date_every_period_is_used_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "cong-van.txt"
    path.write_text(dong_nai_text("Đồng Nai, ngày      tháng     năm"), encoding="utf-8")
    data = json.loads(draft_document(path, province="dong-nai", registry=REGISTRY).to_json())
    by_clause = {a["clause"]: a for a in data["assignments"]}
    assert data["registry_on"] is None
    assert by_clause["1"]["lead"] == ["dn-so-ke-hoach-dau-tu"]
    assert by_clause["2"]["lead"] == ["dn-so-nong-nghiep-moi-truong"]
    [flag] = [f for f in data["flags"] if f["field"] == "registry"]
    assert "01/03/2025" in flag["message"]
    assert "01/07/2025" in flag["message"]
