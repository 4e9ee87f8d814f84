"""Core commands: import, agencies, directives, tasks, deadlines, complete, extend, status, explain-deadline."""

from __future__ import annotations

import getpass
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dondoc.cli.common import Format, console, day_or_today, handles_errors, parse_day, print_json, table
from dondoc.domain.dates import vn_date
from dondoc.domain.deadlines import parse_deadline, reading_json
from dondoc.domain.recurrence import occurrences
from dondoc.domain.status import STATUS_VI, Status
from dondoc.errors import InputError

AsOf = Annotated[str | None, typer.Option("--as-of", help="Day to evaluate, dd/mm/yyyy (default: today, Asia/Ho_Chi_Minh)")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table for people, json for scripts")]
TABLE_ROWS = 200  # a terminal table draws this many task rows at most (drawing thousands cost seconds)


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
            raise InputError(f"--kpi {item!r}: write key=value, e.g. digitized_rate=72.5") from exc
    return out


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except OSError:  # no login name in some containers
        return "cli"


@handles_errors
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="YAML files or folders (registries and directives)")],
    as_of: AsOf = None,
    check: Annotated[
        bool, typer.Option("--check", help="Show what the import would change (registry diff, work moved or lost); write nothing")
    ] = False,
    replace: Annotated[
        str | None,
        typer.Option("--replace", help="Confirm a registry replacement that takes open work without a successor (code from --check)"),
    ] = None,
    fmt: Fmt = Format.table,
) -> None:
    """Import agency registries and directives: everything is validated first, then written all or nothing."""
    from dondoc.cli.registries import print_diff
    from dondoc.directives import service as services

    day = day_or_today(as_of)
    summary = (
        services.check_import(paths, as_of=day, actor=_actor())
        if check
        else services.import_paths(paths, as_of=day, actor=_actor(), replace=replace)
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
            }
        )
        return
    for warning in summary.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    print_diff(summary.diff)
    if summary.changed_nothing:
        console.print("Không có gì thay đổi: danh mục và văn bản đã được nhập đúng như các tệp này." + (" (--check)" if check else ""))
        return
    verb = "Would import" if check else "Imported"
    console.print(
        f"{verb} the registries of {len(summary.provinces)} province(s) ({summary.agencies} agencies, {summary.groups} groups), "
        f"{len(summary.directives)} directives ({summary.assignments} assignments); {len(summary.unchanged)} unchanged."
    )
    table(
        None,
        ["Directive", "Instances planned", "New", "Cancelled", "Handed over", "Kept (no successor)"],
        [(code, p.planned, p.inserted, p.cancelled, p.handed_over, p.kept) for code, p in summary.plans.items()],
    )
    if check:
        if summary.losses:
            console.print(
                f"[red]Refused as it stands:[/] {sum(x.count for x in summary.losses)} open instance(s) would be taken from agencies "
                "with no successor:",
                highlight=False,
            )
            for x in summary.losses[:40]:
                console.print(f"  {x.directive} mục {x.clause}: {x.agency} — {x.count}", highlight=False)
            console.print(
                "Record a succession in the registry file, or confirm this exact replacement with "
                f"`--replace {summary.diff.fingerprint()}`.",
                highlight=False,
            )
        console.print("--check: nothing written.")


@handles_errors
def directives(fmt: Fmt = Format.table) -> None:
    """List imported directives."""
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
                d["number"] or f"{d['code']} (chưa có số)",
                d["province"],
                _issued_vn(str(d["issued"])),
                d["title"],
                d["assignments"],
            )
            for d in data
        ],
    )


def _rows(as_of: date, **filters: object) -> list[dict[str, object]]:
    from dondoc.directives import service

    return [r.as_json() for r in service.task_rows(as_of, **filters)]


def _print_tasks(title: str, rows: list[dict[str, object]], fmt: Format) -> None:
    if fmt is Format.json:
        print_json(rows)
        return

    def d(v: object) -> str:
        return vn_date(date.fromisoformat(v)) if isinstance(v, str) else "—"

    table(
        title,
        ["ID", "Văn bản", "Mục", "Cơ quan", "Vai trò", "Hạn", "Trạng thái", "Hoàn thành"],
        [
            (
                r["instance_id"],
                r["directive_number"] or r["directive"],
                r["clause"],
                r["agency_name"],
                r["role"] if r["role"] == "chủ trì" else f"phối hợp với {r['lead_name']}",
                d(r["due"]),
                r["status_vi"],
                d(r["completed_on"]),
            )
            for r in rows
        ],
        limit=TABLE_ROWS,
    )


def _statuses(values: list[str] | None) -> set[Status] | None:
    if not values:
        return None
    try:
        return {Status(v) for v in values}
    except ValueError as exc:
        raise InputError(f"--status: {exc}; choose from {', '.join(s.value for s in Status)}") from exc


@handles_errors
def tasks(
    directive: Annotated[str | None, typer.Option(help="Directive code, e.g. 11677/UBND-HCC")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency code (as lead; add --co for co-agency)")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Filter by status (repeatable): overdue, in_progress, …")] = None,
    co: Annotated[bool, typer.Option("--co", help="With --agency: also tasks where it is a co-agency")] = False,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Task instances with their status as of a day."""
    day = day_or_today(as_of)
    rows = _rows(day, directive=directive, agency=agency, statuses=_statuses(status), include_co_agency=co)
    _print_tasks(f"Nhiệm vụ tính đến {vn_date(day)} ({len(rows)})", rows, fmt)


@handles_errors
def deadlines(
    date_from: Annotated[str, typer.Option("--from", help="First day, dd/mm/yyyy")],
    date_to: Annotated[str, typer.Option("--to", help="Last day, dd/mm/yyyy")],
    agency: Annotated[str | None, typer.Option(help="Agency code (lead and co-agency)")] = None,
    directive: Annotated[str | None, typer.Option(help="Directive code")] = None,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Deadlines falling between two days."""
    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    if end < start:
        raise InputError(f"--to {vn_date(end)} is before --from {vn_date(start)}")
    rows = _rows(
        day_or_today(as_of), directive=directive, agency=agency, due_from=start, due_to=end, include_co_agency=bool(agency)
    )
    rows.sort(key=lambda r: (str(r["due"]), str(r["directive"]), str(r["clause"])))
    _print_tasks(f"Hạn từ {vn_date(start)} đến {vn_date(end)} ({len(rows)})", rows, fmt)


@handles_errors
def complete(
    instance: Annotated[int, typer.Argument(help="Instance id (see `dondoc tasks`)")],
    on: Annotated[str, typer.Option("--on", help="Day it was fulfilled, dd/mm/yyyy")],
    evidence: Annotated[str, typer.Option(help="What fulfilled it: the report's number and date")],
    kpi: Annotated[
        list[str] | None, typer.Option("--kpi", help="Reported KPI actual, key=value (repeatable), e.g. digitized_rate=72.5")
    ] = None,
    today: Annotated[str | None, typer.Option("--as-of", help="Treat this day as today (replays)")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an earlier completion (its date and evidence stay in the audit trail)")
    ] = False,
    fmt: Fmt = Format.table,
) -> None:
    """Record the completion of a task instance (an already completed one needs --force)."""
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
    instance: Annotated[int, typer.Argument(help="Instance id")],
    to: Annotated[str, typer.Option("--to", help="New due date, dd/mm/yyyy")],
    reason: Annotated[str, typer.Option(help="Reason and approving document")],
    fmt: Fmt = Format.table,
) -> None:
    """Approve an extension (gia hạn): the due date moves, the original is kept."""
    from dondoc.directives.service import record_extension

    done = record_extension(instance, to=parse_day(to, "--to"), reason=reason, actor=_actor())
    if fmt is Format.json:
        print_json(vars(done))
        return
    console.print(f"Đã gia hạn #{done.instance_id} ({done.directive} {done.clause}, {done.agency}) đến {vn_date(done.due)}.")


@handles_errors
def status(
    directive: Annotated[str | None, typer.Argument(help="Directive code; all directives when omitted")] = None,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Progress of a directive (or all) as of a day: per clause, counts by status."""
    from dondoc.directives import service

    day = day_or_today(as_of)
    results = service.progress(directive, as_of=day)
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
        summary = ", ".join(f"{STATUS_VI[Status(k)]}: {v}" for k, v in sorted(totals.items()))
        table(
            f"{d.display_number} — {d.title[:80]}\nTính đến {vn_date(day)}. {summary}",
            ["Mục", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Hạn kế tiếp", "Xong/Tổng", "Đầu vào", "Trạng thái"],
            [
                (
                    p.clause,
                    p.summary[:60],
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


@handles_errors
def explain_deadline(
    text: Annotated[str, typer.Argument(help="The deadline phrase, e.g. 'trước ngày 15 hàng tháng'")],
    issued: Annotated[str | None, typer.Option(help="Issue date of the directive, dd/mm/yyyy (supplies a missing year)")] = None,
    count: Annotated[int, typer.Option(help="How many occurrences of a cycle to show")] = 6,
    province: Annotated[str | None, typer.Option(help="Apply this province's policy")] = None,
    fmt: Fmt = Format.json,
) -> None:
    """Show how a deadline phrase will be read."""
    from dondoc.configuration.files import load_policy

    issued_day = parse_day(issued, "--issued") if issued else None
    parsed = parse_deadline(text, issued=issued_day, policy=load_policy(province))
    dates: list[date] = []
    if parsed.rules:
        start = parsed.starts or issued_day
        if start is None:
            raise InputError("--issued: a cycle needs the directive's issue date to list occurrences")
        dates = occurrences(parsed.rules, start=start, end=date(start.year + 10, 12, 31))[:count]
    elif parsed.due:
        dates = [parsed.due]
    data = reading_json(parsed, dates)
    if fmt is Format.json:
        print_json(data)
        return
    console.print(f"[bold]{text}[/] → {parsed.reading}", highlight=False)
    if dates:
        console.print("Các hạn: " + ", ".join(vn_date(d) for d in dates), highlight=False)


@handles_errors
def migrate() -> None:
    """Create or upgrade the database schema (run once after installing or upgrading dondoc)."""
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
