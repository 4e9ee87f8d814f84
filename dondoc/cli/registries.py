"""Registry commands: the agencies of a province in force on a day, and how an import changes the registry."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dondoc.cli.common import Format, console, handles_errors, parse_day, print_json, table
from dondoc.domain.dates import vn_date as vn
from dondoc.domain.vocabulary import AGENCY_KIND_VI, AgencyKind
from dondoc.errors import InputError

if TYPE_CHECKING:
    from dondoc.registries.diff import RegistryDiff

COMMUNE_TYPE_VI = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}


@handles_errors
def agencies(
    province: Annotated[str | None, typer.Option(help="Mã tỉnh, ví dụ dong-nai")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Chỉ các cơ quan có hiệu lực ngày này, dd/mm/yyyy (mặc định: mọi cơ quan từng có)")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table: bảng cho người đọc; json: cho chương trình")] = Format.table,
) -> None:
    """Danh sách cơ quan: loại (xã, phường, đặc khu với cấp xã), nhóm, thời gian hiệu lực và cơ quan kế thừa."""
    from dondoc.registries import service

    day = parse_day(as_of, "--as-of") if as_of else None
    rows = service.agencies_in_force(province, day)
    if province and not rows and not service.agencies_in_force(province, None):
        known = sorted({r.province for r in service.agencies_in_force(None, None)})
        raise InputError(f"--province {province!r}: không có sổ cơ quan của tỉnh này; các tỉnh đã nhập: {', '.join(known) or '(chưa có)'}")
    if fmt is Format.json:
        print_json([vars(r) for r in rows])
        return
    title = f"Cơ quan ({len(rows)})" + (f" có hiệu lực ngày {vn(day)}" if day else "")
    table(
        title,
        ["Mã", "Tên", "Loại", "Nhóm", "Hiệu lực", "Kế thừa"],
        [
            (
                r.code,
                r.name,
                f"{AGENCY_KIND_VI[AgencyKind(r.kind)]} ({COMMUNE_TYPE_VI[r.commune_type]})"
                if r.commune_type
                else AGENCY_KIND_VI[AgencyKind(r.kind)],
                ", ".join(r.groups),
                f"{vn(r.valid_from) if r.valid_from else '…'} – {vn(r.valid_to) if r.valid_to else '…'}",
                (", ".join(r.successors[:3]) + (f" (+{len(r.successors) - 3})" if len(r.successors) > 3 else ""))
                or ("chưa xác nhận" if r.succession else ""),
            )
            for r in rows
        ],
    )


def print_diff(diff: RegistryDiff) -> None:
    """The registry change of an import, in a few lines (counts, then the first codes of each kind)."""
    if diff.empty:
        console.print("Danh mục cơ quan: không thay đổi.")
        return

    def few(items: list[str]) -> str:
        return ", ".join(items[:6]) + (f" … (+{len(items) - 6})" if len(items) > 6 else "")

    console.print(f"Danh mục cơ quan thay đổi (mã xác nhận {diff.fingerprint()}):")
    lines = [
        ("Cơ quan mới", [*diff.added]),
        ("Cơ quan kết thúc", [f"{c} (đến {vn(date.fromisoformat(d))})" for c, d in diff.ended]),
        ("Đổi tên", [f"{c}: {old} → {new}" for c, old, new in diff.renamed]),
        ("Thay đổi khác", list(diff.changed)),
        ("Thêm vào nhóm", [f"{a} → {g}" for a, g in diff.memberships_added]),
        ("Rời nhóm", [f"{a} ← {g}" for a, g in diff.memberships_removed]),
        ("Nhóm mới", list(diff.groups_added)),
        ("Nhóm thay đổi", list(diff.groups_changed)),
        ("Kế thừa", list(diff.successions)),
        ("Hợp nhất tỉnh", list(diff.mergers)),
    ]
    for label, items in lines:
        if items:
            console.print(f"  {label} ({len(items)}): {few(items)}", highlight=False, soft_wrap=True)


COMMANDS = {"agencies": agencies}
