"""Calendar feeds from the seeded database: golden file, revisions, cache, every feed parsed back, CLI."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import update
from sqlmodel import col
from typer.testing import CliRunner

from dondoc.calendars.store import FeedSpec, render
from dondoc.cli import app
from dondoc.db import session_scope
from dondoc.directives import service as services
from dondoc.models import Agency, Assignment, Directive, TaskInstance

GOLDEN = Path(__file__).parent / "golden" / "calendar_dn-so-thong-tin-truyen-thong_2023-12-06.ics"
AGENCY = "dn-so-thong-tin-truyen-thong"
AS_OF = date(2023, 12, 6)
NOW = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)


def _render(spec: FeedSpec, *, as_of: date = AS_OF, now: datetime = NOW) -> tuple[str, bool, int]:
    with session_scope() as session:
        feed = render(spec, as_of=as_of, now=now, session=session)
    return feed.body, feed.from_cache, feed.rebuilt_events


def _events(body: str) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_golden_feed_of_so_tttt_for_11677(seeded_sqlite: str) -> None:
    """The Sở TT&TT feed as of 06/12/2023, byte for byte (set DONDOC_UPDATE_GOLDEN=1 to accept a deliberate change)."""
    body, _, _ = _render(FeedSpec("agency", AGENCY))
    if os.environ.get("DONDOC_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(body.encode())
    assert body.encode() == GOLDEN.read_bytes()


def test_agency_feed_holds_lead_and_co_agency_events(seeded_db: str) -> None:
    body, _, _ = _render(FeedSpec("agency", AGENCY))
    cal = Calendar.from_ical(body)
    events = cal.walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    lead = next(e for e in events if str(e["SUMMARY"]).startswith("[Chủ trì] 11677/UBND-HCC 5.b —"))
    assert lead.start == date(2023, 12, 9)  # "trước ngày 10/12/2023": strict reading
    assert lead.end == date(2023, 12, 10)
    assert lead.categories == ["11677/UBND-HCC", "Chủ trì"]
    # 1.k: "chủ động phối hợp Sở TT&TT" — the group's other 29 members lead, Sở TT&TT only contributes
    assert not [e for e in events if str(e["SUMMARY"]).startswith("[Chủ trì] 11677/UBND-HCC 1.k —")]
    co = [e for e in events if str(e["SUMMARY"]).startswith("[Phối hợp] 11677/UBND-HCC 1.k —")]
    assert len(co) == 1
    assert "(chủ trì: 29 cơ quan)" in str(co[0]["SUMMARY"])
    assert str(co[0]["DESCRIPTION"]).count("\n- ") == 29
    assert all(uid.endswith("@dondoc") for uid in by_uid)
    assert "14 nhiệm vụ thường xuyên hoặc chưa xác định thời hạn" in str(cal["X-WR-CALDESC"])
    window = recurring_ical_events.of(cal).between(date(2023, 12, 1), date(2024, 1, 1))
    assert {e.start for e in window} == {e.start for e in events if date(2023, 12, 1) <= e.start < date(2024, 1, 1)}


def test_completion_and_extension_bump_sequence_and_last_modified(seeded_db: str) -> None:
    spec = FeedSpec("agency", AGENCY)
    before = _events(_render(spec)[0])
    done_id = services.find_instance_id("11677/UBND-HCC", "5.b", AGENCY)
    moved_id = services.find_instance_id("11677/UBND-HCC", "2.a", AGENCY)
    done_uid = f"instance-{done_id}-lead-{AGENCY}@dondoc"
    moved_uid = f"instance-{moved_id}-lead-{AGENCY}@dondoc"
    assert before[done_uid]["SEQUENCE"] == 0
    services.record_completion(
        done_id, on=date(2023, 12, 6), evidence="Báo cáo 45/BC-STTTT ngày 06/12/2023", actor="test", today=AS_OF
    )
    services.record_extension(moved_id, to=date(2023, 12, 20), reason="QĐ gia hạn 9/QĐ-UBND", actor="test")
    later = NOW + timedelta(hours=5)
    body, from_cache, rebuilt = _render(spec, now=later)
    after = _events(body)
    assert not from_cache
    assert rebuilt == 2  # only the two changed events were serialised again
    assert set(after) == set(before)  # UIDs are stable
    for uid in (done_uid, moved_uid):
        assert after[uid]["SEQUENCE"] == 1
        assert after[uid]["LAST-MODIFIED"].dt == later
        assert after[uid]["DTSTAMP"].dt == later
    assert str(after[done_uid]["SUMMARY"]).startswith("✓ [Chủ trì] 11677/UBND-HCC 5.b")
    assert "hoàn thành ngày 06/12/2023 (Báo cáo 45/BC-STTTT ngày 06/12/2023)" in after[done_uid]["DESCRIPTION"]
    assert after[done_uid].walk("VALARM") == []  # completion stops reminders
    assert after[moved_uid].start == date(2023, 12, 20)
    assert "Đã gia hạn: hạn ban đầu 09/12/2023, hạn mới 20/12/2023." in after[moved_uid]["DESCRIPTION"]
    unchanged = next(uid for uid in before if uid not in (done_uid, moved_uid))
    assert after[unchanged]["SEQUENCE"] == 0
    assert after[unchanged]["LAST-MODIFIED"].dt == NOW


def test_cache_serves_unchanged_feed_and_cancelled_instances_stay_as_cancelled(seeded_sqlite: str) -> None:
    spec = FeedSpec("agency", AGENCY)
    first, cached, _ = _render(spec)
    assert not cached
    again, cached, rebuilt = _render(spec, now=NOW + timedelta(days=1))
    assert cached
    assert rebuilt == 0
    assert again == first
    victim = services.find_instance_id("11677/UBND-HCC", "5.b", AGENCY)
    with session_scope() as session:
        session.execute(
            update(TaskInstance)
            .where(TaskInstance.id == victim)  # type: ignore[arg-type]
            .values(
                state="cancelled",
                cancelled_reason="Văn bản được sửa: nhiệm vụ/kỳ này không còn",
                updated_at=datetime(2023, 12, 7, tzinfo=UTC),
            )
        )
    body, cached, rebuilt = _render(spec, now=NOW + timedelta(days=1))
    assert not cached
    assert rebuilt == 1
    gone = _events(body)[f"instance-{victim}-lead-{AGENCY}@dondoc"]
    assert gone["STATUS"] == "CANCELLED"
    assert gone["SEQUENCE"] == 1
    assert "Văn bản được sửa" in gone["DESCRIPTION"]


def test_events_show_every_body_reported_to_and_rebuild_exactly_on_rename_or_rewording(seeded_sqlite: str) -> None:
    """report_to may list several bodies (all shown, by name); an agency's new name or a clause's new
    wording rebuilds exactly the events that show it, and nothing else."""
    spec = FeedSpec("agency", AGENCY)
    first = _events(_render(spec)[0])
    moved_id = services.find_instance_id("11677/UBND-HCC", "2.a", AGENCY)
    uid = f"instance-{moved_id}-lead-{AGENCY}@dondoc"
    assert "Báo cáo về: UBND tỉnh (qua Công an tỉnh)" in str(first[uid]["DESCRIPTION"])
    with session_scope() as session:
        assignment_id = session.get(TaskInstance, moved_id).assignment_id  # type: ignore[union-attr]
        session.execute(
            update(Assignment)
            .where(col(Assignment.id) == assignment_id)
            .values(report_to_codes=["dn-ubnd-tinh", "dn-so-noi-vu", AGENCY])
        )
        # as a re-import of a reworded directive does (directives.store stamps imported_at)
        session.execute(
            update(Directive).where(col(Directive.code) == "11677/UBND-HCC").values(imported_at=NOW + timedelta(minutes=30))
        )
    body, cached, rebuilt = _render(spec, now=NOW + timedelta(hours=1))
    assert not cached  # the feed's fingerprint covers the wording it shows
    after = _events(body)
    assert "Báo cáo về: UBND tỉnh, Sở Nội vụ (qua Công an tỉnh)" in str(after[uid]["DESCRIPTION"])  # not itself
    assert rebuilt == 1
    assert after[uid]["SEQUENCE"] == 0  # wording, not date or status
    assert after[uid]["LAST-MODIFIED"].dt == NOW + timedelta(hours=1)

    with session_scope() as session:
        session.execute(update(Agency).where(col(Agency.code) == "dn-so-noi-vu").values(short_name="Sở Nội vụ Đồng Nai"))
    body, cached, rebuilt = _render(spec, now=NOW + timedelta(hours=2))
    assert not cached
    renamed = _events(body)
    showing = {u for u, e in after.items() if str(e["DESCRIPTION"]) != str(renamed[u]["DESCRIPTION"])}
    assert rebuilt == len(showing) > 1  # exactly the events that name it
    assert "Sở Nội vụ Đồng Nai" in str(renamed[uid]["DESCRIPTION"])
    assert all(renamed[u]["LAST-MODIFIED"].dt == after[u]["LAST-MODIFIED"].dt for u in after if u not in showing)


def test_every_exported_feed_parses_back(seeded_sqlite: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["ical", "--all", "--out", str(tmp_path / "ics"), "--as-of", "06/12/2023", "--province", "dong-nai", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "ics").glob("*.ics"))
    names = {f.name for f in files}
    assert {"agency-dn-so-thong-tin-truyen-thong.ics", "directive-11677-ubnd-hcc.ics", "province-dong-nai.ics"} <= names
    total = 0
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name  # others (a web server) can read it
        cal = Calendar.from_ical(path.read_text(encoding="utf-8"))
        events = cal.walk("VEVENT")
        assert str(cal["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
        assert len({str(e["UID"]) for e in events}) == len(events)
        expanded = recurring_ical_events.of(cal).between(date(2020, 1, 1), date(2030, 1, 1))
        assert len(expanded) == len(events)
        total += len(events)
    assert total > 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ical", "--out", "x.ics"], "chọn lịch: --agency"),
        (["ical", "--agency", "dn-so-tttt-sai", "--out", "x.ics"], "agency 'dn-so-tttt-sai': unknown"),
        (["ical", "--agency", AGENCY, "--directive", "11677/UBND-HCC", "--out", "x.ics"], "chỉ chọn một trong --agency"),
        (["ical", "--directive", "999/XX", "--out", "x.ics"], "directive '999/XX': not imported"),
        (["ical", "--province", "ha-noi", "--out", "x.ics"], "province 'ha-noi': unknown"),
        (["ical", "--agency", AGENCY, "--out", "x.ics", "--as-of", "31/02/2024"], "not a real date"),
        (["calendar-token", "revoke", "99"], "calendar token #99: unknown"),
        (["calendar-token", "issue", "khong-co"], "agency 'khong-co': unknown"),
        (
            ["publish-caldav", "http://127.0.0.1:9/", "--password-env", "DONDOC_NO_SUCH_VAR"],
            "DONDOC_NO_SUCH_VAR: that environment variable is not set",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "x.ics").exists()


def test_cli_writes_one_feed_and_manages_tokens(seeded_sqlite: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "tttt.ics"
    result = runner.invoke(app, ["ical", "--agency", AGENCY, "--out", str(out), "--as-of", "06/12/2023"])
    assert result.exit_code == 0, result.output
    assert len(Calendar.from_ical(out.read_text(encoding="utf-8")).walk("VEVENT")) == 25
    issued = runner.invoke(
        app, ["calendar-token", "issue", AGENCY, "--label", "Lịch Sở", "-f", "json", "--base-url", "https://lich.example.vn"]
    )
    assert issued.exit_code == 0, issued.output
    assert f"https://lich.example.vn/calendars/{AGENCY}.ics?token=" in issued.output
    listed = runner.invoke(app, ["calendar-token", "list", "-f", "json"])
    assert AGENCY in listed.output
    assert "token_hash" not in listed.output
    token = issued.output.split("token=")[1].split('"')[0]
    assert token not in listed.output
    assert runner.invoke(app, ["calendar-token", "revoke", "1"]).exit_code == 0
    assert '"revoked_at": null' not in runner.invoke(app, ["calendar-token", "list", "-f", "json"]).output
