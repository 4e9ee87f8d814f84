"""Agency names as printed → registry codes: the resolver never guesses."""

from __future__ import annotations

import pytest

from dondoc.intake.names import AgencyRecord, NameResolver, fold, records_from_registry
from dondoc.intake.service import load_registries

RECORDS = [
    AgencyRecord("t-ubnd", "Ủy ban nhân dân tỉnh Thử Nghiệm", "thu-nghiem", "province_committee", "UBND tỉnh"),
    AgencyRecord("t-vp", "Văn phòng Ủy ban nhân dân tỉnh Thử Nghiệm", "thu-nghiem", "office", "Văn phòng UBND tỉnh"),
    AgencyRecord("t-khcn", "Sở Khoa học và Công nghệ", "thu-nghiem", "department", "Sở KH&CN"),
    AgencyRecord("t-vhttdl", "Sở Văn hóa, Thể thao và Du lịch", "thu-nghiem", "department"),
    AgencyRecord("t-tp", "Sở Tư pháp", "thu-nghiem", "department"),
    AgencyRecord("t-noivu", "Sở Nội vụ", "thu-nghiem", "department"),
    AgencyRecord("t-ca", "Công an tỉnh", "thu-nghiem", "police"),
    AgencyRecord("t-g-so", "Các sở, ban, ngành tỉnh", "thu-nghiem", "group", aliases=("các sở, ngành",)),
    AgencyRecord("t-g-huyen", "UBND các huyện, thành phố", "thu-nghiem", "group"),
    AgencyRecord(
        "t-g-so-huyen", "Các sở, ban, ngành tỉnh và UBND các huyện, thành phố", "thu-nghiem", "group",
        includes=("t-g-so", "t-g-huyen"),
    ),
]
RESOLVER = NameResolver(RECORDS, {"thu-nghiem": "Thử Nghiệm"})


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sở KH&CN", "so khoa hoc va cong nghe"),
        ("ỦY BAN NHÂN DÂN TỈNH", "uy ban nhan dan tinh"),
        ("UBND tỉnh", "uy ban nhan dan tinh"),
        ("Sở  Tư pháp;", "so tu phap"),
        ("Đồng Tháp", "dong thap"),
    ],
)
def test_fold_ignores_case_diacritics_and_abbreviations(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("written", "codes"),
    [
        ("Sở Khoa học và Công nghệ", ("t-khcn",)),
        ("Sở KH&CN", ("t-khcn",)),
        ("sở khoa học & công nghệ", ("t-khcn",)),
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", ("t-khcn",)),
        ("Ủy ban nhân dân tỉnh", ("t-ubnd",)),
        ("UBND tỉnh Thử Nghiệm", ("t-ubnd",)),
        ("Giám đốc Sở Tư pháp", ("t-tp",)),
        ("Lãnh đạo các sở, ban, ngành tỉnh", ("t-g-so",)),
        ("Sở Văn hóa, Thể thao và Du lịch", ("t-vhttdl",)),
    ],
)
def test_resolve_known_names(written: str, codes: tuple[str, ...]) -> None:
    assert RESOLVER.resolve(written).codes == codes


def test_unknown_name_stays_as_written_with_candidates() -> None:
    result = RESOLVER.resolve("Sở Nội vụ tỉnh Thử")
    assert not result.resolved
    assert result.written == "Sở Nội vụ tỉnh Thử"
    assert "Sở Nội vụ" in result.candidates


def test_a_name_nobody_resembles_has_no_candidates() -> None:
    result = RESOLVER.resolve("Ban Quản lý dự án đường sắt")
    assert result.codes == ()
    assert result.candidates == ()


@pytest.mark.parametrize(
    ("written", "codes", "unresolved"),
    [
        ("Sở Tư pháp, Sở Nội vụ", ["t-tp", "t-noivu"], []),
        ("Sở Tư pháp, Sở Văn hóa, Thể thao và Du lịch", ["t-tp", "t-vhttdl"], []),
        ("Sở Tư pháp và Công an tỉnh", ["t-tp", "t-ca"], []),
        ("Sở Khoa học và Công nghệ", ["t-khcn"], []),
        ("Sở Nội vụ; Ban Dân tộc", ["t-noivu"], ["Ban Dân tộc"]),
    ],
)
def test_split_lists_of_names(written: str, codes: list[str], unresolved: list[str]) -> None:
    parts = RESOLVER.split(written)
    assert [c for p in parts for c in p.codes] == codes
    assert [p.written for p in parts if not p.resolved] == unresolved


def test_groups_named_one_by_one_become_the_group_made_of_them() -> None:
    assert RESOLVER.combine(["t-g-so", "t-g-huyen"]) == ("t-g-so-huyen",)
    assert RESOLVER.combine(["t-g-so", "t-tp"]) == ("t-g-so", "t-tp")


def test_registry_groups_carry_their_members() -> None:
    registries = {r.province: r for r in load_registries()}
    records = {r.code: r for r in records_from_registry(registries["dong-nai"])}
    both = records["dn-g-so-ban-nganh-huyen"]
    assert both.includes == ("dn-g-so-ban-nganh", "dn-g-huyen")
    assert "dn-so-noi-vu" in both.members
