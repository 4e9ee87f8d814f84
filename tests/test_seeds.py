"""The five source directives, imported as data: the facts the product was founded on.

Runs on SQLite and on a real PostgreSQL server (``seeded_db``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlmodel import col, select

from dondoc.db import session_scope
from dondoc.directives.schema import DirectiveIn
from dondoc.models import Agency, Assignment, Directive, TaskInstance
from dondoc.registries.schema import RegistryIn

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"
SOURCES = Path(__file__).resolve().parent.parent.parent / "shared" / "source-directives"


def _instances(clause: str, directive: str) -> list[tuple[str, str, date | None]]:
    with session_scope() as s:
        rows = s.exec(
            select(Agency.code, TaskInstance.period, TaskInstance.due_date)
            .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
            .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
            .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
            .where(col(Directive.code) == directive, col(Assignment.clause) == clause)
        ).all()
    return [(a, p, d) for a, p, d in rows]


def _members(group: str, on: date = date(2023, 12, 6)) -> set[str]:
    """The group's members in force on ``on`` (the seeds are planned as of 06/12/2023; the 2025 ones come later)."""
    from dondoc.registries.queries import stored_state
    from dondoc.registries.validation import Lookup

    with session_scope() as s:
        return set(Lookup(stored_state(session=s)).members(group, on))


def test_all_five_sources_are_seeded_one_file_each() -> None:
    directives = sorted(p for p in SEEDS.glob("*.yaml"))
    assert len(directives) == 5
    sources = {DirectiveIn.model_validate(yaml.safe_load(p.read_text())).source_file for p in directives}
    if SOURCES.is_dir():
        assert sources == {p.name for p in SOURCES.glob("*.txt")}
    registries = [RegistryIn.model_validate(yaml.safe_load(p.read_text())) for p in (SEEDS / "agencies").glob("*.yaml")]
    # one registry as addressed by the seed directives (2022–2023) per province, then the dated 2025 changes
    dated = {(r.province, r.as_of.isoformat()) for r in registries if r.as_of.year == 2025}
    assert {r.province for r in registries if r.as_of.year < 2025} == {"dong-nai", "long-an", "hung-yen", "dong-thap"}
    assert dated == {
        *((p, "2025-03-01") for p in ("dong-nai", "long-an", "hung-yen", "dong-thap")),
        *((p, "2025-07-01") for p in ("dong-nai", "tay-ninh", "hung-yen", "dong-thap")),
    }


def test_seed_wording_is_verbatim_from_the_source() -> None:
    """Every assignment's original wording appears in its source text (whitespace aside)."""
    if not SOURCES.is_dir():
        pytest.skip("../shared/source-directives not present")

    def squash(text: str) -> str:
        return "".join(text.replace("*", "").split())

    for path in SEEDS.glob("*.yaml"):
        model = DirectiveIn.model_validate(yaml.safe_load(path.read_text()))
        source = squash((SOURCES / model.source_file).read_text())
        for item in model.assignments:
            # appendix rows label their cells ("Mục tiêu: …", "Nhiệm vụ: …"); each cell is verbatim
            cells = [re.sub(r"^(Mục tiêu|Nhiệm vụ|Kết quả[^:]*):\s*", "", line) for line in item.text.splitlines() if line.strip()]
            for cell in cells:
                start = squash(cell).lstrip("-•")[:30]
                assert start in source, f"{path.name} {item.clause}: {cell[:50]!r} not found in {model.source_file}"


def test_11677_deadlines_fan_out_over_the_collective_leads(seeded_db: str) -> None:
    group = _members("dn-g-so-ban-nganh-huyen")
    assert len(group) >= 25  # the departments and boards plus the 11 district-level units
    rows = _instances("1.k", "11677/UBND-HCC")
    # "chủ động phối hợp Sở Thông tin và Truyền thông": the co-agency contributes, it does not also lead
    assert {a for a, _, _ in rows} == group - {"dn-so-thong-tin-truyen-thong"}
    assert {d for _, _, d in rows} == {date(2023, 12, 4)}  # "trước ngày 05/12/2023", strict reading
    assert len(rows) == len(group) - 1  # exactly one instance per lead


@pytest.mark.parametrize(("clause", "due"), [("2.a", date(2023, 12, 9)), ("5.b", date(2023, 12, 9)), ("5.c", date(2023, 12, 9)), ("2.b", date(2023, 12, 19))])
def test_11677_dated_items(seeded_db: str, clause: str, due: date) -> None:
    rows = _instances(clause, "11677/UBND-HCC")
    assert rows
    assert {d for _, _, d in rows} == {due}


def test_11677_reporting_chain(seeded_db: str) -> None:
    with session_scope() as s:
        directive = s.exec(select(Directive).where(col(Directive.code) == "11677/UBND-HCC")).one()
        items = {a.clause: a for a in s.exec(select(Assignment).where(col(Assignment.directive_id) == directive.id))}
    assert items["2.a"].report_via == "dn-cong-an-tinh"
    assert items["2.a"].report_to == "dn-ubnd-tinh"
    assert items["2.b"].lead_code == "dn-cong-an-tinh"
    assert items["2.b"].depends_on == ["2.a"]
    assert directive.coordinator_code == "dn-vp-ubnd"
    assert len(_instances("2.a", "11677/UBND-HCC")) == len(_members("dn-g-so-ban-nganh-nganh-doc-huyen"))


def test_hung_yen_monthly_report_yields_one_instance_a_month_per_agency(seeded_db: str) -> None:
    with session_scope() as s:
        code = s.exec(select(Directive.code).where(col(Directive.province) == "hung-yen")).one()
    rows = _instances("đoạn cuối", code)
    per_agency: dict[str, list[tuple[str, date | None]]] = defaultdict(list)
    for agency, period, due in rows:
        per_agency[agency].append((period, due))
    assert set(per_agency) == _members("hy-g-so-ban-nganh-huyen-xa")
    expected = [(f"{y}-{m:02d}", date(y, m, 14)) for y, m in [(2023, 9), (2023, 10), (2023, 11), (2023, 12)] + [(2024, m) for m in range(1, 13)]]
    for agency, periods in per_agency.items():
        # seeds imported as of 06/12/2023: planned to the 12-month horizon (06/12/2024)
        assert sorted(periods) == expected[:15], agency


def test_long_an_start_date_milestones(seeded_db: str) -> None:
    with session_scope() as s:
        code = s.exec(select(Directive.code).where(col(Directive.province) == "long-an")).one()
        directive = s.exec(select(Directive).where(col(Directive.code) == code)).one()
    assert directive.number is None  # "Số: /CT-UBND": blank in the text, a stable generated code
    assert (directive.issued_year, directive.issued_month, directive.issued_day) == (2022, 5, None)
    assert {d for _, _, d in _instances("1.đ (cấp tỉnh)", code)} == {date(2022, 6, 1)}
    assert {d for _, _, d in _instances("1.đ (cấp huyện)", code)} == {date(2022, 12, 1)}
    assert len(_instances("1.đ (cấp huyện)", code)) == 15


def test_170_appendix_rows_and_kpi_levels(seeded_db: str) -> None:
    with session_scope() as s:
        directive = s.exec(select(Directive).where(col(Directive.code) == "170/KH-VP")).one()
        items = {a.clause: a for a in s.exec(select(Assignment).where(col(Assignment.directive_id) == directive.id))}
    appendix = [c for c in items if c.startswith("PL ")]
    assert len(appendix) == 18
    digitized = {k["level"]: k["target"] for k in items["PL 4.1"].kpis if k["key"] == "digitized_rate"}
    assert digitized == {"province": 70, "district": 40, "commune": 35}
    assert items["PL 2.4"].deadline_text == "Quý III/2024"
    assert {d for _, _, d in _instances("PL 2.4", "170/KH-VP")} == {date(2024, 9, 30)}
    assert items["PL 1.2"].deadline_kind == "ongoing"


def test_every_seed_deadline_is_understood(seeded_db: str) -> None:
    with session_scope() as s:
        unknown = s.exec(select(Assignment.clause, Assignment.deadline_text).where(col(Assignment.deadline_understood).is_(False))).all()
    assert unknown == []
