"""The portal in a real browser: Debian's Chromium driven by Playwright (nothing downloaded), against
`dondoc serve`'s app on loopback, with the digest received by a real SMTP server.

The README's pictures come from the demo's data instead: docs/portal_screenshots.py.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from icalendar import Calendar
from sqlalchemy import select, update
from sqlmodel import col

from dondoc import db as dondoc_db
from dondoc.calendars.server import create_app
from dondoc.calendars.service import issue as issue_calendar_token
from dondoc.calendars.store import FeedSpec
from dondoc.db import session_scope
from dondoc.models import AuditEvent, TaskInstance
from dondoc.models.portal import PortalLink, PortalSubmission
from dondoc.portal import service as portal
from dondoc.portal.store import stored_path
from dondoc.reports.service import build_report
from tests.helpers import free_port, poll
from tests.test_reminders_email import FOCAL, LEAD, contacts_file, html_of, instance_id, plain, start_smtp, sweep

TTTT = LEAD  # the lead agency of the reminder tests' contacts (its focal contact is FOCAL)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AS_OF = date(2023, 12, 6)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LINK = re.compile(r"https?://[^\s\"<>]+/portal/open/[^\s\"<>?]+\?task=(\d+)")


class AccessLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def stack(seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """SMTP server, contacts, and `dondoc serve`'s app (calendars + portal) with its access log captured."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (./run tests installs it)")
    smtp_port, port = free_port(), free_port()
    controller, inbox = start_smtp(smtp_port)
    contacts = contacts_file(tmp_path, smtp_port)
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("DONDOC_CONTACTS", str(contacts))
    monkeypatch.setenv("DONDOC_PORTAL_URL", base)
    dondoc_db.reset_engine()
    app = create_app(as_of=lambda: AS_OF)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", access_log=True))
    log = AccessLog()
    logging.getLogger("uvicorn.access").addHandler(log)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    poll(lambda: httpx.get(f"{base}/healthz").status_code, lambda code: code == 200, timeout=20, what="dondoc serve /healthz")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield {"base": base, "inbox": inbox, "contacts": contacts, "browser": browser, "log": log, "tmp": tmp_path}
        browser.close()
    logging.getLogger("uvicorn.access").removeHandler(log)
    server.should_exit = True
    thread.join(timeout=10)
    controller.stop()


def shoot(page: Any, tmp: Path, name: str, *, full_page: bool = True) -> None:
    path = tmp / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)  # kept beside the run's files, for a look when it fails


def real_pdf(path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.27, 11.69))
    figure.text(0.1, 0.9, "BÁO CÁO số 123/BC-STTTT ngày 05/12/2023", fontsize=14)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")
    path.write_bytes(buffer.getvalue())
    return path


def state_of(iid: int) -> TaskInstance:
    with session_scope() as session:
        row = session.get(TaskInstance, iid)
        assert row is not None
        return row


def test_department_reports_from_the_email_and_the_office_approves(stack: dict[str, Any]) -> None:
    base, inbox, browser, tmp = stack["base"], stack["inbox"], stack["browser"], stack["tmp"]
    iid = instance_id("1.k")  # due 04/12/2023: overdue on 05/12
    report_before = build_report("dong-nai", "2023-Q4", as_of=AS_OF, actor="test", today=AS_OF)
    assert iid in {row.instance_id for row in report_before.overdue}

    # 1. The digest the SMTP server received links the task on the department's page.
    sweep(date(2023, 12, 5), stack["contacts"])
    (msg,) = inbox.to(FOCAL)
    assert "dondoc complete" not in plain(msg)  # no CLI text in a department's email
    assert msg["Reply-To"] == "dieu-phoi.dn-vp-ubnd@demo.gov.vn"
    assert "Văn phòng UBND tỉnh" in plain(msg)  # the footer names the Office
    links = {int(m.group(1)): m.group(0) for m in LINK.finditer(html_of(msg))}
    assert iid in links

    # 2. The department opens it on a phone and reports completion with a PDF.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN")
    page = phone.new_page()
    page.goto(links[iid])
    assert page.url == f"{base}/portal/task/{iid}"  # the token left the address bar
    page.get_by_label("Số, ký hiệu văn bản báo cáo").fill("123/BC-STTTT")
    page.get_by_label("Ngày báo cáo (dd/mm/yyyy)").fill("05/12/2023")
    page.locator("input[name=file]").set_input_files(str(real_pdf(tmp / "bao-cao-1k.pdf")))
    page.get_by_label("Ghi chú").fill("Đã kết nối, chia sẻ dữ liệu theo yêu cầu.")
    shoot(page, tmp, "portal-task-phone")
    page.get_by_role("button", name="Gửi báo cáo hoàn thành").click()
    page.wait_for_url(re.compile(r".*/portal/task/\d+\?sent=\d+"))
    assert "Chờ Văn phòng duyệt" in page.content()
    with session_scope() as session:
        (sub,) = session.execute(select(PortalSubmission).where(col(PortalSubmission.instance_id) == iid)).scalars()
    assert (sub.state, sub.report_number, sub.report_date, sub.file_type) == (
        "pending",
        "123/BC-STTTT",
        date(2023, 12, 5),
        "application/pdf",
    )
    assert stored_path(sub.file_path or "").read_bytes().startswith(b"%PDF")
    assert state_of(iid).state == "open"  # nothing is recorded before the Office approves
    page.goto(f"{base}/portal/")
    assert page.locator(".task").count() > 5
    shoot(page, tmp, "portal-department-phone", full_page=False)
    desktop_dept = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
    desktop_dept.goto(links[iid].split("?")[0])
    shoot(desktop_dept, tmp, "portal-department-desktop", full_page=False)

    # 3. The Office approves on its own page (its link is distinct).
    office_link = portal.issue_link("dn-vp-ubnd", office=True, recipient=None, label="test", actor="test", base=base)
    office = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
    office.goto(office_link.url)
    card = office.locator(f"#submission-{sub.id}")
    assert "123/BC-STTTT" in card.inner_text()
    shoot(office, tmp, "portal-office-desktop")
    card.get_by_role("button", name="Duyệt").click()
    office.wait_for_url(re.compile(rf".*/portal/\?decided={sub.id}"))

    # 4. Everything reflects it: the instance, the audit trail, the next sweep, the calendar, the report.
    done = state_of(iid)
    assert (done.state, done.completed_on) == ("done", date(2023, 12, 5))
    assert done.completion_evidence is not None
    assert "123/BC-STTTT ngày 05/12/2023" in done.completion_evidence
    assert "duyệt đề nghị" in (done.completed_by or "")
    with session_scope() as session:
        actions = {a for (a,) in session.execute(select(col(AuditEvent.action)).where(col(AuditEvent.instance_id) == iid))}
    assert {"portal.submission.completion", "instance.completed", "portal.submission.approved"} <= actions
    inbox.clear()
    sweep(date(2023, 12, 7), stack["contacts"], now=datetime(2023, 12, 7, 0, 30, tzinfo=UTC))
    assert all(f"?task={iid}" not in plain(m) for m in inbox.to(FOCAL))
    token = issue_calendar_token(FeedSpec("agency", TTTT), label="test").token
    feed = Calendar.from_ical(httpx.get(f"{base}/calendars/{TTTT}.ics", params={"token": token}).text)
    (event,) = [e for e in feed.walk("VEVENT") if str(e["UID"]) == f"instance-{iid}-lead-{TTTT}@dondoc"]
    assert str(event["SUMMARY"]).startswith("✓ ")
    report_after = build_report("dong-nai", "2023-Q4", as_of=AS_OF, actor="test", today=AS_OF)
    assert iid not in {row.instance_id for row in report_after.overdue}

    # 5. No token in the access log (portal links and calendar feeds alike).
    assert stack["log"].lines
    secrets = [links[iid].split("/portal/open/")[1].split("?")[0], office_link.url.rsplit("/", 1)[1], token]
    assert not [line for line in stack["log"].lines for s in secrets if s in line]
    assert any("/portal/open/***" in line for line in stack["log"].lines)


def test_rejection_is_emailed_with_its_reason(stack: dict[str, Any]) -> None:
    base, inbox, browser = stack["base"], stack["inbox"], stack["browser"]
    iid = instance_id("2.a")  # due 09/12/2023
    link = portal.issue_link(TTTT, office=False, recipient=None, label=None, actor="test", base=base)
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    page.goto(f"{link.url}?task={iid}")
    page.get_by_label("Hạn mới đề nghị (dd/mm/yyyy)").fill("31/12/2023")
    page.get_by_label("Lý do").fill("Chờ hướng dẫn của Bộ")
    page.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    page.wait_for_url(re.compile(r".*\?sent=\d+"))

    office_link = portal.issue_link("dn-vp-ubnd", office=True, recipient=None, label=None, actor="test", base=base)
    office = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
    office.goto(office_link.url)
    card = office.locator(".queue").filter(has_text="Đề nghị gia hạn đến 31/12/2023")
    card.get_by_role("button", name="Từ chối").click()  # no reason: refused, nothing decided
    office.get_by_text("Nêu lý do từ chối").wait_for()
    office.goto(f"{base}/portal/")
    card = office.locator(".queue").filter(has_text="Đề nghị gia hạn đến 31/12/2023")
    card.get_by_label("Lý do (bắt buộc khi từ chối)").fill("Chưa có văn bản của Bộ làm căn cứ")
    card.get_by_role("button", name="Từ chối").click()
    office.wait_for_url(re.compile(r".*\?decided=\d+"))

    assert state_of(iid).due_date == date(2023, 12, 9)  # a rejection records nothing
    (mail,) = poll(lambda: inbox.to(FOCAL), lambda msgs: len(msgs) == 1, timeout=20, what="rejection email")
    assert "chưa chấp nhận đề nghị gia hạn" in str(mail["Subject"])
    assert "Lý do: Chưa có văn bản của Bộ làm căn cứ" in plain(mail)
    assert mail["Reply-To"] == "dieu-phoi.dn-vp-ubnd@demo.gov.vn"
    page.goto(f"{base}/portal/")
    assert "Bị từ chối" in page.content()
    assert "Chưa có văn bản của Bộ làm căn cứ" in page.content()


def test_expired_revoked_and_foreign_links_open_nothing(stack: dict[str, Any]) -> None:
    base, browser = stack["base"], stack["browser"]
    mine = instance_id("1.k")
    foreign = instance_id("2.a", "dn-so-noi-vu")  # Sở TT&TT neither leads nor contributes
    link = portal.issue_link(TTTT, office=False, recipient=None, label=None, actor="test", base=base)
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    page.goto(f"{link.url}?task={mine}")
    assert page.get_by_role("button", name="Gửi báo cáo hoàn thành").is_visible()
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")

    # Another agency's task: not shown, and a forged form post (with a valid CSRF token) is refused.
    response = page.goto(f"{base}/portal/task/{foreign}")
    assert response is not None
    assert response.status == 404
    posted = page.evaluate(
        """async ([iid, csrf]) => {
            const body = new FormData(); body.append('new_due', '31/12/2023'); body.append('reason', 'x');
            const r = await fetch(`/portal/task/${iid}/extend`, {method: 'POST', body, headers: {'X-CSRFToken': csrf}});
            return r.status;
        }""",
        [foreign, csrf],
    )
    assert posted == 404
    no_csrf = page.evaluate(
        """async (iid) => {
            const body = new FormData(); body.append('new_due', '31/12/2023'); body.append('reason', 'x');
            return (await fetch(`/portal/task/${iid}/extend`, {method: 'POST', body})).status;
        }""",
        mine,
    )
    assert no_csrf == 403
    with session_scope() as session:
        assert not session.execute(select(PortalSubmission)).first()

    # Revoked: the open session stops at once, and the link no longer opens.
    portal.revoke_links(TTTT, link_id=link.id, actor="test")
    assert page.goto(f"{base}/portal/").status == 404  # type: ignore[union-attr]
    assert "đã bị thu hồi" in page.content()
    assert page.goto(link.url).status == 404  # type: ignore[union-attr]

    # Expired.
    expired = portal.issue_link(TTTT, office=False, recipient=None, label=None, actor="test", base=base)
    with session_scope() as session:
        session.execute(
            update(PortalLink).where(col(PortalLink.id) == expired.id).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    assert page.goto(expired.url).status == 404  # type: ignore[union-attr]
    assert "hết hạn" in page.content()


def test_forms_work_without_javascript(stack: dict[str, Any]) -> None:
    """JavaScript off: the CSRF token travels in each form's hidden field, so a plain form post works;
    a post without it is refused and records nothing."""
    base, browser, tmp = stack["base"], stack["browser"], stack["tmp"]
    iid = instance_id("1.k")
    link = portal.issue_link(TTTT, office=False, recipient=None, label=None, actor="test", base=base)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{link.url}?task={iid}")
    assert page.url == f"{base}/portal/task/{iid}"

    # Without the token (the context's own cookies, a well-formed multipart post): refused, nothing written.
    refused = context.request.post(
        f"{base}/portal/task/{iid}/complete",
        multipart={"report_number": "9/BC", "report_date": "05/12/2023",
                   "file": {"name": "x.pdf", "mimeType": "application/pdf", "buffer": real_pdf(tmp / "x.pdf").read_bytes()}},
    )  # fmt: skip
    assert refused.status == 403
    assert "thiếu mã xác thực" in refused.text()
    with session_scope() as session:
        assert session.execute(select(PortalSubmission)).first() is None

    # The page's own form, submitted by the browser itself.
    page.get_by_label("Số, ký hiệu văn bản báo cáo").fill("77/BC-STP")
    page.get_by_label("Ngày báo cáo (dd/mm/yyyy)").fill("05/12/2023")
    page.locator("input[name=file]").set_input_files(str(real_pdf(tmp / "bao-cao-khong-js.pdf")))
    page.get_by_role("button", name="Gửi báo cáo hoàn thành").click()
    page.wait_for_url(re.compile(rf".*/portal/task/{iid}\?sent=\d+"))
    assert "Đã gửi (#" in page.content()
    with session_scope() as session:
        (sub,) = session.execute(select(PortalSubmission)).scalars()
    assert (sub.state, sub.report_number, sub.file_type, sub.file_name) == (
        "pending",
        "77/BC-STP",
        "application/pdf",
        "bao-cao-khong-js.pdf",
    )
    assert stored_path(sub.file_path or "").read_bytes().startswith(b"%PDF")

    # The calendar button and the Office's decision buttons need no script either.
    page.goto(f"{base}/portal/")
    page.get_by_role("link", name="Đăng ký lịch hạn nhiệm vụ (webcal)").click()
    page.get_by_role("button", name="Tạo địa chỉ lịch").click()
    assert (page.get_by_role("link", name="Thêm vào ứng dụng Lịch").get_attribute("href", timeout=5000) or "").startswith(
        "webcal://"
    )
    office_link = portal.issue_link("dn-vp-ubnd", office=True, recipient=None, label=None, actor="test", base=base)
    office = browser.new_context(viewport=DESKTOP, java_script_enabled=False, locale="vi-VN").new_page()
    office.goto(office_link.url)
    office.locator(f"#submission-{sub.id}").get_by_role("button", name="Duyệt").click()
    office.wait_for_url(re.compile(rf".*/portal/\?decided={sub.id}"))
    done = state_of(iid)
    assert (done.state, done.completed_on) == ("done", date(2023, 12, 5))
