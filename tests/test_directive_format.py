"""Issue 14 §2: the directive format says what real texts say. Each case is built on a real phrase.

Validation cases run without a database (the registry comes in the same batch); planning cases import
into a temporary SQLite database and read the planned instances back.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.db import session_scope
from dondoc.directives import service
from dondoc.directives.validation import Lookup, validate_paths
from dondoc.domain.deadlines import DeadlineKind, Frequency, ParsedDeadline, parse_deadline
from dondoc.domain.planning import NamedLead, ad_hoc_part, first_cycle_start, item_leads, plan_occurrences, report_targets
from dondoc.domain.policy import Policy
from dondoc.domain.workdays import WorkCalendar
from dondoc.errors import InputError
from dondoc.models import Agency, Assignment, TaskInstance

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "directives_seed" / "agencies" / "dong-nai.yaml"
AS_OF = date(2025, 9, 20)
HEADER = """\
number: 99/KH-UBND
province: dong-nai
issuer: UBND tỉnh
kind: ke_hoach
issued: "2025-09-12"
title: Kế hoạch thử định dạng
source_file: ke-hoach-99.docx
coordinator: Văn phòng UBND tỉnh
assignments:
"""


def directive(tmp_path: Path, items: str, header: str = HEADER) -> Path:
    path = tmp_path / "99-KH-UBND.yaml"
    path.write_text(header + items, encoding="utf-8")
    return path


def import_directive(tmp_path: Path, items: str) -> None:
    service.import_paths([REGISTRY, directive(tmp_path, items)], as_of=AS_OF, actor="test")


def item(clause: str, lead: str, extra: str = "") -> str:
    return f"""\
  - clause: "{clause}"
    text: Nhiệm vụ {clause} theo văn bản gốc, giữ nguyên câu chữ.
    summary: Nhiệm vụ {clause}
    lead: {lead}
{extra}"""


def check(paths: list[Path]) -> tuple[list[str], list[str]]:
    """(problems, warnings) of validating the registry and ``paths`` together."""
    try:
        batch = validate_paths([REGISTRY, *paths], Lookup())
    except InputError as exc:
        return exc.problems, []
    return [], batch.warnings


def refs(path: Path) -> dict[str, object]:
    batch = validate_paths([REGISTRY, path], Lookup())
    d = batch.directives[0]
    return {"issuer": d.issuer, "coordinator": d.coordinator, **{c: r for c, r in d.refs.items()}}


# --------------------------------------------------------------------------- names in place of codes


@pytest.mark.parametrize(
    ("written", "codes"),
    [
        ("Sở KH&CN", ("dn-so-khoa-hoc-cong-nghe",)),  # short name with '&'
        ("Sở Khoa học và Công nghệ", ("dn-so-khoa-hoc-cong-nghe",)),  # full name
        ("SKHCN", ("dn-so-khoa-hoc-cong-nghe",)),  # alias
        ("UBND các xã, phường, thị trấn", ("dn-g-xa",)),  # a group, commas inside the name
        ("Sở Tư pháp, Sở Nội vụ", ("dn-so-tu-phap", "dn-so-noi-vu")),  # two names in one string
        ("dn-so-noi-vu", ("dn-so-noi-vu",)),  # a code stays a code
    ],
)
def test_a_lead_written_as_the_document_writes_it_resolves_to_codes(tmp_path: Path, written: str, codes: tuple[str, ...]) -> None:
    found = refs(directive(tmp_path, item("1.a", f'"{written}"')))
    assert found["1.a"].leads == codes  # type: ignore[attr-defined]
    assert (found["issuer"], found["coordinator"]) == ("dn-ubnd-tinh", "dn-vp-ubnd")


def test_an_unknown_name_says_did_you_mean_with_file_and_line(tmp_path: Path) -> None:
    path = directive(tmp_path, item("1.a", '"Sở KH và CN"', '    co_agencies: ["Sở Khoa hoc Cong nghe tinh"]\n'))
    problems, _ = check([path])
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:14: assignments.0.co_agencies.0: unknown agency or group 'Sở Khoa hoc Cong nghe tinh' (is neither")
    assert "did you mean dn-so-khoa-hoc-cong-nghe (Sở Khoa học và Công nghệ)?" in problems[0]


def test_error_messages_print_codes_brackets_and_patterns_literally(sqlite_db: str, tmp_path: Path) -> None:
    """Regression: the terminal markup swallowed "[a-z0-9]" inside a pattern."""
    path = directive(tmp_path, "", HEADER.replace("province: dong-nai", "province: Dong Nai") + item("1.a", "dn-so-noi-vu"))
    result = CliRunner().invoke(app, ["import", "--check", str(REGISTRY), str(path)])
    assert result.exit_code == 2
    assert "^[a-z0-9]+(?:[-.][a-z0-9]+)*$" in result.output
    assert f"{path}:2: province:" in result.output


@pytest.mark.parametrize("field", ["province", "issuer", "coordinator", "issued"])
def test_a_draft_with_an_empty_header_field_is_refused_naming_file_line_and_field(tmp_path: Path, field: str) -> None:
    header = "\n".join(f"{field}: null" if line.startswith(f"{field}:") else line for line in HEADER.splitlines()) + "\n"
    path = directive(tmp_path, item("1.a", "dn-so-noi-vu"), header)
    problems, _ = check([path])
    line = next(i for i, text in enumerate(header.splitlines(), 1) if text.startswith(f"{field}:"))
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}: {field}: still empty in the draft; fill it in")


def test_draft_keys_lines_and_flags_are_accepted_and_cong_dien_is_a_kind(tmp_path: Path) -> None:
    header = HEADER.replace("kind: ke_hoach", "kind: cong_dien").replace(
        "assignments:", "flags: ['dòng 3: signer: Không tìm thấy người ký']\nassignments:"
    )
    path = directive(tmp_path, item("1", "dn-so-noi-vu", "    lines: [12, 14]\n    flags: [Nhiều cơ quan chủ trì]\n"), header)
    assert check([path]) == ([], [])


# --------------------------------------------------------------------------- leads


@pytest.mark.parametrize(
    ("named", "co_agencies", "leads"),
    [
        # "Sở Tư pháp, Sở Nội vụ chủ trì": each its own instance
        ([NamedLead("tp", False, ["tp"]), NamedLead("nv", False, ["nv"])], [], ["tp", "nv"]),
        # "Chủ trì: Các Sở, ban, ngành; Phối hợp: Sở KH&CN": Sở KH&CN is not also a lead
        ([NamedLead("g-so", True, ["khcn", "nv", "tp"])], ["khcn"], ["nv", "tp"]),
        # named as a lead in its own right, it leads even though it is also a co-agency elsewhere
        ([NamedLead("g-so", True, ["khcn", "nv"]), NamedLead("khcn", False, ["khcn"])], ["khcn"], ["khcn", "nv"]),
        # a co-agency outside the group changes nothing; an agency in two named groups leads once
        ([NamedLead("g-so", True, ["nv", "tp"]), NamedLead("g-2", True, ["tp", "ca"])], ["vp"], ["nv", "tp", "ca"]),
    ],
)
def test_item_leads(named: list[NamedLead], co_agencies: list[str], leads: list[str]) -> None:
    assert item_leads(named, co_agencies) == leads


@pytest.mark.parametrize(
    ("agency", "report_to", "targets"),
    [
        ("dn-so-tu-phap", ["dn-so-noi-vu"], ["dn-so-noi-vu"]),
        ("dn-so-noi-vu", ["dn-so-noi-vu"], []),  # "Các sở báo cáo Sở Nội vụ": Sở Nội vụ does not report to itself
        ("dn-so-noi-vu", ["dn-ubnd-tinh", "dn-so-noi-vu"], ["dn-ubnd-tinh"]),
    ],
)
def test_no_agency_reports_to_itself(agency: str, report_to: list[str], targets: list[str]) -> None:
    assert report_targets(agency, report_to) == targets


def _instances(clause: str) -> list[tuple[str, str, date | None, date]]:
    with session_scope() as s:
        rows = s.exec(
            select(Agency.code, TaskInstance.period, TaskInstance.due_date, TaskInstance.opens_on)
            .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
            .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
            .where(Assignment.clause == clause)
            .order_by(col(TaskInstance.due_date), col(Agency.code))
        ).all()
    return [(a, p, d, o) for a, p, d, o in rows]


def test_several_leads_and_a_group_minus_its_co_agencies_are_planned(sqlite_db: str, tmp_path: Path) -> None:
    import_directive(
        tmp_path,
        item("1", '["Sở Tư pháp", "Sở Nội vụ"]', "    deadline: trước ngày 31/10/2025\n")
        + item("2", "Các sở, ban ngành tỉnh", "    co_agencies: [Sở KH&CN]\n    deadline: trước ngày 31/10/2025\n"),
    )
    assert [(a, d) for a, _, d, _ in _instances("1")] == [("dn-so-noi-vu", date(2025, 10, 30)), ("dn-so-tu-phap", date(2025, 10, 30))]
    second = {a for a, _, _, _ in _instances("2")}
    assert "dn-so-noi-vu" in second
    assert "dn-so-khoa-hoc-cong-nghe" not in second  # phối hợp: it contributes, it does not also lead
    rows = service.task_rows(AS_OF, agency="dn-so-khoa-hoc-cong-nghe", include_co_agency=True, directive="99/KH-UBND")
    assert {(r.clause, r.role) for r in rows} == {("2", "phối hợp")}


def test_report_to_several_bodies_and_report_via_reach_the_tasks_json(seeded_sqlite: str, tmp_path: Path) -> None:
    path = directive(
        tmp_path,
        item(
            "3",
            "Các sở, ban ngành tỉnh",
            "    deadline: trước ngày 15/10/2025\n    report_to: [UBND tỉnh, Sở Nội vụ]\n    report_via: Công an tỉnh\n",
        ),
    )
    service.import_paths([path], as_of=AS_OF, actor="test")
    result = CliRunner().invoke(app, ["tasks", "--directive", "99/KH-UBND", "--as-of", "20/09/2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["agency"]: r for r in json.loads(result.stdout)}
    assert rows["dn-so-tu-phap"]["report_to"] == ["dn-ubnd-tinh", "dn-so-noi-vu"]
    assert rows["dn-so-tu-phap"]["report_via"] == "dn-cong-an-tinh"
    assert rows["dn-so-noi-vu"]["report_to"] == ["dn-ubnd-tinh"]  # never to itself


# --------------------------------------------------------------------------- starts and windows

CALENDAR = WorkCalendar(frozenset(), frozenset())
POLICY = Policy()


def test_a_range_is_due_at_its_end_and_keeps_its_start() -> None:
    """"Quý IV/2025 - Quý II/2026" as the parser reads a range (ONCE, due at the end, ``starts`` kept)."""
    parsed = ParsedDeadline(
        "Quý IV/2025 - Quý II/2026", DeadlineKind.ONCE, True, "từ 01/10/2025 đến 30/06/2026", due=date(2026, 6, 30), starts=date(2025, 10, 1)
    )
    [planned] = plan_occurrences(parsed, start=date(2025, 9, 12), end=None, horizon_end=date(2026, 9, 30), calendar=CALENDAR, policy=POLICY)
    assert (planned.opens_on, planned.due_date) == (date(2025, 10, 1), date(2026, 6, 30))


@pytest.mark.parametrize(
    ("start", "stated", "first"),
    [
        (date(2025, 9, 12), False, date(2025, 9, 19)),  # issued 12/9: the first period is not due on 14/9
        (date(2025, 9, 12), True, date(2025, 9, 12)),  # the text (or `start:`) says when: kept
    ],
)
def test_first_cycle_start(start: date, stated: bool, first: date) -> None:
    assert first_cycle_start(start, stated=stated, min_days=7) == first


@pytest.mark.parametrize(
    ("item_start", "first_due"),
    [
        (None, date(2025, 10, 14)),  # "trước ngày 15 hàng tháng", issued 12/09/2025: 14/09 is two days after issue
        ("2025-09-01", date(2025, 9, 14)),  # the reviewer wrote the start the text gives: September is owed
    ],
)
def test_a_monthly_cycle_does_not_fall_two_days_after_issue_unless_the_text_says_so(
    sqlite_db: str, tmp_path: Path, item_start: str | None, first_due: date
) -> None:
    extra = "    deadline: trước ngày 15 hàng tháng\n" + (f"    start: {item_start}\n" if item_start else "")
    service.import_paths([REGISTRY, directive(tmp_path, item("4", "dn-so-noi-vu", extra))], as_of=AS_OF, actor="test")
    assert _instances("4")[0][2] == first_due


def test_an_item_start_opens_a_dated_task(sqlite_db: str, tmp_path: Path) -> None:
    extra = "    deadline: Quý II/2026\n    start: 2025-10-01\n"
    service.import_paths([REGISTRY, directive(tmp_path, item("5", "dn-so-noi-vu", extra))], as_of=AS_OF, actor="test")
    assert [(d, o) for _, _, d, o in _instances("5")] == [(date(2026, 6, 30), date(2025, 10, 1))]


AD_HOC_PHRASE = "Định kỳ hằng tháng hoặc đột xuất khi có yêu cầu"


def test_the_periodic_part_of_hoac_dot_xuat_is_planned(sqlite_db: str, tmp_path: Path) -> None:
    extra = f"    deadline: {AD_HOC_PHRASE}\n"
    service.import_paths([REGISTRY, directive(tmp_path, item("6", "dn-so-noi-vu", extra))], as_of=AS_OF, actor="test")
    periods = _instances("6")
    assert periods
    assert all(d is not None and d.day == 15 for _, _, d, _ in periods)
    assert parse_deadline(AD_HOC_PHRASE).frequency is Frequency.MONTHLY


def test_the_ad_hoc_part_is_recorded_and_shown(sqlite_db: str, tmp_path: Path) -> None:
    assert ad_hoc_part(parse_deadline(AD_HOC_PHRASE)) == "hoặc đột xuất khi có yêu cầu"
    extra = f"    deadline: {AD_HOC_PHRASE}\n"
    service.import_paths([REGISTRY, directive(tmp_path, item("6", "dn-so-noi-vu", extra))], as_of=AS_OF, actor="test")
    [row, *_] = service.task_rows(AS_OF, directive="99/KH-UBND")
    assert row.ad_hoc == "hoặc đột xuất khi có yêu cầu"


# --------------------------------------------------------------------------- repeated items, --check


def test_an_item_repeated_in_the_appendix_is_linked_not_planned_twice(sqlite_db: str, tmp_path: Path) -> None:
    import_directive(
        tmp_path,
        item("2.a", "dn-so-noi-vu", "    deadline: trước ngày 31/10/2025\n")
        + item("PL 4", "Sở Nội vụ", '    deadline: trước ngày 31/10/2025\n    repeats: "2.a"\n'),
    )
    assert len(_instances("2.a")) == 1
    assert _instances("PL 4") == []
    with session_scope() as s:
        assert s.exec(select(Assignment.repeats).where(Assignment.clause == "PL 4")).one() == "2.a"


def test_repeats_must_name_another_clause(tmp_path: Path) -> None:
    path = directive(tmp_path, item("PL 4", "dn-so-noi-vu", '    repeats: "2.b"\n'))
    problems, _ = check([path])
    assert problems == [f"{path}:14: assignments.0.repeats: no other clause '2.b' in this directive; name the clause that states the same task (e.g. the appendix row 'PL 2.4')"]


def test_import_check_shows_what_would_be_planned_and_writes_nothing(sqlite_db: str, tmp_path: Path) -> None:
    path = directive(
        tmp_path,
        item("1", '["Sở Tư pháp", "Sở Nội vụ"]', "    deadline: trước ngày 15 hàng tháng\n")
        + item("PL 1", "dn-so-noi-vu", '    repeats: "1"\n'),
    )
    result = CliRunner().invoke(app, ["import", "--check", "--as-of", "20/09/2025", "--format", "json", str(REGISTRY), str(path)])
    assert result.exit_code == 0, result.output
    clauses = {c["clause"]: c for c in json.loads(result.stdout)["clauses"]}
    assert clauses["1"]["leads"] == ["dn-so-noi-vu", "dn-so-tu-phap"]
    assert clauses["1"]["periods"][0] == "2025-10"
    assert clauses["1"]["instances"] == 2 * len(clauses["1"]["periods"])
    assert (clauses["PL 1"]["instances"], clauses["PL 1"]["repeats"]) == (0, "1")
    table = CliRunner().invoke(app, ["import", "--check", "--as-of", "20/09/2025", str(REGISTRY), str(path)])
    assert "Dự kiến lập kế hoạch theo từng mục" in table.output
    assert "--check: chưa ghi gì." in table.output
    with session_scope() as s:
        assert s.exec(select(Assignment)).all() == []
        assert s.exec(select(Agency)).all() == []


# --------------------------------------------------------------------------- draft → review → import


def _document(tmp_path: Path) -> Path:
    from tests.test_intake_service import PARAGRAPHS

    path = tmp_path / "cong-van-1234.txt"
    path.write_text("\n\n".join(PARAGRAPHS), encoding="utf-8")
    return path


def test_the_draft_is_the_file_import_takes_after_review(sqlite_db: str, tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    made = CliRunner().invoke(app, ["draft", str(_document(tmp_path)), "--province", "dong-thap", "--out", str(draft)])
    assert made.exit_code == 0, made.output
    registry = ROOT / "directives_seed" / "agencies" / "dong-thap.yaml"
    result = CliRunner().invoke(app, ["import", "--check", "--as-of", "01/12/2023", "--format", "json", str(registry), str(draft)])
    assert result.exit_code == 0, result.output
    clauses = {c["clause"]: c for c in json.loads(result.stdout)["clauses"]}
    assert clauses["1.a"]["leads"] == ["dt-so-tt-tt"]
    assert clauses["2"]["leads"] == ["dt-so-noi-vu"]
    assert clauses["2"]["first_due"] == "2024-03-31"


@pytest.mark.slow
def test_import_directive_flow_drafts_a_document_for_review_in_the_ui(prefect_api: None, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.import_directive import import_directive

    result = import_directive(document=str(_document(tmp_path)), province="dong-thap")
    assert result["imported"] is False
    assert result["draft_artifact"] == "dondoc-draft-cong-van-1234"
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["dondoc-draft-cong-van-1234"])), limit=1)
    markdown = str(artifact.data)
    assert markdown.startswith("# Bản nháp cần duyệt: cong-van-1234.txt")
    assert "| coordinator | ⚠️ dt-vp-ubnd<br>*dòng " in markdown  # proposed, to be confirmed: marked
    assert "| 1.a | " in markdown  # an item with nothing flagged is not marked
    assert f"**{len(result['review'])} mục cần xem lại**" in markdown
    assert "```yaml\n# Bản nháp do `dondoc draft` tạo từ cong-van-1234.txt" in markdown


# --------------------------------------------------------------------------- digests


@pytest.mark.parametrize(
    ("report_to", "report_via", "shown"),
    [
        # 11677/UBND-HCC 2.a: "báo cáo UBND tỉnh (thông qua Công an tỉnh)"
        (("dn-ubnd-tinh",), "dn-cong-an-tinh", "Báo cáo: UBND tỉnh (qua Công an tỉnh)"),
        (("dn-ubnd-tinh", "dn-so-noi-vu"), None, "Báo cáo: UBND tỉnh, Sở Nội vụ"),
        ((), None, ""),
    ],
)
def test_a_digest_line_says_whom_the_lead_reports_to_and_through_whom(
    report_to: tuple[str, ...], report_via: str | None, shown: str
) -> None:
    from dondoc.reminders.digest import report_vi
    from dondoc.reminders.queries import LineFacts

    facts = LineFacts(1, "d", None, "t", "dong-nai", "2.a", "s", None, "dn-so-tu-phap", "Sở Tư pháp", "once", report_to, report_via)
    names = {"dn-ubnd-tinh": "UBND tỉnh", "dn-so-noi-vu": "Sở Nội vụ", "dn-cong-an-tinh": "Công an tỉnh"}
    assert report_vi(facts, names) == shown


@pytest.mark.parametrize(("first", "leads", "label"), [("Sở Tư pháp", 1, "Sở Tư pháp"), ("Sở Tư pháp", 2, "Sở Tư pháp và 1 cơ quan chủ trì khác")])
def test_progress_names_the_first_lead_and_counts_the_others(first: str, leads: int, label: str) -> None:
    from dondoc.directives.listing import lead_label

    assert lead_label(first, leads) == label


@pytest.mark.parametrize(
    ("phrase", "opens", "due"),
    [
        ("Quý IV/2025 - Quý II/2026", date(2025, 10, 1), date(2026, 6, 30)),  # due at the end of the range, start kept
        ("Từ ngày 01/10/2025 đến ngày 31/12/2025", date(2025, 10, 1), date(2025, 12, 31)),
    ],
)
def test_a_written_range_plans_one_instance_from_its_start_to_its_end(sqlite_db: str, tmp_path: Path, phrase: str, opens: date, due: date) -> None:
    extra = f"    deadline: {phrase}\n"
    service.import_paths([REGISTRY, directive(tmp_path, item("7", "dn-so-noi-vu", extra))], as_of=AS_OF, actor="test")
    assert [(o, d) for _, _, d, o in _instances("7")] == [(opens, due)]
