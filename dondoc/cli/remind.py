"""Reminder commands: ``remind`` (one sweep), ``replay`` (every working day of a period), ``mailbox`` (local SMTP sink)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from dondoc.cli.common import Format, console, day_or_today, err_console, handles_errors, parse_day, print_json, table
from dondoc.domain.dates import vn_date
from dondoc.errors import DondocError

if TYPE_CHECKING:
    from dondoc.reminders.service import SweepResult

Province = Annotated[str | None, typer.Option("--province", help="Chỉ tỉnh này (ví dụ dong-nai); mặc định: mọi tỉnh")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table: bảng cho người đọc; json: cho chương trình")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Chạy thử: cho biết sẽ gửi gì cho ai, không gửi, không ghi sổ")]


def _print_sweep(result: SweepResult, *, show_text: bool) -> None:
    from rich.markup import escape

    head = f"Nhắc việc ngày {vn_date(result.day)} ({'thử, không gửi' if result.dry_run else 'đã chạy'})"
    if not result.working_day:
        console.print(f"{head}: ngày nghỉ, không gửi nhắc việc.", highlight=False)
        return
    console.print(
        f"{head}: {result.candidates} nhiệm vụ được xét, {result.planned} lượt nhắc, "
        f"{len(result.digests)} thư/tin nhắn; đã gửi trước đó: {result.already_sent}; chờ thử lại: {result.waiting_backoff}.",
        highlight=False,
    )
    if result.digests:
        table(
            None,
            ["Người nhận", "Kênh", "Tiêu đề", "Dòng", "Kết quả"],
            [
                (
                    d.recipient,
                    d.channel,
                    d.subject,
                    d.lines,
                    "—" if d.delivered is None else "đã gửi" if d.delivered else f"lỗi: {d.error}",
                )
                for d in result.digests
            ],
        )
    if show_text:
        for d in result.digests:
            console.rule(escape(f"{d.recipient} — {d.subject}"))
            console.print(d.text, highlight=False, markup=False)
    if result.unrouted:
        missing = sorted({f"{u['addressee']}/{u['role']}" for u in result.unrouted})
        console.print(
            f"[yellow]Không có người nhận[/] cho {len(result.unrouted)} lượt nhắc ({', '.join(missing[:12])}"
            f"{'…' if len(missing) > 12 else ''}): thêm địa chỉ vào tệp danh bạ Apprise (xem docs/reminders.md).",
            highlight=False,
        )


@handles_errors
def remind(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Ngày quét, dd/mm/yyyy (mặc định: hôm nay)")] = None,
    dry_run: DryRun = False,
    province: Province = None,
    wait: Annotated[
        float, typer.Option("--wait", min=0, help="Seconds to wait for a sweep of the same scope that is still running (default: exit at once)")
    ] = 0.0,
    fmt: Fmt = Format.table,
) -> None:
    """Chạy một lượt nhắc việc: thư tổng hợp cho từng người nhận, báo cáo vượt cấp, sổ gửi (không gửi trùng).

    Mã thoát 1 khi có lượt gửi lỗi (đã ghi trong sổ gửi và được thử lại ở lượt sau).
    """
    from dondoc.reminders.service import failure_summary
    from dondoc.reminders.service import remind as run

    result = run(day_or_today(as_of), province=province, dry_run=dry_run, wait=wait, render=dry_run)  # a dry run shows the messages
    if fmt is Format.json:
        print_json(result.as_json())
    else:
        _print_sweep(result, show_text=dry_run)
    problem = failure_summary(result)
    if problem:
        _delivery_error(problem)


@handles_errors
def replay(
    date_from: Annotated[str, typer.Option("--from", help="Từ ngày, dd/mm/yyyy (ví dụ 02/11/2023)")],
    date_to: Annotated[str, typer.Option("--to", help="Đến ngày, dd/mm/yyyy (ví dụ 31/12/2023)")],
    province: Province = None,
    dry_run: DryRun = False,
    fmt: Fmt = Format.table,
) -> None:
    """Chạy lại lượt nhắc việc cho từng ngày làm việc giữa hai ngày, theo đúng tiến trình của văn bản.

    Mã thoát 1 khi có lượt gửi lỗi ở bất kỳ ngày nào (đã ghi trong sổ gửi và được thử lại ở lượt sau).
    """
    from dondoc.cli.progress import progress_bar
    from dondoc.reminders.service import replay as run

    with progress_bar("Chạy lại nhắc việc") as step:
        results = run(parse_day(date_from, "--from"), parse_day(date_to, "--to"), province=province, dry_run=dry_run, progress=step)
    if fmt is Format.json:
        print_json([r.as_json() for r in results])
    else:
        table(
            f"Nhắc việc từ {date_from} đến {date_to} ({len(results)} ngày làm việc)",
            ["Ngày", "Nhiệm vụ xét", "Lượt nhắc", "Thư/tin", "Đã gửi", "Lỗi", "Không có người nhận"],
            [(vn_date(r.day), r.candidates, r.planned, len(r.digests), r.sent, r.failed, len(r.unrouted)) for r in results],
        )
    problem = replay_failure_summary(results)
    if problem:
        _delivery_error(problem)


def _delivery_error(problem: str) -> NoReturn:
    """The red line of failed deliveries on stderr, then exit 1."""
    from rich.markup import escape

    err_console.print(f"[bold red]lỗi gửi:[/] {escape(problem)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


def replay_failure_summary(results: Sequence[SweepResult]) -> str | None:
    """One line for an operator when any day of a replay had failed deliveries, else None."""
    from dondoc.reminders.service import failure_summary

    failed_days = [r for r in results if r.failed]
    if not failed_days:
        return None
    failed = sum(r.failed for r in failed_days)
    total = sum(len(r.digests) for r in results)
    days = ", ".join(vn_date(r.day) for r in failed_days[:5]) + ("…" if len(failed_days) > 5 else "")
    return (
        f"{failed}/{total} thư/tin nhắn nhắc việc không gửi được trong {len(failed_days)} ngày ({days}); "
        f"kiểm tra danh bạ và máy chủ thư rồi chạy lại. Ngày đầu tiên — {failure_summary(failed_days[0])}"
    )


@handles_errors
def mailbox(
    port: Annotated[int, typer.Option(help="Cổng SMTP trên 127.0.0.1 (danh bạ mẫu dùng 2525)")] = 2525,
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe")] = "127.0.0.1",
    seconds: Annotated[float | None, typer.Option(help="Dừng sau chừng này giây (mặc định: đến khi Ctrl-C)")] = None,
) -> None:
    """Hộp thư SMTP cục bộ cho danh bạ mẫu: lưu mọi thư vào <thư mục dữ liệu>/mailbox."""
    from dondoc.configuration.settings import get_settings

    try:
        from dondoc.reminders.mailbox import start
    except ImportError as exc:  # aiosmtpd is a dev dependency
        raise DondocError("dondoc mailbox cần aiosmtpd: chạy `uv sync --group dev` (hoặc pip install aiosmtpd)") from exc
    folder = get_settings().data_dir / "mailbox"
    try:
        controller = start(folder, host, port)
    except (OSError, RuntimeError) as exc:
        raise DondocError(f"--port {port}: không lắng nghe được trên {host}:{port} ({exc}); chọn cổng khác") from exc
    console.print(f"Hộp thư cục bộ: smtp://{host}:{port} → {folder} (Ctrl-C để dừng)", highlight=False)
    deadline = time.monotonic() + seconds if seconds else None
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
        console.print(f"Đã nhận {controller.handler.received} thư.", highlight=False)


COMMANDS = {
    "remind": remind,
    "replay": replay,
    "mailbox": mailbox,
}
