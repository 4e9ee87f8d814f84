"""Core commands: import, agencies, directives, tasks, deadlines, complete, extend, status, explain-deadline."""

from __future__ import annotations

import getpass
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from dondoc.cli.common import Format, console, day_or_today, handles_errors, parse_day, print_json, table
from dondoc.directives.rows import ROLE_LEAD, TaskRow
from dondoc.domain.dates import vn_date
from dondoc.domain.status import OFFICIAL_ORDER, STATUS_VI, Status, in_official_order
from dondoc.domain.vocabulary import directive_label
from dondoc.errors import InputError

AsOf = Annotated[str | None, typer.Option("--as-of", help="Ngày tính trạng thái, dd/mm/yyyy (mặc định: hôm nay, giờ Việt Nam)")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table: bảng cho người đọc; json: cho chương trình")]
#: ``status`` without a directive draws this many directives' tables at most (a national database has thousands).
STATUS_DIRECTIVES = 20
TABLE_ROWS = 50  # a terminal table draws this many task rows at most (rich draws 200 rows in ~0.2 s, 50 in ~0.03 s)


def _issued_vn(iso: str) -> str:
    return "/".join(reversed(iso.split("-")))


def parse_kpis(values: list[str]) -> dict[str, float]:
    """``key=value`` pairs → {key: value}; a clear error names the bad pair."""
    out: dict[str, float] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out[key.strip()] = float(raw.replace(",", ".").rstrip("%"))
        except ValueError as exc:
            raise InputError(f"--kpi {item!r}: viết mã=giá trị, ví dụ digitized_rate=72.5") from exc
    return out


def _few(values: tuple[str, ...], shown: int = 3) -> str:
    """A count and the first few values: "30: dn-so-a, dn-so-b, dn-so-c, …"."""
    if not values:
        return "0"
    more = ", …" if len(values) > shown else ""
    return f"{len(values)}: {', '.join(values[:shown])}{more}"


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word and marked with "…" when anything was left out."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


#: ``tasks`` without filters: open work due within this many days after the day evaluated.
TASKS_WINDOW_DAYS = 30


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except OSError:  # no login name in some containers
        return "cli"


@handles_errors
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Tệp YAML hoặc thư mục (sổ cơ quan và văn bản)")],
    as_of: AsOf = None,
    check: Annotated[
        bool, typer.Option("--check", help="Cho biết lần nhập sẽ thay đổi gì (danh mục cơ quan, việc chuyển giao hoặc mất); không ghi gì")
    ] = False,
    replace: Annotated[
        str | None,
        typer.Option("--replace", help="Xác nhận thay danh mục làm mất việc đang mở không có cơ quan kế thừa (mã lấy từ --check)"),
    ] = None,
    fmt: Fmt = Format.table,
) -> None:
    """Nhập sổ cơ quan và văn bản chỉ đạo: kiểm tra tất cả trước, rồi ghi tất cả hoặc không ghi gì."""
    from rich.markup import escape

    from dondoc.cli.progress import progress_bar
    from dondoc.cli.registries import print_diff
    from dondoc.directives import service as services

    day = day_or_today(as_of)
    with progress_bar("Nhập văn bản") as step:
        summary = (
            services.check_import(paths, as_of=day, actor=_actor())
            if check
            else services.import_paths(paths, as_of=day, actor=_actor(), replace=replace, progress=step)
        )
    if fmt is Format.json:
        print_json(
            {
                "check": check,
                "provinces": summary.provinces,
                "agencies": summary.agencies,
                "groups": summary.groups,
                "directives": summary.directives,
                "assignments": summary.assignments,
                "warnings": summary.warnings,
                "registry_diff": vars(summary.diff) | {"fingerprint": summary.diff.fingerprint()},
                "plans": {k: vars(v) for k, v in summary.plans.items()},
                "unchanged": summary.unchanged,
                "losses": [vars(x) for x in summary.losses],
                "clauses": [c.as_json() for c in summary.clauses],
            }
        )
        return
    for warning in summary.warnings:
        console.print(f"[yellow]lưu ý:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    print_diff(summary.diff)
    if summary.changed_nothing:
        console.print("Không có gì thay đổi: danh mục và văn bản đã được nhập đúng như các tệp này." + (" (--check)" if check else ""))
        return
    verb = "Sẽ nhập" if check else "Đã nhập"
    console.print(
        f"{verb} danh mục cơ quan của {len(summary.provinces)} tỉnh ({summary.agencies} cơ quan, {summary.groups} nhóm), "
        f"{len(summary.directives)} văn bản ({summary.assignments} nhiệm vụ); {len(summary.unchanged)} văn bản không đổi."
    )
    table(
        None,
        ["Văn bản", "Lượt nhiệm vụ đã lập", "Mới", "Đã hủy", "Đã chuyển giao", "Giữ lại (không có kế thừa)"],
        [(code, p.planned, p.inserted, p.cancelled, p.handed_over, p.kept) for code, p in summary.plans.items()],
    )
    if check:
        table(
            "Dự kiến lập kế hoạch theo từng mục",
            ["Văn bản", "Mục", "Chủ trì", "Kỳ", "Số lượt", "Hạn đầu", "Hạn cuối", "Ghi chú"],
            [
                (
                    c.directive,
                    c.clause,
                    _few(c.leads),
                    _few(c.periods),
                    c.instances,
                    vn_date(c.first_due) if c.first_due else "—",
                    vn_date(c.last_due) if c.last_due else "—",
                    f"trùng nhiệm vụ mục {c.repeats}: lập kế hoạch ở đó" if c.repeats else (f"phần đột xuất ghi nhận: {c.ad_hoc}" if c.ad_hoc else ""),
                )
                for c in summary.clauses
            ],
        )
        if summary.losses:
            console.print(
                f"[red]Sẽ bị từ chối:[/] {sum(x.count for x in summary.losses)} lượt nhiệm vụ đang mở sẽ bị lấy khỏi các cơ quan "
                "không có cơ quan kế thừa:",
                highlight=False,
            )
            for x in summary.losses[:40]:
                console.print(f"  {x.directive} mục {x.clause}: {x.agency} — {x.count}", highlight=False)
            console.print(
                "Ghi cơ quan kế thừa trong tệp danh mục, hoặc xác nhận đúng thay đổi này bằng "
                f"`--replace {summary.diff.fingerprint()}`.",
                highlight=False,
            )
        console.print("--check: chưa ghi gì.")


@handles_errors
def directives(fmt: Fmt = Format.table) -> None:
    """Danh sách văn bản chỉ đạo đã nhập."""
    from dondoc.directives import service

    data = service.list_directives()
    if fmt is Format.json:
        print_json(data)
        return
    table(
        "Văn bản chỉ đạo",  # issue dates as written: 02/11/2023, 05/2022 (day blank) or 2023
        ["Số hiệu", "Tỉnh", "Ban hành", "Trích yếu", "Nhiệm vụ"],
        [
            (
                directive_label(d["number"], d["code"]),
                d["province"],
                _issued_vn(str(d["issued"])),
                d["title"],
                d["assignments"],
            )
            for d in data
        ],
    )


def _rows(as_of: date, **filters: object) -> list[TaskRow]:
    from dondoc.directives import service

    return service.task_rows(as_of, **filters)


def _print_tasks(title: str, rows: list[TaskRow], fmt: Format) -> None:
    """The rows as JSON (every field), or a table of the first :data:`TABLE_ROWS`: only those are formatted."""
    if fmt is Format.json:
        print_json([r.as_json() for r in rows])
        return

    def d(v: date | None) -> str:
        return vn_date(v) if v else "—"

    # A co-agency row is the lead's instance: its id is shown as the lead's (#674 of Sở X), never as
    # one to complete, since `dondoc complete` on it would close the lead's task.
    table(
        title,
        ["ID", "Văn bản", "Mục", "Cơ quan", "Vai trò", "Hạn", "Trạng thái", "Hoàn thành"],
        [
            (
                r.instance_id if r.role == ROLE_LEAD else "—",
                r.directive_number or r.directive,
                r.clause,
                r.agency_name,
                r.role if r.role == ROLE_LEAD else f"phối hợp với {r.lead_name} (#{r.instance_id} của cơ quan chủ trì)",
                d(r.due),
                r.status_vi,
                d(r.completed_on),
            )
            for r in rows[:TABLE_ROWS]
        ],
        total=len(rows),
    )


def _statuses(values: list[str] | None) -> set[Status] | None:
    if not values:
        return None
    known = [s for s in OFFICIAL_ORDER if s is not Status.NOT_ISSUED]  # a clause's status, never an instance's
    unknown = [v for v in values if v not in {str(s) for s in known}]
    if unknown:
        raise InputError(f"--status {unknown[0]!r}: không có trạng thái này; chọn một trong: {', '.join(str(s) for s in known)}")
    return {Status(v) for v in values}


@handles_errors
def tasks(
    directive: Annotated[str | None, typer.Option(help="Số hiệu văn bản, ví dụ 11677/UBND-HCC")] = None,
    agency: Annotated[str | None, typer.Option(help="Mã cơ quan (chủ trì; thêm --co để gồm cả phối hợp)")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Lọc theo trạng thái (lặp lại được): overdue, in_progress, done_on_time, done_late, ongoing, …")] = None,
    co: Annotated[bool, typer.Option("--co", help="Cùng --agency: gồm cả nhiệm vụ cơ quan phối hợp")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Tất cả, kể cả các kỳ chưa đến")] = False,
    within: Annotated[
        int, typer.Option(help="Khi không lọc: việc đang mở có hạn đến chừng này ngày sau --as-of")
    ] = TASKS_WINDOW_DAYS,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Nhiệm vụ và trạng thái tính đến một ngày.

    Không lọc: việc đang mở (quá hạn, đang thực hiện) có hạn đến --as-of + --within ngày. Có
    --directive/--agency/--status: các nhiệm vụ đó, trừ các kỳ chưa đến. --all: tất cả.
    """
    day = day_or_today(as_of)
    chosen = _statuses(status)
    due_to: date | None = None
    scope = "tất cả"
    if not show_all:
        if chosen is None and not directive and not agency:
            chosen, due_to = {Status.OVERDUE, Status.IN_PROGRESS}, day + timedelta(days=within)
            scope = f"việc đang mở, hạn đến {vn_date(due_to)}; thêm --all để xem tất cả"
        elif chosen is None:
            chosen = set(Status) - {Status.NOT_YET_OPEN}
            scope = "trừ các kỳ chưa đến; thêm --all để xem tất cả"
    rows = _rows(day, directive=directive, agency=agency, statuses=chosen, include_co_agency=co, due_to=due_to)
    _print_tasks(f"Nhiệm vụ tính đến {vn_date(day)} ({len(rows)}; {scope})", rows, fmt)


@handles_errors
def deadlines(
    date_from: Annotated[str, typer.Option("--from", help="Từ ngày, dd/mm/yyyy")],
    date_to: Annotated[str, typer.Option("--to", help="Đến ngày, dd/mm/yyyy")],
    agency: Annotated[str | None, typer.Option(help="Mã cơ quan (chủ trì và phối hợp)")] = None,
    directive: Annotated[str | None, typer.Option(help="Số hiệu văn bản")] = None,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Các hạn rơi vào khoảng giữa hai ngày."""
    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    if end < start:
        raise InputError(f"--to {vn_date(end)} trước --from {vn_date(start)}: đổi lại hai ngày")
    rows = _rows(
        day_or_today(as_of), directive=directive, agency=agency, due_from=start, due_to=end, include_co_agency=bool(agency)
    )
    rows.sort(key=lambda r: (r.due is None, r.due or date.min, r.directive, r.clause))  # undated last
    _print_tasks(f"Hạn từ {vn_date(start)} đến {vn_date(end)} ({len(rows)})", rows, fmt)


@handles_errors
def complete(
    instance: Annotated[int, typer.Argument(help="Mã nhiệm vụ (cột ID của `dondoc tasks`)")],
    on: Annotated[str, typer.Option("--on", help="Ngày hoàn thành, dd/mm/yyyy")],
    evidence: Annotated[str, typer.Option(help="Căn cứ hoàn thành: số, ký hiệu và ngày của báo cáo")],
    kpi: Annotated[
        list[str] | None, typer.Option("--kpi", help="Chỉ tiêu đã đạt, mã=giá trị (lặp lại được), ví dụ digitized_rate=72.5")
    ] = None,
    today: Annotated[str | None, typer.Option("--as-of", help="Coi ngày này là hôm nay (khi chạy lại)")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Ghi đè lần ghi nhận hoàn thành trước (ngày và căn cứ cũ vẫn lưu trong nhật ký)")
    ] = False,
    fmt: Fmt = Format.table,
) -> None:
    """Ghi nhận một nhiệm vụ đã hoàn thành (nhiệm vụ đã ghi nhận rồi cần --force)."""
    from dondoc.directives.service import record_completion

    done = record_completion(
        instance,
        on=parse_day(on, "--on"),
        evidence=evidence,
        actor=_actor(),
        today=day_or_today(today),
        kpis=parse_kpis(kpi or []),
        force=force,
    )
    if fmt is Format.json:
        print_json(vars(done))
        return
    console.print(
        f"Đã ghi nhận hoàn thành #{done.instance_id} ({done.directive} {done.clause}, {done.agency}) ngày {vn_date(done.completed_on)}; hạn {vn_date(done.due)}."
    )


@handles_errors
def extend(
    instance: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    to: Annotated[str, typer.Option("--to", help="Hạn mới, dd/mm/yyyy")],
    reason: Annotated[str, typer.Option(help="Lý do và văn bản cho phép gia hạn")],
    fmt: Fmt = Format.table,
) -> None:
    """Gia hạn một nhiệm vụ: hạn mới thay hạn cũ, hạn ban đầu vẫn được lưu."""
    from dondoc.directives.service import record_extension

    done = record_extension(instance, to=parse_day(to, "--to"), reason=reason, actor=_actor())
    if fmt is Format.json:
        print_json(vars(done))
        return
    console.print(f"Đã gia hạn #{done.instance_id} ({done.directive} {done.clause}, {done.agency}) đến {vn_date(done.due)}.")


@handles_errors
def status(
    directive: Annotated[str | None, typer.Argument(help="Số hiệu văn bản; bỏ trống: mọi văn bản")] = None,
    province: Annotated[str | None, typer.Option(help="Khi bỏ trống văn bản: chỉ các văn bản của tỉnh này, ví dụ dong-nai")] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help=f"Khi bỏ trống văn bản: bảng của mọi văn bản (mặc định: {STATUS_DIRECTIVES} văn bản đầu)")
    ] = False,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Tiến độ một văn bản (hoặc mọi văn bản) tính đến một ngày: từng mục, số lượng theo trạng thái.

    Bỏ trống văn bản: bảng của các văn bản theo tỉnh và số hiệu, tối đa 20 bảng (--all: tất cả;
    --format json: luôn đủ).
    """
    from dondoc.directives import service

    if directive and province:
        raise InputError(f"--province {province!r}: chỉ dùng khi bỏ trống số hiệu văn bản ({directive} đã chọn một văn bản)")
    day = day_or_today(as_of)
    bounded = directive is None and not show_all and fmt is Format.table
    results, total = service.progress(directive, as_of=day, province=province, limit=STATUS_DIRECTIVES if bounded else None)
    if fmt is Format.json:
        print_json(
            [
                {
                    "directive": d.code,
                    "number": d.number,
                    "province": d.province,
                    "as_of": day.isoformat(),
                    "assignments": [p.as_json() for p in progress],
                }
                for d, progress in results
            ]
        )
        return
    for d, progress in results:
        totals: Counter[str] = Counter()
        for p in progress:
            totals.update(p.counts)
        summary = ", ".join(f"{STATUS_VI[Status(k)]}: {v}" for k, v in in_official_order(dict(totals)).items())
        table(
            f"{d.display_number} — {clip(d.title, 80)}\nTính đến {vn_date(day)}. {summary or 'chưa có nhiệm vụ đến kỳ'}",
            ["Mục", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Hạn kế tiếp", "Xong/Tổng", "Đầu vào", "Trạng thái"],
            [
                (
                    p.clause,
                    clip(p.summary, 60),
                    p.lead,
                    p.deadline_text or "—",
                    vn_date(p.next_due),
                    f"{p.done}/{p.total}",
                    f"{p.inputs_done}/{p.inputs_total}" if p.inputs_total is not None else "",
                    STATUS_VI[p.status],
                )
                for p in progress
            ],
        )
    if len(results) < total:  # plain text, like the tables: a read command does not import rich
        sys.stdout.write(
            f"Hiển thị {len(results)}/{total} văn bản đầu (theo tỉnh và số hiệu); chọn một văn bản (dondoc status SỐ_HIỆU), "
            "thêm --province, hoặc --all để xem tất cả.\n"
        )


@handles_errors
def explain_deadline(
    text: Annotated[str, typer.Argument(help="Cụm từ thời hạn, ví dụ 'trước ngày 15 hàng tháng'")],
    issued: Annotated[str | None, typer.Option(help="Ngày ban hành văn bản, dd/mm/yyyy (cho năm còn thiếu)")] = None,
    count: Annotated[int, typer.Option(help="Số kỳ hạn hiển thị với thời hạn định kỳ")] = 6,
    province: Annotated[str | None, typer.Option(help="Áp dụng quy định của tỉnh này")] = None,
    fmt: Fmt = Format.json,
) -> None:
    """Cho biết một cụm từ thời hạn sẽ được hiểu thế nào."""
    from dondoc.configuration.files import load_policy
    from dondoc.domain.deadlines import parse_deadline, reading_json
    from dondoc.domain.recurrence import occurrences

    issued_day = parse_day(issued, "--issued") if issued else None
    parsed = parse_deadline(text, issued=issued_day, policy=load_policy(province))
    early = parsed.due or parsed.stated_date
    if issued_day and early and early < issued_day:
        raise InputError(
            f"{text!r}: hạn {vn_date(early)} trước ngày ban hành {vn_date(issued_day)} (--issued); "
            "khi nhập văn bản đây là lỗi — kiểm tra lại năm của hạn hoặc ngày ban hành"
        )
    dates: list[date] = []
    if parsed.rules:
        start = parsed.starts or issued_day
        if start is None:
            raise InputError("--issued: thời hạn định kỳ cần ngày ban hành văn bản để liệt kê các kỳ")
        dates = occurrences(parsed.rules, start=start, end=date(start.year + 10, 12, 31))[:count]
    elif parsed.due:
        dates = [parsed.due]
    data = reading_json(parsed, dates)
    if fmt is Format.json:
        print_json(data)
        return
    from rich.markup import escape

    console.print(f"[bold]{escape(text)}[/] → {escape(parsed.reading)}", highlight=False)
    if dates:
        console.print("Các hạn: " + ", ".join(vn_date(d) for d in dates), highlight=False)


@handles_errors
def migrate() -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (chạy một lần sau khi cài đặt hoặc nâng cấp dondoc)."""
    from dondoc.configuration.settings import get_settings
    from dondoc.db.migrate import upgrade

    upgrade()
    console.print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất: {get_settings().effective_database_url}", highlight=False)


COMMANDS = {
    "migrate": migrate,
    "import": import_cmd,
    "directives": directives,
    "tasks": tasks,
    "deadlines": deadlines,
    "complete": complete,
    "extend": extend,
    "status": status,
    "explain-deadline": explain_deadline,
}
