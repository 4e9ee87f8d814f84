"""Reminder sweeps against real peers: an SMTP server (aiosmtpd) and an HTTP webhook receiver on loopback.

Seeds imported as of 06/12/2023. The instance followed here: 11677/UBND-HCC clause 1.k led by
Sở Tư pháp, due Monday 04/12/2023 → +1 = 05/12, +3 = 07/12, +7 = 13/12.
"""

from __future__ import annotations

import email
import json
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, text
from sqlmodel import col
from typer.testing import CliRunner

from dondoc.db import session_scope
from dondoc.directives.service import record_completion
from dondoc.errors import InputError
from dondoc.models import ReminderDelivery
from dondoc.reminders import store as ledger
from dondoc.reminders.contacts import load_contacts
from dondoc.reminders.mailbox import start as start_mailbox
from dondoc.reminders.queries import candidates_statement, explain
from dondoc.reminders.service import run_sweep
from tests.helpers import free_port, override_policy, seed_instance_id

LEAD = "dn-so-tu-phap"  # a department leading 1.k itself (Sở TT&TT is its co-agency, not a lead)
FOCAL = f"dau-moi.{LEAD}@demo.gov.vn"
HEAD = f"thu-truong.{LEAD}@demo.gov.vn"
COORD = "dieu-phoi.dn-vp-ubnd@demo.gov.vn"
LEADERS = "lanh-dao.dong-nai@demo.gov.vn"
NOW = datetime(2023, 12, 5, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage, bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email_policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg, raw))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m, _ in self.messages if address in rcpts]

    def clear(self) -> None:
        self.messages.clear()


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox, Controller]]:
    port = free_port()
    controller, inbox = start_smtp(port)
    yield port, inbox, controller
    controller.stop()


def contacts_file(tmp_path: Path, port: int, head_url: str | None = None, extra: str = "") -> Path:
    def mail(to: str) -> str:
        return f"mailto://127.0.0.1:{port}?from=dondoc@demo.gov.vn&to={to}"

    path = tmp_path / "contacts" / "dong-nai.apprise.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"""version: 1
urls:
  - "{mail(FOCAL)}":
      - tag: {LEAD}, focal
  - "{head_url or mail(HEAD)}":
      - tag: {LEAD}, head
  - "{mail(COORD)}":
      - tag: dn-vp-ubnd, coordinator
  - "{mail(LEADERS)}":
      - tag: dong-nai, leadership
{extra}""",
        encoding="utf-8",
    )
    return path


def instance_id(clause: str = "1.k", agency: str = LEAD) -> int:
    return seed_instance_id(clause, agency)


def ledger_rows(iid: int | None = None) -> list[tuple[str, str, str, int]]:
    with session_scope() as session:
        stmt = select(
            col(ReminderDelivery.recipient),
            col(ReminderDelivery.stage),
            col(ReminderDelivery.state),
            col(ReminderDelivery.attempts),
        )
        if iid is not None:
            stmt = stmt.where(col(ReminderDelivery.instance_id) == iid)
        return [tuple(r) for r in session.execute(stmt).all()]  # type: ignore[misc]


def sweep(day: date, path: Path, now: datetime = NOW, **kw: Any) -> Any:
    return run_sweep(day, province="dong-nai", now=now, today=date(2023, 12, 31), contacts=load_contacts(path), **kw)


def plain(msg: EmailMessage) -> str:
    body = msg.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(msg: EmailMessage) -> str:
    body = msg.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def mentions(msgs: list[EmailMessage], iid: int) -> bool:
    """The agency's own digest links the task on its portal page (issue 12); the Office's gives the completion
    command; an overseer's names the agency with its id."""
    return any(f"dondoc complete {iid} " in plain(m) or f"?task={iid}" in plain(m) or f"(#{iid})" in plain(m) for m in msgs)


def test_escalation_recipients_at_plus_1_3_7(seeded_db: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path) -> None:
    port, inbox, _ = smtp
    path = contacts_file(tmp_path, port)
    iid = instance_id()
    expected = {
        date(2023, 12, 5): {FOCAL, HEAD},
        date(2023, 12, 7): {FOCAL, HEAD, COORD},
        date(2023, 12, 13): {FOCAL, HEAD, COORD, LEADERS},
    }
    for day, who in expected.items():
        inbox.clear()
        result = sweep(day, path, now=NOW + timedelta(days=(day - date(2023, 12, 5)).days))
        assert result.failed == 0
        told = {addr for addr in (FOCAL, HEAD, COORD, LEADERS) if mentions(inbox.to(addr), iid)}
        assert told == who, day
        (block,) = [row for m in inbox.to(FOCAL) for row in html_of(m).split("<tr") if f"?task={iid}" in row]
        assert ("YÊU CẦU BÁO CÁO GIẢI TRÌNH" in block) == (day == date(2023, 12, 13))
        assert "GIẢI TRÌNH" in str(inbox.to(LEADERS)[0]["Subject"]) if day == date(2023, 12, 13) else True
    stages = {stage for _r, stage, state, _a in ledger_rows(iid) if state == "sent"}
    assert stages == {"overdue-1", "overdue-3", "overdue-7"}


def test_digest_subject_lines_and_html(seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path) -> None:
    port, inbox, _ = smtp
    iid = instance_id()
    sweep(date(2023, 12, 5), contacts_file(tmp_path, port))
    (msg,) = inbox.to(FOCAL)
    raw = next(r for rcpts, _m, r in inbox.messages if FOCAL in rcpts)
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0].lower()  # RFC 2047 encoded header
    subject = str(msg["Subject"])
    assert subject.startswith("[dondoc] Nhắc việc ngày 05/12/2023: ")
    assert "quá hạn" in subject
    assert msg["To"] == FOCAL
    text_part = plain(msg)
    assert "11677/UBND-HCC" in text_part
    assert "1.k" in text_part
    assert "04/12/2023" in text_part
    assert "quá hạn 1 ngày" in text_part
    # Issue 12: a department reports through its portal link; the CLI text stays in the Office's emails only.
    assert "/portal/open/" in text_part
    assert f"?task={iid}" in text_part
    assert "dondoc complete" not in text_part
    html = msg.get_body(("html",))
    assert html is not None
    content = str(html.get_content())
    assert "<table" in content
    assert "Báo cáo hoàn thành" in content
    # Urgency: the most overdue line comes first within the directive.
    days = [int(x.split("quá hạn ")[1].split(" ")[0]) for x in text_part.splitlines() if "quá hạn " in x and "ngày)" in x]
    assert days == sorted(days, reverse=True)


def test_email_has_an_html_part_and_a_readable_text_part(
    seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path
) -> None:
    """multipart/alternative: our HTML, and the text/plain part Apprise 2.2 derives from it (docs/reminders.md).

    Apprise cannot carry our own text template in an email; its text part is the HTML converted
    to text (one table cell per line). It must still carry every digest line: stage, clause,
    task, due date, days left/overdue, role and how to report completion.
    """
    from dondoc.reminders import service as sweep_module

    port, inbox, _ = smtp
    built: list[Any] = []
    original = sweep_module.build_digests

    def keep(*args: Any, **kwargs: Any) -> Any:
        digests = original(*args, **kwargs)
        built.extend(digests)
        return digests

    sweep_module.build_digests = keep  # type: ignore[assignment]
    try:
        sweep(date(2023, 12, 7), contacts_file(tmp_path, port))
    finally:
        sweep_module.build_digests = original  # type: ignore[assignment]
    (digest,) = [d for d in built if d.contact.key == f"email:{FOCAL}"]
    (msg,) = inbox.to(FOCAL)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    text_part = plain(msg).replace("\r\n", "\n")
    assert not re.search(r"</?(html|body|table|tr|td|th|p|br|h3|strong|small)\b", text_part)  # readable: no markup
    assert not re.search(r"&(amp|quot|lt|gt|#\d+);", text_part)  # and no entities
    assert text_part.startswith(f"Kính gửi: {', '.join(digest.addressees)}\n")
    assert digest.lines
    for group in digest.groups:
        assert group.label in text_part
        for line in group.lines:
            for shown in (f"[{line.stage_vi}] {line.task}", line.clause, line.due_vi, line.days_vi, line.role_vi, line.how_to):
                assert shown in text_part, shown
    assert "YÊU CẦU BÁO CÁO GIẢI TRÌNH" in text_part if digest.require_explanation else True
    assert "Thư nhắc việc tự động của dondoc" in text_part


def test_rerun_of_the_same_day_sends_nothing_twice(
    seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path
) -> None:
    port, inbox, _ = smtp
    path = contacts_file(tmp_path, port)
    first = sweep(date(2023, 12, 7), path)
    assert first.sent >= 3
    count = len(inbox.messages)
    again = sweep(date(2023, 12, 7), path, now=NOW + timedelta(hours=2))
    assert again.digests == []
    assert again.already_sent == first.planned
    assert len(inbox.messages) == count


def test_dry_run_sends_and_records_nothing(seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path) -> None:
    port, inbox, _ = smtp
    result = sweep(date(2023, 12, 7), contacts_file(tmp_path, port), dry_run=True, render=True)
    assert result.digests
    assert all(d.delivered is None for d in result.digests)
    assert any("Kính gửi" in d.text for d in result.digests)
    assert inbox.messages == []
    assert ledger_rows() == []


def test_smtp_down_then_back_nothing_lost_nothing_doubled(seeded_sqlite: str, tmp_path: Path) -> None:
    port = free_port()
    path = contacts_file(tmp_path, port)
    down = sweep(date(2023, 12, 5), path)
    assert down.sent == 0
    assert down.failed == len(down.digests) > 0
    assert {state for _r, _s, state, _a in ledger_rows()} == {"failed"}
    too_soon = sweep(date(2023, 12, 5), path, now=NOW + timedelta(minutes=5))  # backoff: 10 minutes
    assert too_soon.digests == []
    assert too_soon.waiting_backoff > 0
    controller, inbox = start_smtp(port)
    try:
        back = sweep(date(2023, 12, 5), path, now=NOW + timedelta(minutes=11))
        assert back.sent == len(down.digests)
        assert {state for _r, _s, state, _a in ledger_rows()} == {"sent"}
        sweep(date(2023, 12, 5), path, now=NOW + timedelta(hours=1))
        per_recipient = [rcpt for rcpts, _m, _r in inbox.messages for rcpt in rcpts]
        assert sorted(per_recipient) == sorted(set(per_recipient))  # each recipient exactly once
        assert len(per_recipient) == len(down.digests)
        assert {FOCAL, HEAD} <= set(per_recipient)
    finally:
        controller.stop()


def test_crash_between_send_and_ledger_write_is_resent_not_lost(
    seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, inbox, _ = smtp
    path = contacts_file(tmp_path, port)

    def crash(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("process killed after the send")

    with monkeypatch.context() as patch:
        patch.setattr(ledger, "mark_sent", crash)
        with pytest.raises(RuntimeError):
            sweep(date(2023, 12, 5), path, workers=1)
    assert len(inbox.to(FOCAL)) == 1
    assert "pending" in {state for _r, _s, state, _a in ledger_rows()}  # planned rows survived the crash
    again = sweep(date(2023, 12, 5), path, now=NOW + timedelta(minutes=1))
    assert again.sent >= 1
    assert len(inbox.to(FOCAL)) == 2  # at-least-once: delivered again rather than lost
    assert {state for _r, _s, state, _a in ledger_rows()} == {"sent"}
    sweep(date(2023, 12, 5), path, now=NOW + timedelta(hours=1))
    assert len(inbox.to(FOCAL)) == 2


def test_broken_recipient_does_not_block_others_and_is_reported(
    seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, inbox, _ = smtp
    override_policy(tmp_path, monkeypatch, "default:\n  reminders:\n    report_failures_after_attempts: 1\n")
    path = contacts_file(tmp_path, port, head_url="json://127.0.0.1:1/nobody-listens")
    result = sweep(date(2023, 12, 7), path)
    by_channel = {d.channel: d for d in result.digests if not d.delivered}
    assert set(by_channel) == {"chat"}
    assert inbox.to(FOCAL)
    assert inbox.to(COORD)
    assert result.failures_reported == 1
    notice = [m for m in inbox.to(COORD) if "Không gửi được" in str(m["Subject"])]
    assert len(notice) == 1
    assert "json://127.0.0.1:1/nobody-listens" in plain(notice[0])
    greeting = plain(notice[0]).splitlines()[0]
    assert greeting == "Kính gửi: Văn phòng UBND tỉnh"  # the office by its name, not its code (dn-vp-ubnd)
    again = sweep(date(2023, 12, 7), path, now=NOW + timedelta(hours=1))
    assert again.failures_reported == 0  # reported once


def test_after_downtime_only_the_latest_stage_goes_out(
    seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path
) -> None:
    port, inbox, _ = smtp
    path = contacts_file(tmp_path, port)
    iid = instance_id()
    sweep(date(2023, 11, 23), path, now=NOW - timedelta(days=12))  # before-7 of 04/12
    assert [s for _r, s, _st, _a in ledger_rows(iid)] == ["before-7"]
    inbox.clear()
    sweep(date(2023, 12, 4), path)  # down since: before-3 (29/11) and before-1 (01/12) are not sent
    assert sorted({s for _r, s, _st, _a in ledger_rows(iid)}) == ["before-7", "due-day"]
    assert "đến hạn hôm nay" in plain(inbox.to(FOCAL)[0])


def test_completion_stops_reminders(seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path) -> None:
    port, inbox, _ = smtp
    path = contacts_file(tmp_path, port)
    iid = instance_id()
    sweep(date(2023, 12, 5), path)
    assert mentions(inbox.to(FOCAL), iid)
    record_completion(
        iid, on=date(2023, 12, 6), evidence="Báo cáo số 1/BC-STTTT ngày 06/12/2023", actor="test", today=date(2023, 12, 6)
    )
    inbox.clear()
    sweep(date(2023, 12, 7), path, now=NOW + timedelta(days=2))
    assert inbox.to(COORD)  # the sweep ran and the other overdue tasks still escalate
    assert not mentions([m for _r, m, _raw in inbox.messages], iid)


class Hooks(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        Hooks.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


def test_chat_webhook_split_under_the_limit(seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    override_policy(tmp_path, monkeypatch, "default:\n  reminders:\n    chat_max_chars: 700\n")
    Hooks.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        path = tmp_path / "chat.apprise.yml"
        path.write_text(
            f'version: 1\nurls:\n  - "json://127.0.0.1:{server.server_port}/hook":\n      - tag: dn-vp-ubnd, coordinator\n',
            encoding="utf-8",
        )
        result = run_sweep(
            date(2023, 12, 7), province="dong-nai", now=NOW, today=date(2023, 12, 31), contacts=load_contacts(path)
        )
        (digest,) = result.digests
        assert digest.delivered
        assert digest.parts == len(Hooks.received) > 1
        bodies = [h["message"] for h in Hooks.received]
        assert all(len(b) <= 700 for b in bodies)
        assert bodies[0].startswith(f"(1/{digest.parts}) Kính gửi: ")
        assert sum(b.count("Vai trò: ") for b in bodies) == digest.lines
        # the coordinator oversees: one line per task naming its agencies, not 30 lines alike
        assert any("chủ trì: 30 cơ quan — " in b for b in bodies)
    finally:
        server.shutdown()


def test_hot_query_uses_the_partial_index(seeded_sqlite: str) -> None:
    with session_scope() as session:
        plan = " | ".join(explain(candidates_statement([date(2023, 12, 4), date(2023, 12, 15)], province=None), session=session))
    assert "ix_instance_open_agency_due" in plan
    assert "SCAN task_instance " not in plan.replace("USING INDEX", "") or "USING INDEX" in plan


def test_contacts_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.apprise.yml"
    path.write_text('version: 1\nurls:\n  - "mailto://127.0.0.1:1?to=a@b.vn":\n      - tag: dn-so-tttt\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.apprise\.yml:3: .*no role"):
        load_contacts(path)
    path.write_text("urls: nope\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs `urls:`"):
        load_contacts(path)


def test_secrets_come_from_the_environment_and_never_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.apprise.yml"
    path.write_text(
        'version: 1\nurls:\n  - "mailtos://dondoc:${TEST_SMTP_PASSWORD}@127.0.0.1:1?to=a@b.gov.vn&from=d@b.gov.vn":\n      - tag: dn-x, focal\n',
        encoding="utf-8",
    )
    caplog.set_level(logging.DEBUG)
    (missing,) = load_contacts(path, environ={}).contacts
    assert missing.url is None
    assert "TEST_SMTP_PASSWORD" in (missing.problem or "")
    (contact,) = load_contacts(path, environ={"TEST_SMTP_PASSWORD": "s3cr3t-pw"}).contacts
    assert contact.url is not None
    assert "s3cr3t-pw" in contact.url
    assert contact.key == "email:a@b.gov.vn"
    assert "s3cr3t-pw" not in contact.display
    from dondoc.reminders import notify

    outcome = notify.send(contact.url, title="t", body="b", html=False)
    assert not outcome.ok
    assert "s3cr3t-pw" not in (outcome.error or "")
    assert "s3cr3t-pw" not in caplog.text


def test_cc_and_several_to_addresses_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.apprise.yml"
    path.write_text(
        'version: 1\nurls:\n  - "mailto://127.0.0.1:1?from=x@b.vn&to=a@b.vn&cc=c@b.vn":\n      - tag: dn-x, focal\n'
        '  - "mailto://127.0.0.1:1?from=x@b.vn&to=a@b.vn,d@b.vn":\n      - tag: dn-x, head\n',
        encoding="utf-8",
    )
    first, second = load_contacts(path).contacts
    assert first.url is None
    assert "cc/bcc" in (first.problem or "")
    assert second.url is None
    assert "2 người nhận" in (second.problem or "")


def test_cli_remind_dry_run_json_and_replay(
    seeded_sqlite: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, inbox, _ = smtp
    monkeypatch.setenv("DONDOC_CONTACTS", str(contacts_file(tmp_path, port).parent))
    from dondoc.cli import app
    from dondoc.configuration.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    out = runner.invoke(app, ["remind", "--as-of", "05/12/2023", "--dry-run", "--format", "json", "--province", "dong-nai"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert any(FOCAL.replace("@", "%40") in d["recipient"] for d in data["digests"])
    assert inbox.messages == []
    out = runner.invoke(
        app, ["replay", "--from", "04/12/2023", "--to", "08/12/2023", "--province", "dong-nai", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    days = json.loads(out.stdout)
    assert [d["day"] for d in days] == ["2023-12-04", "2023-12-05", "2023-12-06", "2023-12-07", "2023-12-08"]
    assert sum(d["sent"] for d in days) == len(inbox.messages) > 0
    out = runner.invoke(app, ["remind", "--as-of", "09/12/2023"])  # Saturday
    assert out.exit_code == 0
    assert "ngày nghỉ" in out.stdout
    out = runner.invoke(app, ["replay", "--from", "08/12/2023", "--to", "01/12/2023"])
    assert out.exit_code == 2


def test_local_mailbox_stores_what_it_receives(tmp_path: Path) -> None:
    from dondoc.reminders import notify

    port = free_port()
    controller = start_mailbox(tmp_path / "mailbox", port=port)
    try:
        outcome = notify.send(
            f"mailto://localhost:{port}?from=d@demo.gov.vn&to=x.demo@dongnai.gov.vn",
            title="Nhắc việc",
            body="<p>Chào</p>",
            html=True,
        )
        assert outcome.ok
    finally:
        controller.stop()
    (stored,) = (tmp_path / "mailbox" / "x.demo@dongnai.gov.vn").glob("*.eml")
    assert str(email.message_from_bytes(stored.read_bytes(), policy=email_policy.default)["Subject"]) == "Nhắc việc"


def test_demo_contacts_cover_every_agency_of_the_seeds() -> None:
    import yaml

    root = Path(__file__).resolve().parent.parent
    book = load_contacts(root / "directives_seed" / "contacts")
    assert all(c.problem is None for c in book.contacts)
    for registry in (root / "directives_seed" / "agencies").glob("*.yaml"):
        data = yaml.safe_load(registry.read_text(encoding="utf-8"))
        assert book.lookup(data["province"], "leadership")
        for agency in data["agencies"]:
            assert book.lookup(agency["code"], "focal")
            assert book.lookup(agency["code"], "head")
    assert book.lookup("dn-vp-ubnd", "coordinator")
    assert all("localhost:2525" in (c.url or "") for c in book.contacts)


def test_group_co_agency_is_reminded_through_its_members(
    seeded_db: str, smtp: tuple[int, Inbox, Controller], tmp_path: Path
) -> None:
    """170/KH-VP PL 1.1: lead Phòng HCTC, co-agency the group dn-g-vp-phong (the Office's units).

    "Trước ngày 31/01/2024" → due Tuesday 30/01/2024; co-agency reminders 7 and 3 working days
    before: Friday 19/01 (first delivered by the sweep of Monday 22/01, the first sweep after the
    plan was issued on 18/01) and Thursday 25/01. Each member unit gets them; the group code is
    never an addressee.
    """
    from dondoc.directives.queries import group_members

    port, inbox, _ = smtp
    with session_scope() as session:
        phong = group_members("dong-nai", session=session)["dn-g-vp-phong"]
        (iid,) = session.execute(
            text(
                "select ti.id from task_instance ti join assignment a on a.id = ti.assignment_id "
                "join directive d on d.id = ti.directive_id where d.number = '170/KH-VP' and a.clause = 'PL 1.1'"
            )
        ).scalars()
    lead = "dn-vp-hctc"
    members = sorted(set(phong) - {lead})
    assert {"dn-vp-qttv", "dn-vp-ttpvhcc", "dn-vp-cong-ttdt"} <= set(members)

    def mail(to: str) -> str:
        return f"mailto://127.0.0.1:{port}?from=dondoc@demo.gov.vn&to={to}"

    path = tmp_path / "contacts" / "dong-nai.apprise.yml"
    path.parent.mkdir()
    entries = "".join(f'  - "{mail(f"dau-moi.{code}@demo.gov.vn")}":\n      - tag: {code}, focal\n' for code in [lead, *members])
    path.write_text(f"version: 1\nurls:\n{entries}", encoding="utf-8")

    jan22 = datetime(2024, 1, 22, 0, 30, tzinfo=UTC)
    dry = sweep(date(2024, 1, 22), path, now=jan22, dry_run=True, render=True)
    assert not [u for u in dry.unrouted if u["addressee"] == "dn-g-vp-phong"]
    assert not [u for u in dry.unrouted if u["instance_id"] == iid]
    co_line = re.compile(rf"Gửi đầu vào cho [^\n]*\?task={iid}\b")  # the co-agency line links the lead's instance
    told = {d.recipient for d in dry.digests if co_line.search(d.text)}
    assert len(told) == len(members)

    for day, stage in ((date(2024, 1, 22), "co-before-7"), (date(2024, 1, 25), "co-before-3")):
        inbox.clear()
        result = sweep(day, path, now=jan22 + timedelta(days=(day - date(2024, 1, 22)).days))
        assert result.failed == 0
        assert not [u for u in result.unrouted if u["addressee"] == "dn-g-vp-phong"]
        for code in members:
            (msg,) = inbox.to(f"dau-moi.{code}@demo.gov.vn")
            body = plain(msg)
            assert "Nhắc phối hợp" in body, code
            assert "PL 1.1" in body
            assert "30/01/2024" in body
            assert "phối hợp với Phòng HCTC" in body
        (lead_msg,) = inbox.to(f"dau-moi.{lead}@demo.gov.vn")
        assert f"?task={iid}" in plain(lead_msg)  # the lead is not reminded as its own co-agency
        assert "phối hợp với Phòng HCTC" not in plain(lead_msg)
        sent = {(r, s) for r, s, st, _a in ledger_rows(iid) if st == "sent"}
        assert {(f"email:dau-moi.{code}@demo.gov.vn", stage) for code in members} <= sent
    assert {s for _r, s, _st, _a in ledger_rows(iid)} == {"before-7", "before-3", "co-before-7", "co-before-3"}
