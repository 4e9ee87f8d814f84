"""``dondoc report``: the periodic reform report as Markdown, DOCX, XLSX, CSV and a PNG chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dondoc.cli.common import console, handles_errors, parse_day, table
from dondoc.clock import today_vn
from dondoc.domain.dates import vn_date
from dondoc.domain.status import STATUS_VI, Status


@handles_errors
def report(
    province: Annotated[str, typer.Option("--province", help="Mã tỉnh, ví dụ dong-nai")],
    out: Annotated[Path, typer.Option("--out", help="Thư mục lưu tệp (tạo nếu chưa có)")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="2023-11 (tháng), 2023-Q4 (quý), 2024-H1 (6 tháng), 2024 (năm); mặc định: quý gần nhất đã chốt",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Ngày báo cáo, dd/mm/yyyy (mặc định: hôm nay, giờ Việt Nam)")
    ] = None,
    calendar_periods: Annotated[
        bool, typer.Option("--calendar-periods", help="Lấy số liệu theo kỳ dương lịch thay vì từ ngày 15 đến ngày 14 (NĐ 09/2019)")
    ] = False,
    formats: Annotated[
        list[str] | None, typer.Option("--format", "-f", help="md, docx, xlsx, csv, png hoặc all (lặp lại hoặc ngăn bằng dấu phẩy)")
    ] = None,
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Tính lại và thay báo cáo đã chốt của một kỳ đã kết thúc")
    ] = False,
) -> None:
    """Lập báo cáo CCHC của một tỉnh cho một kỳ; báo cáo kỳ đã kết thúc được chốt và lập lại y hệt."""
    from dondoc.cli.core import _actor
    from dondoc.domain.report_math import on_time_rate, percent
    from dondoc.reports.files import check_formats
    from dondoc.reports.service import build_report, default_period, write_report

    today = today_vn()  # the real day decides freezing; --as-of alone never freezes a period early
    day = parse_day(as_of, "--as-of") if as_of else today
    chosen = check_formats(formats or ["all"])
    key = period or default_period(province, day, calendar_periods=calendar_periods)
    from dondoc.cli.progress import progress_bar

    with progress_bar("Lập báo cáo") as step:
        step(0, 1, "tổng hợp số liệu")
        data = build_report(
            province, key, as_of=day, today=today, actor=_actor(), calendar_periods=calendar_periods, recompute=recompute
        )
        paths = write_report(data, out, issued_on=day, formats=chosen, progress=step)
    c = data.totals
    state = "đã chốt" if data.frozen else f"tạm tính đến {vn_date(data.as_of)}"
    table(
        f"{data.province_name} — {data.period_short} (số liệu {vn_date(data.window_start)}–{vn_date(data.window_end)}, {state})",
        ["Nhóm", "Số nhiệm vụ"],
        [
            [STATUS_VI[Status.DONE_ON_TIME], c.on_time],
            [STATUS_VI[Status.DONE_LATE], c.late],
            [STATUS_VI[Status.IN_PROGRESS], c.in_progress],
            [STATUS_VI[Status.OVERDUE], c.overdue],
            ["Tỷ lệ đúng hạn", percent(on_time_rate(c))],
            ["Thường xuyên / gia hạn (tính riêng)", f"{c.ongoing} / {c.extended}"],
        ],
    )
    if not data.frozen and day > today and day > data.window_end:
        console.print(
            f"  Kỳ chưa kết thúc tính đến hôm nay {vn_date(today)} (hạn chốt số liệu {vn_date(data.window_end)}): "
            "báo cáo tạm tính, không được lưu; chạy lại sau ngày chốt để có báo cáo chính thức.",
            highlight=False,
            soft_wrap=True,
        )
    for path in paths:
        console.print(f"  {path}", highlight=False, soft_wrap=True)


COMMANDS = {
    "report": report,
}
