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
    str | None, typer.Option("--as-of", help="Statuses as of this day, dd/mm/yyyy (default: today, Asia/Ho_Chi_Minh)")
]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="table for people, json for scripts")]
ScopeName = Literal["agency", "directive", "province"]


def _one_feed(agency: str | None, directive: str | None, province: str | None) -> tuple[ScopeName, str] | None:
    options: tuple[tuple[ScopeName, str | None], ...] = (("agency", agency), ("directive", directive), ("province", province))
    chosen = [(scope, key) for scope, key in options if key]
    if len(chosen) > 1:
        raise InputError("give only one of --agency, --directive, --province (or --all --out FOLDER)")
    return chosen[0] if chosen else None


@handles_errors
def ical(
    out: Annotated[Path, typer.Option("--out", help="File to write (a folder with --all)")],
    agency: Annotated[str | None, typer.Option(help="Agency code: its tasks as lead and as co-agency")] = None,
    directive: Annotated[str | None, typer.Option(help="Directive code, e.g. 11677/UBND-HCC")] = None,
    province: Annotated[
        str | None, typer.Option(help="Province code (alone: its whole feed; with --all: only its feeds)")
    ] = None,
    all_feeds: Annotated[bool, typer.Option("--all", help="One file per agency and per directive (and per province)")] = False,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Write iCalendar (.ics) deadline feeds: one all-day event per task instance on its last on-time day."""
    from dondoc.calendars.service import write_all, write_feed
    from dondoc.calendars.store import FeedSpec

    day = day_or_today(as_of)
    if all_feeds:
        if agency or directive:
            raise InputError("--all writes every feed; drop --agency/--directive (use --province to limit it)")
        from dondoc.cli.progress import progress_bar

        with progress_bar("Dựng lịch .ics") as step:
            written = write_all(out, as_of=day, province=province, progress=step)
    else:
        chosen = _one_feed(agency, directive, province)
        if chosen is None:
            raise InputError("say which feed: --agency CODE, --directive CODE, --province CODE, or --all --out FOLDER")
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
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8765,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Fix the day statuses are computed for (replays); default: today")
    ] = None,
) -> None:
    """Serve subscribable feeds: /calendars/<agency>.ics?token=… (tokens: `dondoc calendar-token issue`)."""
    from dondoc.calendars.server import serve as run

    console.print(f"Serving calendars on http://{host}:{port}/calendars/<agency>.ics?token=… (Ctrl+C to stop)")
    run(host=host, port=port, as_of=parse_day(as_of, "--as-of") if as_of else None)


@handles_errors
def publish_caldav(
    url: Annotated[str, typer.Argument(help="CalDAV server URL, e.g. https://cal.example.gov.vn/dav/")],
    user: Annotated[str | None, typer.Option("--user", help="Login")] = None,
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="Name of the environment variable holding the password")
    ] = None,
    agency: Annotated[
        list[str] | None, typer.Option("--agency", help="Only these agencies (repeatable); default: every agency with events")
    ] = None,
    province: Annotated[str | None, typer.Option(help="Only agencies of this province")] = None,
    as_of: AsOf = None,
    fmt: Fmt = Format.table,
) -> None:
    """Publish each agency's deadlines to its own CalDAV calendar; events are updated in place by UID."""
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
    agency: Annotated[str | None, typer.Argument(help="Agency code")] = None,
    directive: Annotated[str | None, typer.Option(help="Instead: a token for a directive's feed")] = None,
    province: Annotated[str | None, typer.Option(help="Instead: a token for a province's feed")] = None,
    label: Annotated[str | None, typer.Option(help="Who it is for, e.g. 'Lịch chung Sở Nội vụ'")] = None,
    base_url: Annotated[str, typer.Option(help="Public address of `dondoc serve`")] = "http://127.0.0.1:8765",
    fmt: Fmt = Format.table,
) -> None:
    """Issue a token for one feed and print the subscription URL (the token is not shown again)."""
    from dondoc.calendars.service import issue
    from dondoc.calendars.store import FeedSpec

    chosen = _one_feed(agency, directive, province)
    if chosen is None:
        raise InputError("give an agency code, or --directive CODE, or --province CODE")
    scope, key = chosen
    issued = issue(FeedSpec(scope, key), label=label)
    url = base_url.rstrip("/") + issued.path()
    if fmt is Format.json:
        print_json({"id": issued.id, "scope": issued.spec.scope, "key": issued.spec.key, "token": issued.token, "url": url})
        return
    console.print(f"Mã #{issued.id} cho {issued.spec.scope} {issued.spec.key}. Đường dẫn đăng ký (chỉ hiện một lần):")
    console.print(url, highlight=False, soft_wrap=True)


@handles_errors
def revoke_cmd(token_id: Annotated[int, typer.Argument(help="Token number from `dondoc calendar-token list`")]) -> None:
    """Revoke a token: its URL answers 404 from now on."""
    from dondoc.calendars.service import revoke

    row = revoke(token_id)
    console.print(f"Đã thu hồi mã #{row.id} ({row.scope} {row.key}).")


@handles_errors
def list_cmd(
    agency: Annotated[str | None, typer.Option("--key", "--agency", help="Only tokens of this agency/directive/province")] = None,
    fmt: Fmt = Format.table,
) -> None:
    """List tokens (never the secrets themselves)."""
    from dondoc.calendars.service import tokens as list_tokens

    rows = list_tokens(key=agency)
    if fmt is Format.json:
        print_json([r.model_dump(exclude={"token_hash"}) for r in rows])
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
        "Subscription tokens for `dondoc serve` (stored hashed; shown once).",
        {"issue": issue_cmd, "revoke": revoke_cmd, "list": list_cmd},
    ),
}
