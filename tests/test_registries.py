"""Dated registries, successions as data and imports that never lose planned work (issue 11)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import col, func, select

from dondoc.db import session_scope
from dondoc.directives import service as services
from dondoc.domain.succession import GroupSpan, Lifespan, SuccessionError, leads_on, owners_on
from dondoc.errors import InputError
from dondoc.models import Agency, Assignment, Directive, InstanceState, TaskInstance
from dondoc.registries.diff import registry_diff
from dondoc.registries.schema import RegistryIn
from dondoc.registries.state import RegistryState, apply_file, name_clashes

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"
START = date(2023, 12, 1)

# ---------------------------------------------------------------- pure: owners and group resolution

REGISTRY = {
    "so-tttt": Lifespan(date(2025, 2, 28), ("so-khcn",)),
    "so-khcn": Lifespan(None),
    "so-moi": Lifespan(None, (), date(2025, 3, 1)),
    "huyen-a": Lifespan(date(2025, 6, 30), ("xa-1", "xa-2")),  # split, work: all
    "huyen-b": Lifespan(date(2025, 6, 30), ("xa-2",)),  # split, work: lead (the receivers are the lead alone)
    "xa-1": Lifespan(None, (), date(2025, 7, 1)),
    "xa-2": Lifespan(None, (), date(2025, 7, 1)),
    "xa-3": Lifespan(None, (), date(2025, 7, 1)),
    "ban-cu": Lifespan(date(2025, 6, 30)),  # ended, successor unconfirmed
    "chain-a": Lifespan(date(2025, 2, 28), ("chain-b",)),
    "chain-b": Lifespan(date(2025, 6, 30), ("xa-1", "xa-3")),
}
GROUPS = {
    "g-huyen": GroupSpan(("huyen-a", "huyen-b"), (), None, date(2025, 6, 30)),
    "g-xa-cu": GroupSpan((), (), None, date(2025, 6, 30), "g-xa-phuong"),  # members unknown in 2023
    "g-xa-phuong": GroupSpan(("xa-1", "xa-2", "xa-3"), (), date(2025, 7, 1)),
    "g-so": GroupSpan(("so-khcn", "so-moi", "so-tttt")),
    "g-all": GroupSpan((), ("g-so", "g-huyen"), None, date(2025, 6, 30)),
}


@pytest.mark.parametrize(
    ("agency", "day", "owners"),
    [
        ("so-tttt", date(2025, 2, 28), ("so-tttt",)),  # its last day: still its own
        ("so-tttt", date(2025, 3, 1), ("so-khcn",)),
        ("so-tttt", None, ("so-khcn",)),  # ongoing work follows the succession once the agency has ended
        ("huyen-a", date(2025, 6, 30), ("huyen-a",)),
        ("huyen-a", date(2025, 7, 14), ("xa-1", "xa-2")),  # a split hands the work to every successor
        ("huyen-b", date(2025, 7, 14), ("xa-2",)),  # … or to its named lead
        ("ban-cu", date(2025, 9, 30), ("ban-cu",)),  # no confirmed successor: the work stays, never dropped
        ("chain-a", date(2025, 4, 30), ("chain-b",)),
        ("chain-a", date(2025, 8, 31), ("xa-1", "xa-3")),  # chains follow through a split
        ("unknown", date(2025, 1, 1), ("unknown",)),
    ],
)
def test_owners_on(agency: str, day: date | None, owners: tuple[str, ...]) -> None:
    assert owners_on(agency, day, REGISTRY) == owners


def test_a_looping_succession_is_an_error() -> None:
    looping = {"a": Lifespan(date(2024, 1, 1), ("b",)), "b": Lifespan(date(2024, 1, 1), ("a",))}
    with pytest.raises(SuccessionError, match="a → b → a"):
        owners_on("a", date(2025, 1, 1), looping)


@pytest.mark.parametrize(
    ("lead", "day", "leads"),
    [
        ("g-huyen", date(2024, 3, 31), ("huyen-a", "huyen-b")),  # "UBND các huyện" → the districts in 2023–2025
        ("g-huyen", date(2025, 9, 30), ("xa-1", "xa-2")),  # → the communes formed from them after 1/7/2025
        ("g-xa-cu", date(2024, 3, 31), ()),  # the 2023 commune list is not known: nobody (and said so at import)
        ("g-xa-cu", date(2025, 9, 30), ("xa-1", "xa-2", "xa-3")),  # "UBND các xã, phường" → the communes from 1/7/2025
        ("g-so", date(2024, 12, 31), ("so-khcn", "so-tttt")),  # a member that starts later does not lead before
        ("g-so", date(2025, 4, 30), ("so-khcn", "so-moi")),  # … and does after; the merged one hands over
        ("g-all", date(2025, 9, 30), ("so-khcn", "so-moi", "xa-1", "xa-2")),  # union groups resolve through includes
        ("ban-cu", date(2025, 9, 30), ("ban-cu",)),
    ],
)
def test_leads_resolve_as_of_each_occurrence(lead: str, day: date, leads: tuple[str, ...]) -> None:
    assert leads_on(lead, START, day, GROUPS, REGISTRY) == leads


# ---------------------------------------------------------------- pure: folding files, diffs, name clashes


def _registry(**changes: Any) -> RegistryIn:
    data: dict[str, Any] = {
        "province": "tinh",
        "province_name": "Tỉnh Thử",
        "as_of": "2023-01-01",
        "groups": [{"code": "t-g-so", "name": "Các sở"}],
        "agencies": [
            {"code": "t-so-a", "name": "Sở Thông tin và Truyền thông", "kind": "department", "groups": ["t-g-so"]},
            {"code": "t-so-b", "name": "Sở Khoa học và Công nghệ", "aliases": ["Sở KH&CN"], "kind": "department", "groups": ["t-g-so"]},
        ],
    }
    data.update(changes)
    return RegistryIn.model_validate(data)


MERGER = {
    "as_of": "2025-03-01",
    "groups": [],
    "agencies": [],
    "successions": [{"kind": "absorption", "effective": "2025-03-01", "from": ["t-so-a"], "to": ["t-so-b"]}],
}


def test_a_succession_ends_the_agencies_it_hands_over_and_keeps_the_absorbing_one() -> None:
    state, conflicts = apply_file(RegistryState(), _registry(), "t.yaml")
    after, conflicts2 = apply_file(state, _registry(**MERGER), "t-2025-03.yaml")
    assert conflicts == conflicts2 == []
    assert after.agencies["t-so-a"].valid_to == date(2025, 2, 28)  # derived: the day before the effective date
    assert after.agencies["t-so-b"].valid_to is None
    assert after.agencies["t-so-a"].groups == ("t-g-so",)  # agencies not mentioned keep their memberships
    diff = registry_diff(state, after)
    assert diff.ended == [("t-so-a", "2025-02-28")]
    assert diff.successions == ["t-so-a"]
    assert diff.memberships_removed == []
    again, _ = apply_file(after, _registry(**MERGER), "t-2025-03.yaml")
    assert registry_diff(after, again).empty  # re-importing the same file changes nothing


def test_an_agency_ends_once() -> None:
    state, _ = apply_file(RegistryState(), _registry(), "t.yaml")
    state, _ = apply_file(state, _registry(**MERGER), "a.yaml")
    other = dict(MERGER, successions=[{"kind": "rename", "effective": "2025-07-01", "from": ["t-so-a"], "to": ["t-so-b"]}])
    _, conflicts = apply_file(state, _registry(**other), "b.yaml")
    assert [str(c) for c in conflicts] == [
        "t-so-a already ends on 28/02/2025 by a absorption to t-so-b (a.yaml); an agency ends once"
    ]


def test_a_new_agency_named_like_a_living_one_is_a_clash() -> None:
    state, _ = apply_file(RegistryState(), _registry(), "t.yaml")
    twin = {"code": "t-so-khcn", "name": "Sở Khoa học và Công nghệ", "kind": "department"}
    after, _ = apply_file(state, _registry(as_of="2025-07-01", groups=[], agencies=[twin]), "t2.yaml")
    assert name_clashes(after, ["t-so-khcn"]) == {"t-so-khcn": [("t-so-b", "Sở Khoa học và Công nghệ")]}
    renamed = dict(MERGER, agencies=[dict(twin, code="t-so-moi", name="Sở Thông tin và Truyền thông", valid_from="2025-03-01")])
    after2, _ = apply_file(state, _registry(**renamed), "t3.yaml")
    assert name_clashes(after2, ["t-so-moi"]) == {}  # same name as an agency that has ended by then: no clash


@pytest.mark.parametrize(
    ("succession", "message"),
    [
        ({"kind": "split", "effective": "2025-07-01", "from": ["a1"], "to": []}, "no successor in `to`"),
        ({"kind": "split", "effective": "2025-07-01", "from": ["a1"], "to": ["b1"], "work": "lead"}, "work: lead needs `lead:`"),
        ({"kind": "absorption", "effective": "2025-07-01", "from": ["a1"], "to": ["a1"]}, "nothing ends"),
    ],
)
def test_succession_shape_errors(succession: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        _registry(successions=[succession])


# ---------------------------------------------------------------- database: imports never lose planned work


def _live(directive_province: str) -> int:
    with session_scope() as s:
        return s.exec(
            select(func.count())
            .select_from(TaskInstance)
            .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
            .where(col(Directive.province) == directive_province, col(TaskInstance.state) == InstanceState.OPEN)
        ).one()


def _thin_dong_thap(tmp_path: Path, *, twin: bool) -> Path:
    """The issue's file: a 2025 registry for Đồng Tháp with fewer agencies and no group memberships."""
    old = yaml.safe_load((SEEDS / "agencies" / "dong-thap.yaml").read_text(encoding="utf-8"))
    agencies = [{k: v for k, v in a.items() if k != "groups"} for a in old["agencies"][:12]]
    if twin:
        agencies.append({"code": "dt-so-khcn-2025", "name": "Sở Khoa học và Công nghệ", "kind": "department"})
    path = tmp_path / "agencies" / "dong-thap-2025.yaml"
    path.parent.mkdir(parents=True)
    registry = {"province": "dong-thap", "province_name": "Đồng Tháp", "as_of": "2025-07-01", "groups": [], "agencies": agencies}
    path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_issue_11_thin_registry_is_refused_with_no_live_instance_lost(seeded_db: str, tmp_path: Path) -> None:
    """Regression: a thin 2025 registry cancelled 1,794 of 1,801 planned instances of the Đồng Tháp directive."""
    before = _live("dong-thap")
    with pytest.raises(InputError) as clash:
        services.import_paths([_thin_dong_thap(tmp_path / "a", twin=True)], as_of=date(2023, 12, 6), actor="test")
    assert any("dt-so-khcn-2025" in p and "did you mean dt-so-kh-cn?" in p for p in clash.value.problems)

    thin = _thin_dong_thap(tmp_path / "b", twin=False)
    with pytest.raises(InputError) as refused:
        services.import_paths([thin], as_of=date(2023, 12, 6), actor="test")
    assert refused.value.problems[0].startswith("refused:")
    assert any(p.strip().startswith("dong-thap-cong-van-2023-33467c mục 1.e:") for p in refused.value.problems)
    assert _live("dong-thap") == before  # nothing was written

    check = services.check_import([thin], as_of=date(2023, 12, 6), actor="test")
    assert check.losses
    assert sum(x.count for x in check.losses) > 0
    assert check.diff.memberships_removed  # the diff says what the file changes
    assert _live("dong-thap") == before  # --check writes nothing

    with pytest.raises(InputError, match="does not match this change"):
        services.import_paths([thin], as_of=date(2023, 12, 6), actor="test", replace="0000000000")
    done = services.import_paths([thin], as_of=date(2023, 12, 6), actor="test", replace=check.diff.fingerprint())
    replaced = sum(p.cancelled for p in done.plans.values())
    assert replaced == sum(x.count for x in check.losses)  # exactly what --check showed, and only after confirming
    assert _live("dong-thap") == before - replaced


def test_reimporting_unchanged_files_changes_nothing_even_when_the_horizon_moved(seeded_db: str) -> None:
    before = _live("dong-nai")
    summary = services.import_paths([SEEDS], as_of=date(2024, 3, 6), actor="test")
    assert summary.changed_nothing
    assert summary.diff.empty
    assert not summary.plans
    assert len(summary.unchanged) == 5
    assert _live("dong-nai") == before


def test_the_seeded_registry_is_dated(seeded_db: str) -> None:
    from dondoc.registries.service import agencies_in_force

    in_2023 = {r.code: r for r in agencies_in_force("dong-thap", date(2023, 12, 6))}
    in_2025 = {r.code: r for r in agencies_in_force("dong-thap", date(2025, 7, 15))}
    assert "dt-so-tt-tt" in in_2023
    assert "dt-so-tt-tt" not in in_2025
    assert "dt-ubnd-tp-cao-lanh" in in_2023
    assert "dt-ubnd-tp-cao-lanh" not in in_2025
    communes = [r for r in in_2025.values() if r.kind == "commune"]
    assert len(communes) == 102  # NQ 1663/NQ-UBTVQH15
    assert {r.commune_type for r in communes} == {"xa", "phuong"}
    assert all("dt-g-xa-phuong" in r.groups for r in communes)
    assert not any(r.kind == "commune" for r in in_2023.values())
    ended = {r.code: r for r in agencies_in_force("dong-thap", None)}["dt-so-tt-tt"]
    assert (ended.valid_to, ended.successors) == (date(2025, 2, 28), ["dt-so-kh-cn"])


@pytest.mark.parametrize("on", [None, date(2023, 12, 6), date(2025, 3, 1), date(2025, 7, 15)])
def test_one_provinces_registry_read_alone_is_what_the_whole_registry_says_of_it(seeded_db: str, on: date | None) -> None:
    """`dondoc agencies --province P` reads only P's agencies, their groups and successions: the same rows."""
    from dondoc.db import read_scope
    from dondoc.registries.queries import in_force, stored_state

    listed = 0
    with read_scope() as connection:
        whole = stored_state(session=connection)
        for province in whole.provinces:
            alone = stored_state(session=connection, province=province)
            assert alone.provinces == whole.provinces
            assert in_force(alone, province, on) == in_force(whole, province, on)
            listed += len(in_force(alone, province, on))
    assert listed  # the registry is really there


# ---------------------------------------------------------------- replay across 1/3/2025 and 1/7/2025

DT = "dong-thap-cong-van-2023-33467c"
LA = "long-an-chi-thi-2022-05-55a8c6"


def _rows(directive: str, clause: str) -> list[tuple[str, str, date | None, str, str | None]]:
    with session_scope() as s:
        return list(
            s.exec(
                select(Agency.code, Agency.kind, TaskInstance.due_date, TaskInstance.state, TaskInstance.cancelled_reason)
                .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
                .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
                .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
                .where(col(Directive.code) == directive, col(Assignment.clause) == clause)
            ).all()
        )


def _replay_to_august_2025() -> None:
    """The daily sweep's replanning (12-month horizon), from the seed date across both changes to 1/8/2025."""
    for day in (date(2024, 6, 1), date(2025, 1, 1), date(2025, 4, 1), date(2025, 8, 1)):
        for code in (DT, LA):
            services.replan(code, as_of=day, actor="test")


def _codes_due(rows: list[tuple[str, str, date | None, str, str | None]], lo: date, hi: date) -> set[str]:
    return {code for code, _, due, state, _ in rows if due is not None and lo <= due <= hi and state == InstanceState.OPEN}


def test_replay_a_seed_directive_across_1_3_2025_and_1_7_2025(seeded_db: str) -> None:
    _replay_to_august_2025()
    _who_leads()
    _province_merger()
    _reminders_calendars_and_reports()


def _who_leads() -> None:
    monthly = _rows(DT, "1.e")  # "Định kỳ hàng tháng", led by the sở, boards, inspectorate and districts
    jan, apr, sep = (
        _codes_due(monthly, date(2025, 1, 1), date(2025, 1, 31)),
        _codes_due(monthly, date(2025, 4, 1), date(2025, 4, 30)),
        _codes_due(monthly, date(2025, 9, 1), date(2025, 9, 30)),
    )
    assert {"dt-so-tt-tt", "dt-so-tn-mt", "dt-so-nn-ptnt", "dt-ubnd-tp-cao-lanh"} <= jan
    assert {"dt-so-kh-cn", "dt-so-nn-mt", "dt-ubnd-tp-cao-lanh"} <= apr  # departments merged on 1/3/2025
    assert not {"dt-so-tt-tt", "dt-so-tn-mt", "dt-so-nn-ptnt", "dt-so-kh-dt", "dt-so-gtvt", "dt-so-ld-tb-xh"} & apr
    assert {"dt-phuong-cao-lanh", "dt-phuong-my-ngai", "dt-xa-my-hiep"} <= sep  # districts split on 1/7/2025
    assert not any(code.startswith("dt-ubnd-") and code != "dt-ubnd-tinh" for code in sep)
    assert len(apr) == len(set(apr))
    # what happened before stays with the old agencies
    assert "dt-so-tt-tt" in jan  # the periods before the merger stay with the old department, still open
    # ongoing work passes on, and says to whom
    ongoing = _rows(DT, "3.c")
    assert [(c, s) for c, _, _, s, _ in ongoing if c == "dt-so-kh-cn"] == [("dt-so-kh-cn", "open")]
    [(_, _, _, state, reason)] = [r for r in ongoing if r[0] == "dt-so-tt-tt"]
    assert state == "cancelled"
    assert reason == "Chuyển giao cho cơ quan kế thừa từ 01/03/2025: Sở KH&CN"


def _province_merger() -> None:
    rows = [r for clause in ("1.a", "1.b") for r in _rows(LA, clause)]
    after = {code for code, _, due, state, _ in rows if state == "open" and (due is None or due >= date(2025, 7, 1))}
    assert after, "Long An's directive has work after the merger"
    assert all(not code.startswith("la-") or code in UNCONFIRMED_LA for code in after)
    assert any(code.startswith("tn-") for code in after)


UNCONFIRMED_LA = {"la-bql-kkt", "la-so-ngoai-vu", "la-vp-ttpvhcc", "la-vp-phong-thksttthc-vhxh", "la-mttq-tinh"}


def _reminders_calendars_and_reports() -> None:
    from icalendar import Calendar

    from dondoc.calendars.service import feed_text
    from dondoc.calendars.store import FeedSpec
    from dondoc.reminders.service import remind
    from dondoc.reports.service import build_report

    # who is reminded: on 15/09/2025, the last on-time day of the monthly report, communes, not districts
    sweep = remind(date(2025, 9, 15), province="dong-thap", dry_run=True)
    reminded = {i for d in sweep.digests for i in d.instances}
    with session_scope() as s:
        due_sept = {
            code
            for code, due in s.exec(
                select(Agency.code, TaskInstance.due_date)
                .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
                .where(col(TaskInstance.id).in_(sorted(reminded)))
            ).all()
            if due is not None and due >= date(2025, 7, 1)
        }
    assert any(code.startswith(("dt-xa-", "dt-phuong-")) for code in due_sept)
    assert not any(code.startswith("dt-ubnd-") and code != "dt-ubnd-tinh" for code in due_sept)
    assert "dt-so-tt-tt" not in due_sept

    # calendars: the merged department's feed stops at its last day; its successor's carries on
    def events(agency: str) -> list[date]:
        body, _ = feed_text(FeedSpec("agency", agency), as_of=date(2025, 8, 1))
        found = []
        for event in Calendar.from_ical(body).walk("VEVENT"):
            if str(event.get("STATUS", "CONFIRMED")) == "CONFIRMED":
                start = event.decoded("DTSTART")
                found.append(start if isinstance(start, date) else start.date())
        return found

    assert events("dt-so-tt-tt")
    assert max(events("dt-so-tt-tt")) <= date(2025, 2, 28)
    assert any(day >= date(2025, 3, 1) for day in events("dt-so-kh-cn"))
    assert any(day >= date(2025, 7, 1) for day in events("dt-phuong-cao-lanh"))
    assert not any(day >= date(2025, 7, 1) for day in events("dt-ubnd-tp-cao-lanh"))

    # reports: Q2/2025 counts the merged departments and the districts; Q3/2025 the communes
    q2 = build_report("dong-thap", "2025-Q2", as_of=date(2025, 6, 14), actor="test", today=date(2025, 8, 1))
    q3 = build_report("dong-thap", "2025-Q3", as_of=date(2025, 8, 1), actor="test", today=date(2025, 8, 1))
    q2_open = {g.code for g in q2.agencies if g.counts.in_progress}  # work due after the cut-off, open
    q3_open = {g.code for g in q3.agencies if g.counts.in_progress}
    assert {"dt-so-kh-cn", "dt-so-nn-mt", "dt-ubnd-tp-cao-lanh"} <= q2_open
    assert not {"dt-so-tt-tt", "dt-so-tn-mt"} & q2_open  # their earlier work still counts for them (overdue)
    assert not any(code.startswith(("dt-xa-", "dt-phuong-")) for code in q2_open)
    assert "dt-phuong-cao-lanh" in q3_open
    assert not any(c.startswith("dt-ubnd-") and c != "dt-ubnd-tinh" for c in q3_open)
    assert q2.totals.total == sum(g.counts.total for g in q2.agencies)
    assert q3.totals.total == sum(g.counts.total for g in q3.agencies)

    # a province report after the merger includes the directives of the province that merged in
    tn = build_report("tay-ninh", "2025-Q3", as_of=date(2025, 8, 1), actor="test", today=date(2025, 8, 1))
    assert any(g.code.startswith(LA) for g in tn.directives)


def test_q4_2023_report_of_dong_nai_is_byte_identical_after_importing_the_2025_registries(sqlite_db: str, tmp_path: Path) -> None:
    from dondoc.reports.service import build_report, write_report

    old = [SEEDS / "agencies" / f"{p}.yaml" for p in ("dong-nai", "long-an", "hung-yen", "dong-thap")]
    services.import_paths([*old, *sorted(SEEDS.glob("0*.yaml"))], as_of=date(2023, 12, 6), actor="test")

    def rendered(folder: str, *, recompute: bool) -> dict[str, bytes]:
        report = build_report(
            "dong-nai", "2023-Q4", as_of=date(2024, 1, 10), actor="test", today=date(2024, 1, 10), recompute=recompute
        )
        paths = write_report(report, tmp_path / folder, issued_on=date(2024, 1, 10), formats=("md", "csv"))
        return {p.name: p.read_bytes() for p in sorted(paths)} | {"json": repr(report.to_json()).encode()}

    before = rendered("before", recompute=False)
    dated = sorted((SEEDS / "agencies").glob("*-2025-*.yaml"))
    summary = services.import_paths(dated, as_of=date(2024, 1, 10), actor="test")
    assert "dong-nai" in summary.diff.provinces  # the Đồng Nai directives were replanned with the new registry
    assert summary.plans["11677/UBND-HCC"].handed_over == 0  # nothing before 1/3/2025 moves
    assert rendered("frozen", recompute=False) == before  # the frozen report does not move
    assert rendered("recomputed", recompute=True) == before  # and recomputing it gives the same bytes


@pytest.mark.parametrize(
    ("codes", "day", "agencies"),
    [
        (["g-so"], date(2024, 12, 31), ["so-khcn", "so-tttt"]),
        (["g-so"], date(2025, 4, 30), ["so-khcn", "so-moi"]),  # a 2023 item's co-agencies, reminded in 2025
        (["so-tttt", "so-khcn"], date(2025, 4, 30), ["so-khcn"]),  # an ended co-agency: its successor, once
        (["g-xa-cu"], date(2024, 3, 31), ["g-xa-cu"]),  # no known members: the group stays named, as before
        (["g-xa-cu"], date(2025, 9, 30), ["xa-1", "xa-2", "xa-3"]),
    ],
)
def test_co_agencies_expand_as_of_the_due_date(codes: list[str], day: date, agencies: list[str]) -> None:
    from dondoc.directives.queries import CoAgencyRegistry

    assert CoAgencyRegistry(GROUPS, REGISTRY).expand(codes, day) == agencies


# ---------------------------------------------------------------- escalation follows the coordinating office's succession


@pytest.mark.parametrize(
    ("day", "office"),
    [(date(2025, 6, 30), "la-vp-ubnd"), (date(2025, 7, 1), "tn-vp-ubnd"), (date(2026, 1, 5), "tn-vp-ubnd")],
)
def test_the_office_in_force_follows_its_succession(day: date, office: str) -> None:
    from dondoc.directives.queries import CoAgencyRegistry

    lifespans = {"la-vp-ubnd": Lifespan(date(2025, 6, 30), ("tn-vp-ubnd",)), "tn-vp-ubnd": Lifespan(None, (), date(2025, 7, 1))}
    assert CoAgencyRegistry({}, lifespans).in_force("la-vp-ubnd", day) == office


def test_escalations_go_to_the_coordinating_office_in_force_on_the_reminder_day(seeded_db: str) -> None:
    """Long An's Office ended on 30/6/2025 (merged into tỉnh Tây Ninh's): from 1/7 the coordinator stage goes to tn-vp-ubnd."""
    from dondoc.directives.queries import co_agency_registry
    from dondoc.reminders.queries import select_candidates

    _replay_to_august_2025()
    dues = [date(2025, 6, 2 + i) for i in range(28)]
    with session_scope() as s:
        members = co_agency_registry(session=s)
        offices = {
            day: {f.coordinator for f in select_candidates(dues, province="long-an", members=members, day=day, session=s)[0] if f.directive == LA}
            for day in (date(2025, 6, 30), date(2025, 7, 1))
        }
    assert offices == {date(2025, 6, 30): {"la-vp-ubnd"}, date(2025, 7, 1): {"tn-vp-ubnd"}}



def test_digests_name_and_reply_to_the_coordinating_office_in_force(seeded_db: str) -> None:
    """The footer and Reply-To of a Long An digest name Long An's Office until 30/6/2025, Tây Ninh's from 1/7."""
    from dondoc.reminders.service import _coordinators

    _replay_to_august_2025()
    with session_scope() as s:
        offices = {day: _coordinators(s, {LA}, day) for day in (date(2025, 6, 30), date(2025, 7, 1))}
    assert offices == {date(2025, 6, 30): {LA: "la-vp-ubnd"}, date(2025, 7, 1): {LA: "tn-vp-ubnd"}}

# ---------------------------------------------------------------- calendar feeds: co-agency membership as of the item's date

_CO_DIRECTIVE = """number: 99/KH-THU
province: dong-nai
issuer: {issuer}
kind: ke_hoach
issued: "2025-05-02"
title: Thử nhiệm vụ phối hợp qua ngày 01/7/2025
source_file: 99-KH-THU.txt
coordinator: dn-vp-ubnd
end: 2025-09-30
assignments:
  - clause: "1"
    text: Sở Nội vụ chủ trì, phối hợp các sở, ban, ngành tỉnh và UBND các huyện báo cáo hằng tháng.
    summary: Báo cáo hằng tháng
    lead: dn-so-noi-vu
    co_agencies: [dn-g-so-ban-nganh-huyen]
    deadline: trước ngày 15 hàng tháng
"""


def test_a_co_agency_feed_shows_the_items_of_the_days_it_was_a_member(seeded_db: str, tmp_path: Path) -> None:
    """Districts left dn-g-so-ban-nganh-huyen with the district level on 30/6/2025; a sở stays a co-agency after it."""
    from icalendar import Calendar

    from dondoc.calendars.service import feed_text
    from dondoc.calendars.store import FeedSpec

    issuer = yaml.safe_load((SEEDS / "000_dong-nai_11677-UBND-HCC.yaml").read_text(encoding="utf-8"))["issuer"]
    path = tmp_path / "099_dong-nai_99-KH-THU.yaml"
    path.write_text(_CO_DIRECTIVE.format(issuer=issuer), encoding="utf-8")
    services.import_paths([path], as_of=date(2025, 5, 2), actor="test")

    def co_days(agency: str) -> list[date]:
        body, _ = feed_text(FeedSpec("agency", agency), as_of=date(2025, 9, 1))
        return sorted(
            event.decoded("DTSTART") for event in Calendar.from_ical(body).walk("VEVENT") if "-co-" in str(event.get("UID"))
        )

    district = co_days("dn-ubnd-h-xuan-loc")
    assert district
    assert max(district) <= date(2025, 6, 30)  # not the months after its last day
    department = co_days("dn-so-tu-phap")
    assert min(department) <= date(2025, 6, 30) < max(department)  # before and after 1/7/2025


# ---------------------------------------------------------------- restating an agency loses nothing it does not rewrite

_CONTACT = [{"role": "focal", "address": "vanthu@tinh.gov.vn"}]


@pytest.mark.parametrize(
    ("restated", "aliases", "contacts", "note"),
    [
        # only the name, in a later file: the old name stays an alias; aliases, contacts, note kept
        ({"name": "Sở Khoa học, Công nghệ và Chuyển đổi số"}, ("Sở KH&CN", "Sở Khoa học và Công nghệ"), _CONTACT, "ghi chú"),
        # the same name again: nothing added
        ({"name": "Sở Khoa học và Công nghệ"}, ("Sở KH&CN",), _CONTACT, "ghi chú"),
        # what a file writes replaces (an explicit empty list too) — but aliases only add: the old ones stay
        ({"name": "Sở KH, CN và CĐS", "aliases": [], "contacts": [], "note": None}, ("Sở KH&CN", "Sở Khoa học và Công nghệ"), [], None),
        # an alias that is the old name (in another case) is not added twice
        ({"name": "Sở mới", "aliases": ["sở khoa học và công nghệ"]}, ("sở khoa học và công nghệ", "Sở KH&CN"), _CONTACT, "ghi chú"),
    ],
)
def test_a_file_restating_an_agency_keeps_what_it_does_not_write(
    restated: dict[str, Any], aliases: tuple[str, ...], contacts: list[dict[str, str]], note: str | None
) -> None:
    import json

    base = _registry(
        agencies=[
            {"code": "t-so-b", "name": "Sở Khoa học và Công nghệ", "aliases": ["Sở KH&CN"], "kind": "department",
             "groups": ["t-g-so"], "contacts": _CONTACT, "note": "ghi chú"},
        ]
    )  # fmt: skip
    state, _ = apply_file(RegistryState(), base, "t.yaml")
    later = _registry(as_of="2026-01-01", groups=[], agencies=[{"code": "t-so-b", "kind": "department", "groups": ["t-g-so"], **restated}])
    after, conflicts = apply_file(state, later, "t-2026.yaml")
    assert conflicts == []
    agency = after.agencies["t-so-b"]
    assert (agency.aliases, json.loads(agency.contacts), agency.note) == (aliases, [dict(c, channel="email", name=None) for c in contacts], note)
    assert agency.groups == ("t-g-so",)
    again, _ = apply_file(after, later, "t-2026.yaml")
    assert registry_diff(after, again).empty  # importing the same file again changes nothing


def test_an_agency_renamed_by_a_later_registry_keeps_its_other_names_parent_and_note(seeded_db: str, tmp_path: Path) -> None:
    from dondoc.registries.queries import stored_state

    path = tmp_path / "agencies" / "dong-nai-2026-01.yaml"
    path.parent.mkdir()
    path.write_text(
        """province: dong-nai
province_name: Đồng Nai
as_of: '2026-01-01'
agencies:
- code: dn-so-noi-vu
  name: Sở Nội vụ tỉnh Đồng Nai (sau sắp xếp)
  kind: department
  groups: [dn-g-so-ban-nganh]
""",
        encoding="utf-8",
    )
    summary = services.import_paths([path], as_of=date(2023, 12, 6), actor="test")
    assert summary.diff.renamed == [("dn-so-noi-vu", "Sở Nội vụ", "Sở Nội vụ tỉnh Đồng Nai (sau sắp xếp)")]
    assert summary.diff.memberships_removed == []
    with session_scope() as s:
        agency = stored_state(session=s).agencies["dn-so-noi-vu"]
        assert agency.aliases == ("Sở Nội vụ tỉnh Đồng Nai", "SNV")  # "Sở Nội vụ" is still its short name
        assert (agency.short_name, agency.parent) == ("Sở Nội vụ", "dn-ubnd-tinh")
        assert agency.note is not None


def test_a_file_restating_a_group_keeps_its_aliases_note_and_completeness() -> None:
    base = _registry(groups=[{"code": "t-g-so", "name": "Các sở", "aliases": ["Các sở, ngành"], "complete": False, "note": "thiếu"}])
    state, _ = apply_file(RegistryState(), base, "t.yaml")
    later = _registry(as_of="2026-01-01", agencies=[], groups=[{"code": "t-g-so", "name": "Các sở, ban, ngành tỉnh"}])
    after, conflicts = apply_file(state, later, "t-2026.yaml")
    assert conflicts == []
    group = after.groups["t-g-so"]
    assert (group.aliases, group.complete, group.note) == (("Các sở, ngành", "Các sở"), False, "thiếu")
    assert registry_diff(after, apply_file(after, later, "t-2026.yaml")[0]).empty
