"""Calendar commands: ical, serve, publish-caldav, calendar-token."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from dondoc.cli.common import Format, console, day_or_today, handles_errors, parse_day, print_json, table
from dondoc.configuration.settings import TZ
from dondoc.domain.dates import vn_date
from dondoc.errors import InputError

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Trạng thái tính đến ngày này, dd/mm/yyyy (mặc định: hôm nay, giờ Việt Nam)")
]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table: bảng cho người đọc; json: cho chương trình")]
ScopeName = Literal["agency", "directive", "province"]


def _one_feed(agency: str | None, directive: str | None, province: str | None) -> tuple[ScopeName, str] | None:
    options: tuple[tuple[ScopeName, str | None], ...] = (("agency", agency), ("directive", directive), ("province", province))
    chosen = [(scope, key) for scope, key in options if key]
    if len(chosen) > 1:
        raise InputError("chỉ chọn một trong --agency, --directive, --province (hoặc --all --out THƯ_MỤC)")
    return chosen[0] if chosen else None


@handles_errors
def ical(
    out: Annotated[Path, typer.Option("--out", help="Tệp sẽ ghi (thư mục khi dùng --all)")],
    agency: Annotated[str | None, typer.Option(help="Mã cơ quan: nhiệm vụ chủ trì và phối hợp của cơ quan")] = None,
    directive: Annotated[str | None, typer.Option(help="Số hiệu văn bản, ví dụ 11677/UBND-HCC")] = None,
    province: Annotated[
        str | None, typer.Option(help="Mã tỉnh (riêng: lịch chung của tỉnh; với --all: chỉ các lịch của tỉnh)")
    ] = None,
    all_feeds: Annotated[bool, typer.Option("--all", help="Mỗi cơ quan, mỗi văn bản (và mỗi tỉnh) một tệp")] = False,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Ghi lịch hạn iCalendar (.ics): mỗi nhiệm vụ một sự kiện cả ngày vào ngày cuối cùng đúng hạn."""
    from dondoc.calendars.service import write_all, write_feed
    from dondoc.calendars.store import FeedSpec

    day = day_or_today(as_of)
    if all_feeds:
        if agency or directive:
            raise InputError("--all ghi mọi lịch: bỏ --agency/--directive (dùng --province để giới hạn)")
        from dondoc.cli.progress import progress_bar

        with progress_bar("Dựng lịch .ics") as step:
            written = write_all(out, as_of=day, province=province, progress=step)
    else:
        chosen = _one_feed(agency, directive, province)
        if chosen is None:
            raise InputError("chọn lịch: --agency MÃ, --directive SỐ_HIỆU, --province MÃ, hoặc --all --out THƯ_MỤC")
        scope, key = chosen
        written = [write_feed(FeedSpec(scope, key), out, as_of=day)]
    if fmt is Format.json:
        print_json([{**vars(w), "path": str(w.path)} for w in written])
        return
    table(
        f"Lịch .ics ({len(written)} tệp, trạng thái đến {vn_date(day)})",
        ["Lịch", "Tệp", "Sự kiện", "Dựng lại", "Dung lượng"],
        [
            (w.feed, str(w.path), w.events, "cache" if w.from_cache else w.rebuilt_events, f"{w.bytes / 1024:.0f} KB")
            for w in written
        ],
    )


@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Cổng TCP")] = 8765,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Cố định ngày tính trạng thái (khi chạy lại); mặc định: hôm nay")
    ] = None,
) -> None:
    """Phục vụ lịch để đăng ký (/calendars/<cơ quan>.ics?token=…) và cổng của các đơn vị (/portal/; đường dẫn: `dondoc portal-link issue`)."""
    from dondoc.calendars.server import serve as run

    console.print(f"Đang phục vụ lịch tại http://{host}:{port}/calendars/<cơ quan>.ics?token=… và cổng đơn vị tại /portal/ (Ctrl+C để dừng)")
    run(host=host, port=port, as_of=parse_day(as_of, "--as-of") if as_of else None)


@handles_errors
def publish_caldav(
    url: Annotated[str, typer.Argument(help="Địa chỉ máy chủ CalDAV, ví dụ https://cal.example.gov.vn/dav/")],
    user: Annotated[str | None, typer.Option("--user", help="Tài khoản")] = None,
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="Tên biến môi trường chứa mật khẩu")
    ] = None,
    agency: Annotated[
        list[str] | None, typer.Option("--agency", help="Chỉ các cơ quan này (lặp lại được); mặc định: mọi cơ quan có sự kiện")
    ] = None,
    province: Annotated[str | None, typer.Option(help="Chỉ các cơ quan của tỉnh này")] = None,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Đẩy lịch hạn của từng cơ quan lên lịch CalDAV riêng; sự kiện được cập nhật theo UID."""
    from dondoc.calendars.service import publish_to_caldav

    day = day_or_today(as_of)
    results = publish_to_caldav(url, user=user, password_env=password_env, as_of=day, province=province, agencies=agency or [])
    if fmt is Format.json:
        print_json([vars(r) for r in results])
        return
    table(
        f"CalDAV {url}",
        ["Cơ quan", "Lịch", "Thêm", "Cập nhật", "Giữ nguyên", "Xóa"],
        [(r.agency, r.calendar_url, r.created, r.updated, r.unchanged, r.deleted) for r in results],
    )


@handles_errors
def issue_cmd(
    agency: Annotated[str | None, typer.Argument(help="Mã cơ quan")] = None,
    directive: Annotated[str | None, typer.Option(help="Hoặc: mã cho lịch của một văn bản")] = None,
    province: Annotated[str | None, typer.Option(help="Hoặc: mã cho lịch của một tỉnh")] = None,
    label: Annotated[str | None, typer.Option(help="Dùng cho ai, ví dụ 'Lịch chung Sở Nội vụ'")] = None,
    base_url: Annotated[str, typer.Option(help="Địa chỉ công khai của `dondoc serve`")] = "http://127.0.0.1:8765",
    fmt: Fmt = Format.table,
) -> None:
    """Cấp mã đăng ký cho một lịch và in đường dẫn đăng ký (mã chỉ hiện một lần)."""
    from dondoc.calendars.service import issue
    from dondoc.calendars.store import FeedSpec

    chosen = _one_feed(agency, directive, province)
    if chosen is None:
        raise InputError("nhập mã cơ quan, hoặc --directive SỐ_HIỆU, hoặc --province MÃ")
    scope, key = chosen
    issued = issue(FeedSpec(scope, key), label=label)
    url = base_url.rstrip("/") + issued.spec.url_path(issued.token)
    if fmt is Format.json:
        print_json({"id": issued.id, "scope": issued.spec.scope, "key": issued.spec.key, "token": issued.token, "url": url})
        return
    console.print(f"Mã #{issued.id} cho {issued.spec.scope} {issued.spec.key}. Đường dẫn đăng ký (chỉ hiện một lần):")
    console.print(url, highlight=False, soft_wrap=True)


@handles_errors
def revoke_cmd(token_id: Annotated[int, typer.Argument(help="Số thứ tự mã trong `dondoc calendar-token list`")]) -> None:
    """Thu hồi mã: từ nay đường dẫn trả lời 404."""
    from dondoc.calendars.service import revoke

    row = revoke(token_id)
    console.print(f"Đã thu hồi mã #{row.id} ({row.scope} {row.key}).")


@handles_errors
def list_cmd(
    agency: Annotated[str | None, typer.Option("--key", "--agency", help="Chỉ các mã của cơ quan/văn bản/tỉnh này")] = None,
    fmt: Fmt = Format.table,
) -> None:
    """Danh sách mã đăng ký (không bao giờ hiện chính mã bí mật)."""
    from dondoc.calendars.service import tokens as list_tokens

    rows = list_tokens(key=agency)
    if fmt is Format.json:
        print_json([r.as_json() for r in rows])
        return

    def stamp(value: datetime | None) -> str:
        return value.astimezone(TZ).strftime("%d/%m/%Y %H:%M") if value else ""

    table(
        f"Mã đăng ký lịch ({len(rows)})",
        ["#", "Loại", "Mã", "Ghi chú", "Tạo lúc", "Thu hồi"],
        [(r.id, r.scope, r.key, r.label or "", stamp(r.created_at), stamp(r.revoked_at)) for r in rows],
    )


COMMANDS = {
    "ical": ical,
    "serve": serve,
    "publish-caldav": publish_caldav,
}
GROUPS = {
    "calendar-token": (
        "Mã đăng ký lịch cho `dondoc serve` (lưu dạng băm; chỉ hiện một lần).",
        {"issue": issue_cmd, "revoke": revoke_cmd, "list": list_cmd},
    ),
}
