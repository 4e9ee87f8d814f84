"""The portal's use cases and pages through the ASGI app (no browser): both database backends, the CLI,
uploads refused by content and size, a co-agency's input, KPI actuals recorded on approval."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlmodel import col
from typer.testing import CliRunner

from dondoc import db as dondoc_db
from dondoc.calendars.server import create_app
from dondoc.cli import app as cli
from dondoc.db import session_scope
from dondoc.models import AuditEvent, TaskInstance
from dondoc.models.portal import PortalLink, PortalSubmission
from dondoc.portal import service as portal
from tests.helpers import override_policy, seed_instance_id

AS_OF = date(2023, 12, 6)
NOI_VU = "dn-so-noi-vu"
TTTT = "dn-so-thong-tin-truyen-thong"
TU_PHAP = "dn-so-tu-phap"  # leads 1.k (Sở TT&TT contributes to it)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def instance(clause: str, agency: str) -> int:
    return seed_instance_id(clause, agency, earliest=True)


def client_for(agency: str, *, office: bool = False) -> TestClient:
    link = portal.issue_link(agency, office=office, recipient=None, label=None, actor="test", base="http://testserver")
    client = TestClient(create_app(as_of=lambda: AS_OF))
    opened = client.get(link.url.removeprefix("http://testserver"), follow_redirects=False)
    assert opened.status_code == 303
    return client


def csrf(client: TestClient) -> str:
    """The session's CSRF token, from the hidden field of a page with a form (a department's calendar page, the Office's queue)."""
    for path in ("/portal/calendar", "/portal/"):
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
        if found:
            return found.group(1)
    raise AssertionError("no page with a form")


def post(client: TestClient, path: str, data: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None) -> int:
    response = client.post(path, data={"csrf_token": csrf(client), **data}, files=files, follow_redirects=False)
    return int(response.status_code)


def test_completion_with_kpis_waits_for_the_office_and_is_recorded_by_its_decision(seeded_db: str) -> None:
    iid = instance("1.b", NOI_VU)  # asks for processed_on_system_rate
    dept = client_for(NOI_VU)
    page = dept.get(f"/portal/task/{iid}").text
    assert 'name="kpi_processed_on_system_rate"' in page
    data = {"report_number": "88/BC-SNV", "report_date": "04/12/2023", "kpi_processed_on_system_rate": "96,5"}
    assert post(dept, f"/portal/task/{iid}/complete", data, {"file": ("bc.pdf", PDF, "application/pdf")}) == 303
    assert (
        post(dept, f"/portal/task/{iid}/complete", data, {"file": ("bc.pdf", PDF, "application/pdf")}) == 400
    )  # one pending at a time
    with session_scope() as session:
        (sub,) = session.execute(select(PortalSubmission)).scalars()
    assert sub.kpis == {"processed_on_system_rate": 96.5}

    before = dept.get("/portal/").text  # rendered and cached: the approval below must invalidate it
    assert "88/BC-SNV" not in before
    assert "chờ Văn phòng duyệt" in before
    office = client_for("dn-vp-ubnd", office=True)
    queue = office.get("/portal/").text
    assert "88/BC-SNV" in queue
    other_office = client_for("dn-vp-hctc", office=True)  # coordinates 170/KH-VP only
    assert "88/BC-SNV" not in other_office.get("/portal/").text
    assert post(other_office, f"/portal/submission/{sub.id}/decide", {"decision": "approve"}) == 404
    assert post(office, f"/portal/submission/{sub.id}/decide", {"decision": "approve"}) == 303
    assert post(office, f"/portal/submission/{sub.id}/decide", {"decision": "approve"}) == 400  # already decided

    with session_scope() as session:
        row = session.get(TaskInstance, iid)
        assert row is not None
        assert (row.state, row.completed_on, row.kpi_values) == ("done", date(2023, 12, 4), {"processed_on_system_rate": 96.5})
        actions = [a for (a,) in session.execute(select(col(AuditEvent.action)).where(col(AuditEvent.instance_id) == iid))]
    assert actions.count("portal.submission.completion") == 1
    assert "portal.submission.approved" in actions
    assert "88/BC-SNV" in dept.get("/portal/").text  # listed under "Đã hoàn thành"


def test_uploads_are_checked_by_content_and_size(seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    override_policy(tmp_path, monkeypatch, "default:\n  portal:\n    max_upload_mb: 0.05\n")
    dondoc_db.reset_engine()
    iid = instance("1.k", TU_PHAP)
    dept = client_for(TU_PHAP)
    data = {"report_number": "1/BC", "report_date": "05/12/2023"}
    fake = dept.post(
        f"/portal/task/{iid}/complete", data=data, files={"file": ("bao-cao.pdf", b"not a pdf at all", "application/pdf")},
        headers={"x-csrftoken": csrf(dept)},
    )  # fmt: skip
    assert fake.status_code == 400
    assert "Loại tệp không được chấp nhận" in fake.text
    big = PDF + b"0" * 200_000
    too_big = dept.post(
        f"/portal/task/{iid}/complete", data=data, files={"file": ("big.pdf", big, "application/pdf")},
        headers={"x-csrftoken": csrf(dept)},
    )  # fmt: skip
    assert too_big.status_code == 400
    assert "vượt giới hạn 0.05 MB" in too_big.text
    huge = dept.post(
        f"/portal/task/{iid}/complete", data=data, files={"file": ("huge.pdf", PDF + b"0" * 400_000, "application/pdf")},
        headers={"x-csrftoken": csrf(dept)},
    )  # fmt: skip
    assert huge.status_code == 413  # refused from its Content-Length, before the body is read
    missing = post(dept, f"/portal/task/{iid}/complete", data)
    assert missing == 400
    with session_scope() as session:
        assert session.execute(select(PortalSubmission)).first() is None
    store = tmp_path / "data" / "portal-files"
    assert not [p for p in store.rglob("*") if p.is_file()] if store.exists() else True  # nothing half-written


def test_co_agency_sends_input_the_lead_sees_it(seeded_sqlite: str) -> None:
    lead_iid = instance("1.k", NOI_VU)  # Sở TT&TT is co-agency of 1.k
    co = client_for(TTTT)
    assert "Gửi đầu vào" in co.get(f"/portal/task/{lead_iid}").text
    assert (
        post(co, f"/portal/task/{lead_iid}/complete", {"report_number": "1", "report_date": "05/12/2023"}) == 404
    )  # not its task to close
    assert post(co, f"/portal/task/{lead_iid}/input", {"note": "Đã rà soát 12 hệ thống; danh sách kèm theo."}) == 303
    lead = client_for(NOI_VU)
    assert "Đã rà soát 12 hệ thống" in lead.get(f"/portal/task/{lead_iid}").text
    office = client_for("dn-vp-ubnd", office=True)
    assert "Đã rà soát 12 hệ thống" not in office.get("/portal/").text  # inputs are not approvals


def test_cli_issue_list_revoke(seeded_sqlite: str) -> None:
    runner = CliRunner()
    issued = runner.invoke(
        cli, ["portal-link", "issue", TTTT, "--recipient", "email:a@b.gov.vn", "--base-url", "https://dondoc.tinh.gov.vn"]
    )
    assert issued.exit_code == 0, issued.output
    url = re.search(r"https://dondoc\.tinh\.gov\.vn/portal/open/\S+", issued.output)
    assert url is not None
    office = runner.invoke(cli, ["portal-link", "issue", "dn-vp-ubnd", "--office"])
    assert office.exit_code == 0, office.output
    not_office = runner.invoke(cli, ["portal-link", "issue", TTTT, "--office"])
    assert not_office.exit_code == 2
    assert "coordinates no imported directive" in not_office.output
    listed = runner.invoke(cli, ["portal-link", "list", "--format", "json"])
    assert url.group(0).rsplit("/", 1)[1] not in listed.output  # never the token
    assert '"live": true' in listed.output
    revoked = runner.invoke(cli, ["portal-link", "revoke", TTTT])
    assert revoked.exit_code == 0
    assert portal.open_link(url.group(0).rsplit("/", 1)[1]) is None
    with session_scope() as session:
        rows = session.execute(select(PortalLink).order_by(col(PortalLink.id))).scalars().all()
        assert [(r.agency_code, r.role, r.revoked_at is not None) for r in rows] == [
            (TTTT, "department", True),
            ("dn-vp-ubnd", "office", False),
        ]
        audited = {a for (a,) in session.execute(select(col(AuditEvent.action)).where(col(AuditEvent.action).like("portal.%")))}
    assert audited == {"portal.link.issued", "portal.link.revoked"}
    unknown = runner.invoke(cli, ["portal-link", "issue", "so-khong-co"])
    assert unknown.exit_code == 2


def test_calendar_button_gives_a_working_webcal_link(seeded_sqlite: str) -> None:
    dept = client_for(TTTT)
    page = dept.post("/portal/calendar", headers={"x-csrftoken": csrf(dept)})
    assert page.status_code == 200
    found = re.search(r'href="(webcal://testserver/calendars/dn-so-thong-tin-truyen-thong\.ics\?token=[^"]+)"', page.text)
    assert found is not None
    feed = dept.get(found.group(1).replace("webcal://testserver", ""))
    assert feed.status_code == 200
    assert feed.text.startswith("BEGIN:VCALENDAR")
    again = dept.post("/portal/calendar", headers={"x-csrftoken": csrf(dept)})
    assert again.status_code == 200
    assert dept.get(found.group(1).replace("webcal://testserver", "")).status_code == 404  # the earlier one was replaced


def test_a_file_is_served_only_to_its_agency_and_the_office(seeded_sqlite: str) -> None:
    iid = instance("1.k", TU_PHAP)
    dept = client_for(TU_PHAP)
    files = {"file": ("bao cao.pdf", PDF, "application/pdf")}
    assert post(dept, f"/portal/task/{iid}/complete", {"report_number": "1/BC", "report_date": "05/12/2023"}, files) == 303
    with session_scope() as session:
        (sub,) = session.execute(select(PortalSubmission)).scalars()
    assert dept.get(f"/portal/submission/{sub.id}/file").content == PDF
    assert client_for("dn-vp-ubnd", office=True).get(f"/portal/submission/{sub.id}/file").content == PDF
    other = client_for(NOI_VU)
    assert other.get(f"/portal/submission/{sub.id}/file").status_code == 404
    assert TestClient(create_app(as_of=lambda: AS_OF)).get(f"/portal/submission/{sub.id}/file").status_code == 404  # no session
    assert io.BytesIO(PDF).read(4) == b"%PDF"


def test_the_agency_page_reads_open_rows_through_the_partial_index(seeded_sqlite: str) -> None:
    from dondoc.portal.queries import OPEN, _columns
    from dondoc.reminders.queries import explain

    stmt = (
        _columns()
        .where(col(TaskInstance.agency_id) == 1, OPEN, col(TaskInstance.due_date).is_not(None))
        .order_by(col(TaskInstance.due_date))
        .limit(101)
    )
    with session_scope() as session:
        plan = " | ".join(explain(stmt, session=session))
    assert "USING INDEX ix_instance_open_agency_due (agency_id=?" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # rows come in due-date order: the limit stops the walk


def test_a_consolidation_shows_what_it_still_waits_for(seeded_sqlite: str) -> None:
    from dondoc.directives.service import record_completion

    police = client_for("dn-cong-an-tinh")  # 2.b consolidates 2.a (one-off): the inputs due by 19/12/2023
    found = re.search(r"Đầu vào đã nhận (\d+)/(\d+)", police.get("/portal/").text)
    assert found is not None
    done, total = int(found.group(1)), int(found.group(2))
    assert (done, total) == (0, 38)
    record_completion(instance("2.a", TTTT), on=date(2023, 12, 5), evidence="1/BC", actor="test", today=AS_OF)
    assert "Đầu vào đã nhận 1/38; còn chờ 37 đơn vị" in police.get("/portal/").text  # the cached page was replaced

    office_as_department = client_for("dn-vp-ubnd")  # 8 (quarterly) consolidates 7: this quarter's 30 inputs, not every quarter's
    assert "Đầu vào đã nhận 0/30" in office_as_department.get("/portal/").text


def rename(code: str, name: str) -> None:
    """Change an agency's name behind dondoc's back (no audit row): only a page rendered again shows it."""
    with session_scope() as session:
        session.execute(text("update agency set name = :n, short_name = :n where code = :c"), {"n": name, "c": code})


def test_a_write_re_renders_only_the_pages_it_concerns(seeded_db: str) -> None:
    from dondoc.portal.queries import instance_audiences

    iid = instance("1.b", NOI_VU)  # Sở Nội vụ leads it; no co-agency, nothing consolidates it
    with session_scope() as session:
        assert instance_audiences([iid], session=session)[iid] == {NOI_VU, "dn-vp-ubnd"}
    noi_vu, tttt = client_for(NOI_VU), client_for(TTTT)
    office, other_office = client_for("dn-vp-ubnd", office=True), client_for("dn-vp-hctc", office=True)  # hctc: 170/KH-VP only
    for client in (noi_vu, tttt, office, other_office):
        assert client.get("/portal/").status_code == 200  # rendered and cached
    for code in (NOI_VU, TTTT, "dn-vp-ubnd", "dn-vp-hctc"):
        rename(code, f"Tên mới của {code}")

    # A write touching Sở Nội vụ's task: its page and its Office's queue are rebuilt, nobody else's.
    files = {"file": ("bc.pdf", PDF, "application/pdf")}
    assert post(noi_vu, f"/portal/task/{iid}/complete", {"report_number": "5/BC-SNV", "report_date": "04/12/2023"}, files) == 303
    page = noi_vu.get("/portal/").text
    assert f"Tên mới của {NOI_VU}" in page
    assert "chờ Văn phòng duyệt" in page
    queue = office.get("/portal/").text
    assert "5/BC-SNV" in queue
    assert "Tên mới của dn-vp-ubnd" in queue
    assert f"Tên mới của {TTTT}" not in tttt.get("/portal/").text  # kept: the write did not concern it
    assert "Tên mới của dn-vp-hctc" not in other_office.get("/portal/").text

    # A write that reaches Sở TT&TT (its input to 1.k, which it contributes to): now its page is rebuilt.
    assert post(tttt, f"/portal/task/{instance('1.k', TU_PHAP)}/input", {"note": "Danh sách hệ thống đã rà soát."}) == 303
    assert f"Tên mới của {TTTT}" in tttt.get("/portal/").text
    assert "Tên mới của dn-vp-hctc" not in other_office.get("/portal/").text


def test_a_failed_database_write_keeps_no_file_and_tells_the_person(seeded_sqlite: str, tmp_path: Path) -> None:
    """The database refuses the submission after the file was received (a real failure: a trigger raising
    in SQLite): no row, no file under any name, the form comes back with what was typed and says to send
    again; sent again once the database accepts, the file is stored under its final name only."""
    iid = instance("1.k", TU_PHAP)
    dept = client_for(TU_PHAP)
    with session_scope() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse_submission BEFORE INSERT ON portal_submission BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
            )
        )
    data = {"report_number": "31/BC-STP", "report_date": "05/12/2023", "note": "Báo cáo kết quả kết nối"}
    files = {"file": ("bao-cao.pdf", PDF, "application/pdf")}
    response = dept.post(
        f"/portal/task/{iid}/complete", data={"csrf_token": csrf(dept), **data}, files=files, follow_redirects=False
    )
    assert response.status_code == 503
    assert "chưa lưu được đề nghị này" in response.text
    assert "gửi lại" in response.text
    assert 'value="31/BC-STP"' in response.text  # what was typed is still there
    assert "Báo cáo kết quả kết nối" in response.text
    store = tmp_path / "data" / "portal-files"
    assert [p for p in store.rglob("*") if p.is_file()] == []  # neither the temporary file nor a final one
    with session_scope() as session:
        assert session.execute(select(PortalSubmission)).first() is None
        session.execute(text("DROP TRIGGER refuse_submission"))

    assert post(dept, f"/portal/task/{iid}/complete", data, files) == 303
    with session_scope() as session:
        (sub,) = session.execute(select(PortalSubmission)).scalars()
    kept = [p for p in store.rglob("*") if p.is_file()]
    assert [p.relative_to(store).as_posix() for p in kept] == [sub.file_path]
    assert kept[0].read_bytes() == PDF
