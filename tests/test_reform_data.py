"""The 2025 registries (issue 11 §4), checked on the raw YAML.

The 2023 registries describe each seed province before the reform; the dated files
``<province>-2025-03.yaml`` and ``<province>-2025-07.yaml`` list what changes on
1/3/2025 (department mergers) and 1/7/2025 (new provinces, communes, end of the
district level). These checks read the files with PyYAML only, so they hold whatever
the importer does with them, and every failure names the file and the code.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = ROOT / "directives_seed" / "agencies"
HOLIDAYS = ROOT / "dondoc" / "configuration" / "data" / "holidays.yaml"

CODE_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PREFIX = {"dong-nai": "dn", "long-an": "la", "tay-ninh": "tn", "hung-yen": "hy", "dong-thap": "dt"}
SUCCESSION_KINDS = {"merger", "absorption", "split", "rename", "province_merger"}
COMMUNE_TYPES = {"xa", "phuong", "dac_khu"}
MERGERS = date(2025, 3, 1)
NEW_PROVINCES = date(2025, 7, 1)

# The departments the 1/3/2025 mergers ended (REFORM-2025.md §2.3), by their 2023 names.
MERGED_DEPARTMENTS = {
    "Sở Kế hoạch và Đầu tư",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Thông tin và Truyền thông",
}


@dataclass
class Registry:
    path: Path
    data: dict[str, Any]
    as_of: date = field(init=False)

    def __post_init__(self) -> None:
        self.as_of = _date(self.data["as_of"])

    @property
    def province(self) -> str:
        return str(self.data["province"])

    def items(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key) or []
        assert isinstance(value, list), f"{self.path.name}: `{key}` must be a list"
        return value


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@cache
def registries() -> tuple[Registry, ...]:
    return tuple(Registry(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(AGENCIES.glob("*.yaml")))


def base_files() -> list[Registry]:
    return [r for r in registries() if not re.search(r"-\d{4}-\d{2}\.yaml$", r.path.name)]


def dated_files() -> list[Registry]:
    return [r for r in registries() if re.search(r"-\d{4}-\d{2}\.yaml$", r.path.name)]


def registry(name: str) -> Registry:
    return next(r for r in registries() if r.path.name == name)


def all_successions() -> list[tuple[Registry, dict[str, Any]]]:
    return [(r, s) for r in dated_files() for s in r.items("successions")]


def where(reg: Registry, code: object) -> str:
    return f"{reg.path.name}: {code}"


def assert_none(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} bad entr{'y' if len(problems) == 1 else 'ies'}:\n  " + "\n  ".join(problems)


# --- the files themselves ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "province", "as_of"),
    [
        ("dong-nai-2025-03.yaml", "dong-nai", MERGERS),
        ("long-an-2025-03.yaml", "long-an", MERGERS),
        ("hung-yen-2025-03.yaml", "hung-yen", MERGERS),
        ("dong-thap-2025-03.yaml", "dong-thap", MERGERS),
        ("dong-nai-2025-07.yaml", "dong-nai", NEW_PROVINCES),
        ("tay-ninh-2025-07.yaml", "tay-ninh", NEW_PROVINCES),
        ("hung-yen-2025-07.yaml", "hung-yen", NEW_PROVINCES),
        ("dong-thap-2025-07.yaml", "dong-thap", NEW_PROVINCES),
    ],
)
def test_each_province_has_a_file_per_effective_date(name: str, province: str, as_of: date) -> None:
    reg = registry(name)
    assert reg.province == province, f"{name}: province is {reg.province!r}, expected {province!r}"
    assert reg.as_of == as_of, f"{name}: as_of is {reg.as_of}, expected {as_of}"
    assert reg.items("sources"), f"{name}: `sources` is empty: every fact must rest on a source"
    assert reg.data.get("note"), f"{name}: `note` is empty"


@pytest.mark.parametrize(
    ("province", "total", "xa", "phuong"),
    [
        ("dong-nai", 95, 72, 23),  # NQ 1662/NQ-UBTVQH15, including the 7 units not rearranged
        ("tay-ninh", 96, 82, 14),  # NQ 1682/NQ-UBTVQH15
        ("hung-yen", 104, 93, 11),  # NQ 1666/NQ-UBTVQH15
        ("dong-thap", 102, 82, 20),  # NQ 1663/NQ-UBTVQH15
    ],
)
def test_commune_counts_match_the_resolution_totals(province: str, total: int, xa: int, phuong: int) -> None:
    reg = registry(f"{province}-2025-07.yaml")
    communes = [a for a in reg.items("agencies") if a.get("kind") == "commune"]
    kinds = Counter(a.get("commune_type") for a in communes)
    assert (len(communes), kinds["xa"], kinds["phuong"]) == (total, xa, phuong), (
        f"{reg.path.name}: {len(communes)} communes ({kinds['xa']} xã, {kinds['phuong']} phường); the resolution says {total} ({xa} xã, {phuong} phường)"
    )


def test_every_commune_carries_its_resolution_data() -> None:
    problems = []
    for reg in dated_files():
        prefix = PREFIX[reg.province]
        for a in reg.items("agencies"):
            if a.get("kind") != "commune":
                continue
            code = a.get("code")
            if a.get("commune_type") not in COMMUNE_TYPES:
                problems.append(
                    f"{where(reg, code)}: commune_type {a.get('commune_type')!r} is not one of {sorted(COMMUNE_TYPES)}"
                )
                continue
            stem = {"xa": "xa", "phuong": "phuong", "dac_khu": "dk"}[a["commune_type"]]
            if not str(code).startswith(f"{prefix}-{stem}-"):
                problems.append(f"{where(reg, code)}: a {a['commune_type']} code starts with {prefix}-{stem}-")
            for key in ("formed_from", "resolution", "name", "short_name"):
                if not str(a.get(key) or "").strip():
                    problems.append(f"{where(reg, code)}: `{key}` is missing")
            if not re.fullmatch(r"NQ \d+/NQ-UBTVQH15, Điều 1 khoản \d+", str(a.get("resolution"))):
                problems.append(
                    f"{where(reg, code)}: resolution {a.get('resolution')!r} is not 'NQ n/NQ-UBTVQH15, Điều 1 khoản k'"
                )
            if a.get("valid_from") is None or _date(a["valid_from"]) != NEW_PROVINCES:
                problems.append(f"{where(reg, code)}: valid_from {a.get('valid_from')!r}, expected 2025-07-01")
            if f"{prefix}-g-xa-phuong" not in (a.get("groups") or []):
                problems.append(f"{where(reg, code)}: not in {prefix}-g-xa-phuong")
    assert_none(problems)


# --- codes -------------------------------------------------------------------------------------------------


def test_codes_are_well_formed_unique_and_keep_the_province_prefix() -> None:
    problems = []
    seen: dict[str, str] = {}
    for reg in registries():
        prefix = PREFIX[reg.province]
        for key in ("agencies", "groups"):
            for item in reg.items(key):
                code = str(item.get("code"))
                if not CODE_RE.match(code):
                    problems.append(f"{where(reg, code)}: not a code [a-z0-9]+(-[a-z0-9]+)*")
                if not code.startswith(f"{prefix}-"):
                    problems.append(f"{where(reg, code)}: does not start with the province prefix {prefix}-")
                if code in seen:
                    problems.append(f"{where(reg, code)}: already defined in {seen[code]}")
                seen[code] = reg.path.name
    assert_none(problems)


def defined() -> tuple[dict[str, tuple[Registry, dict[str, Any]]], dict[str, tuple[Registry, dict[str, Any]]]]:
    agencies = {str(a["code"]): (r, a) for r in registries() for a in r.items("agencies")}
    groups = {str(g["code"]): (r, g) for r in registries() for g in r.items("groups")}
    return agencies, groups


def test_every_reference_names_a_defined_code() -> None:
    agencies, groups = defined()
    problems = []
    for reg in dated_files():
        for a in reg.items("agencies"):
            for g in a.get("groups") or []:
                if g not in groups:
                    problems.append(f"{where(reg, a['code'])}: unknown group {g}")
            if a.get("parent") and a["parent"] not in agencies:
                problems.append(f"{where(reg, a['code'])}: unknown parent {a['parent']}")
        for g in reg.items("groups"):
            for inc in g.get("includes") or []:
                if inc not in groups:
                    problems.append(f"{where(reg, g['code'])}: includes unknown group {inc}")
        for e in reg.items("ended_groups"):
            if e.get("code") not in groups:
                problems.append(f"{where(reg, e.get('code'))}: ended_groups names an unknown group")
        for s in reg.items("successions"):
            for code in [*(s.get("from") or []), *(s.get("to") or [])]:
                if code not in agencies:
                    problems.append(f"{where(reg, code)}: named in a {s.get('kind')} succession but defined in no registry file")
    assert_none(problems)


# --- successions -------------------------------------------------------------------------------------------


def test_successions_are_well_formed() -> None:
    problems = []
    for reg, s in all_successions():
        label = where(reg, s.get("from"))
        if s.get("kind") not in SUCCESSION_KINDS:
            problems.append(f"{label}: kind {s.get('kind')!r} is not one of {sorted(SUCCESSION_KINDS)}")
        if not s.get("from"):
            problems.append(f"{label}: `from` is empty")
        if s.get("effective") is None or _date(s["effective"]) != reg.as_of:
            problems.append(f"{label}: effective {s.get('effective')!r} differs from the file's as_of {reg.as_of}")
        if not s.get("source"):
            problems.append(f"{label}: no `source`")
        if not s.get("to") and not s.get("unconfirmed"):
            problems.append(f"{label}: no successor and not marked unconfirmed")
        if s.get("unconfirmed") and not s.get("note"):
            problems.append(f"{label}: unconfirmed without a note saying what is not known")
        if s.get("kind") == "split":
            if s.get("work") not in {"all", "lead"}:
                problems.append(f"{label}: a split needs `work: all` or `work: lead`")
            if s.get("work") == "lead" and s.get("lead") not in (s.get("to") or []):
                problems.append(f"{label}: `lead` must be one of `to`")
        if set(s.get("from") or []) & set(s.get("to") or []):
            problems.append(f"{label}: an agency is both predecessor and successor")
    assert_none(problems)


def test_no_agency_ends_twice() -> None:
    ends: defaultdict[str, list[str]] = defaultdict(list)
    for reg, s in all_successions():
        for code in s.get("from") or []:
            if code not in (s.get("to") or []):
                ends[code].append(reg.path.name)
    assert_none(
        [f"{code}: ends in {len(files)} successions ({', '.join(files)})" for code, files in ends.items() if len(files) > 1]
    )


def test_every_old_district_and_merged_department_has_its_succession() -> None:
    """Each district-level unit and each department merged on 1/3/2025 is the `from` of exactly one succession."""
    successions: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, s in all_successions():
        for code in s.get("from") or []:
            successions[code].append(s)
    problems = []
    for reg in base_files():
        for a in reg.items("agencies"):
            code = a["code"]
            name = str(a.get("name", "")).removesuffix(f" tỉnh {reg.data['province_name']}")
            if a.get("kind") == "district":
                expected = "split"
            elif name in MERGED_DEPARTMENTS:
                expected = "merger|absorption"
            else:
                continue
            found = successions.get(code, [])
            if len(found) != 1:
                problems.append(f"{where(reg, code)}: the `from` of {len(found)} successions, expected exactly one")
            elif found[0]["kind"] not in expected.split("|"):
                problems.append(f"{where(reg, code)}: ends by {found[0]['kind']}, expected {expected}")
            elif expected == "split" and not found[0].get("to") and not found[0].get("unconfirmed"):
                problems.append(f"{where(reg, code)}: split to no commune and not marked unconfirmed")
    assert_none(problems)


def test_every_long_an_agency_still_running_on_30_6_2025_hands_over_to_tay_ninh() -> None:
    ended_before = {
        c for r, s in all_successions() if r.as_of < NEW_PROVINCES for c in s.get("from") or [] if c not in (s.get("to") or [])
    }
    handed = {c for r, s in all_successions() if r.as_of == NEW_PROVINCES for c in s.get("from") or []}
    long_an = [(r, a) for r in registries() if r.province == "long-an" for a in r.items("agencies")]
    assert_none(
        [
            f"{where(r, a['code'])}: no 1/7/2025 succession into tỉnh Tây Ninh"
            for r, a in long_an
            if a["code"] not in ended_before | handed
        ]
    )
    tay_ninh = registry("tay-ninh-2025-07.yaml")
    assert_none(
        [
            f"{where(tay_ninh, t)}: a Long An successor outside tỉnh Tây Ninh"
            for r, s in all_successions()
            if r is tay_ninh
            for t in s.get("to") or []
            if not t.startswith(("tn-",))
        ]
    )


def test_the_succession_graph_has_no_cycle() -> None:
    edges: defaultdict[str, set[str]] = defaultdict(set)
    for _, s in all_successions():
        for a in s.get("from") or []:
            edges[a].update(t for t in s.get("to") or [] if t != a)

    def walk(code: str, path: tuple[str, ...]) -> None:
        for nxt in sorted(edges.get(code, ())):
            assert nxt not in path, "succession cycle: " + " → ".join((*path, nxt))
            walk(nxt, (*path, nxt))

    for start in sorted(edges):
        walk(start, (start,))


@pytest.mark.parametrize(
    ("name", "merged_from"),
    [
        ("dong-nai-2025-07.yaml", "binh-phuoc"),
        ("tay-ninh-2025-07.yaml", "long-an"),
        ("hung-yen-2025-07.yaml", "thai-binh"),
        ("dong-thap-2025-07.yaml", "tien-giang"),
    ],
)
def test_the_province_merger_is_recorded(name: str, merged_from: str) -> None:
    reg = registry(name)
    mergers = reg.items("province_mergers")
    assert [m.get("from") for m in mergers] == [merged_from], (
        f"{name}: province_mergers {mergers!r}, expected one from {merged_from}"
    )
    assert _date(mergers[0]["effective"]) == NEW_PROVINCES, (
        f"{name}: province merger effective {mergers[0]['effective']!r}, expected 2025-07-01"
    )
    assert mergers[0].get("source"), f"{name}: province merger without a source"


# --- dates -------------------------------------------------------------------------------------------------


def test_new_agencies_and_groups_start_on_their_file_date() -> None:
    problems = []
    for reg in dated_files():
        for key in ("agencies", "groups"):
            for item in reg.items(key):
                start = item.get("valid_from")
                if start is None or _date(start) < reg.as_of:
                    problems.append(f"{where(reg, item['code'])}: valid_from {start!r} is before the file's date {reg.as_of}")
        for e in reg.items("ended_groups"):
            if _date(e.get("last_day")) != reg.as_of - timedelta(days=1):
                problems.append(
                    f"{where(reg, e.get('code'))}: last_day {e.get('last_day')!r}, expected the day before {reg.as_of}"
                )
    assert_none(problems)


def test_a_replaced_group_ends_when_its_successor_group_starts() -> None:
    """After 1/7/2025 no live group fans out to the district-level units."""
    _, groups = defined()
    ended = {e["code"] for r in dated_files() for e in r.items("ended_groups")}
    district_groups = {g for g, (r, _) in groups.items() if r in base_files() and g.endswith("-g-huyen")}
    problems = [f"{where(groups[g][0], g)}: the district group does not end" for g in district_groups - ended]
    for code, (reg, g) in groups.items():
        if code not in ended and set(g.get("includes") or []) & district_groups:
            problems.append(f"{where(reg, code)}: includes a district group and does not end on 30/6/2025")
    assert_none(problems)


# --- holidays ----------------------------------------------------------------------------------------------


def test_the_holiday_data_has_the_2026_civil_service_tet() -> None:
    data = yaml.safe_load(HOLIDAYS.read_text(encoding="utf-8"))
    days = {_date(d["date"]) for d in data.get("holidays") or []}
    tet = {date(2026, 2, 16) + timedelta(days=i) for i in range(5)}  # Thông báo 9441/TB-BNV: Mon 16/02 → Fri 20/02/2026
    assert tet <= days, f"{HOLIDAYS.name}: missing Tết 2026 days {sorted(d.strftime('%d/%m/%Y') for d in tet - days)}"
