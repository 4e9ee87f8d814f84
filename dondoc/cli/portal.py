"""Portal commands: `dondoc portal-link issue | list | revoke AGENCY`, and the Office's decision from a terminal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from dondoc.cli.common import Format, console, day_or_today, handles_errors, print_json, table
from dondoc.configuration.settings import TZ

Fmt = Annotated[Format, typer.Option("--format", "-f", help="table for people, json for scripts")]
ACTOR = "cli"


def _stamp(value: datetime | None) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # stored UTC; SQLite drops the zone
    return aware.astimezone(TZ).strftime("%d/%m/%Y %H:%M")


@handles_errors
def issue_cmd(
    agency: Annotated[str, typer.Argument(help="Agency code, e.g. dn-so-noi-vu (the Office's code with --office)")],
    office: Annotated[bool, typer.Option("--office", help="The coordinating office's link: the approval queue")] = False,
    recipient: Annotated[str | None, typer.Option(help="Whom it is for (e.g. email:ten@so.gov.vn); default: the agency")] = None,
    label: Annotated[str | None, typer.Option(help="A note, e.g. 'Chánh Văn phòng'")] = None,
    base_url: Annotated[str | None, typer.Option(help="Public address of `dondoc serve` (default: DONDOC_PORTAL_URL)")] = None,
    fmt: Fmt = Format.table,
) -> None:
    """Issue a personal portal link (signed, stored hashed, expiring by policy); the URL is shown once."""
    from dondoc.portal.service import issue_link

    issued = issue_link(agency, office=office, recipient=recipient, label=label, actor=ACTOR, base=base_url)
    if fmt is Format.json:
        print_json({"id": issued.id, "agency": issued.agency, "role": issued.role, "expires_at": issued.expires_at.isoformat(), "url": issued.url})
        return
    who = "Văn phòng (duyệt)" if office else "đơn vị"
    console.print(f"Đường dẫn #{issued.id} cho {issued.agency} ({who}), hết hạn {_stamp(issued.expires_at)}. Chỉ hiện một lần:")
    console.print(issued.url, highlight=False, soft_wrap=True)


@handles_errors
def list_cmd(
    agency: Annotated[str | None, typer.Argument(help="Only this agency's links")] = None,
    fmt: Fmt = Format.table,
) -> None:
    """List portal links (never the tokens)."""
    from dondoc.clock import utc_now
    from dondoc.portal.service import list_links
    from dondoc.portal.store import live

    rows = list_links(agency)
    now = utc_now()
    if fmt is Format.json:
        print_json([{**r.model_dump(exclude={"token_hash"}), "live": live(r, now)} for r in rows])
        return
    table(
        f"Đường dẫn cổng thông tin ({len(rows)})",
        ["#", "Cơ quan", "Loại", "Người nhận", "Ghi chú", "Tạo lúc", "Hết hạn", "Thu hồi", "Còn dùng"],
        [
            (r.id, r.agency_code, "Văn phòng" if r.role == "office" else "đơn vị", r.recipient or "", r.label or "", _stamp(r.created_at),
             _stamp(r.expires_at), _stamp(r.revoked_at), "có" if live(r, now) else "không")
            for r in rows
        ],
    )


@handles_errors
def revoke_cmd(
    agency: Annotated[str, typer.Argument(help="Agency code: all its live links, or one with --id")],
    link_id: Annotated[int | None, typer.Option("--id", help="Only this link (see `dondoc portal-link list`)")] = None,
) -> None:
    """Revoke an agency's portal links: they answer 404 at once, open sessions included."""
    from dondoc.portal.service import revoke_links

    ids = revoke_links(agency, link_id=link_id, actor=ACTOR)
    console.print(f"Đã thu hồi {len(ids)} đường dẫn của {agency}: {', '.join(f'#{i}' for i in ids) or 'không có đường dẫn còn hiệu lực'}.")


@handles_errors
def decide_cmd(
    submission_id: Annotated[int, typer.Argument(help="Submission number (the Office's portal page, or the Prefect artifact)")],
    approve: Annotated[bool, typer.Option("--approve/--reject", help="Approve (records it) or reject (emails the reason)")],
    reason: Annotated[str, typer.Option(help="Required to reject; sent to the department")] = "",
    today: Annotated[str | None, typer.Option("--today", help="dd/mm/yyyy (replays); default: today")] = None,
    fmt: Fmt = Format.table,
) -> None:
    """The Office decides a portal submission (same rules as the portal page and the Prefect form)."""
    from dondoc.portal.service import decide

    result = decide(submission_id, approve=approve, reason=reason, actor=ACTOR, today=day_or_today(today, "--today"))
    if fmt is Format.json:
        print_json(result.as_json())
        return
    console.print(f"Đề nghị #{submission_id}: {'đã duyệt' if approve else 'đã từ chối'}.")


GROUPS = {
    "portal-link": (
        "Personal links to the department portal (signed, stored hashed, expiring, revocable).",
        {"issue": issue_cmd, "list": list_cmd, "revoke": revoke_cmd},
    ),
    "portal": ("The Office's decisions on portal submissions.", {"decide": decide_cmd}),
}
