"""The registry as plain data, and what a registry file does to it (pure: no I/O, no clock).

``apply_file`` folds one validated file into the state: a full registry (2023 files) or a dated
change file (2025 files) — agencies and groups it lists are upserted, successions end the agencies
they hand over, ``ended_groups`` close groups, ``province_mergers`` record where a province's
directives continue. Agencies a file does not mention keep going, with their memberships.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from dondoc.domain.dates import vn_date
from dondoc.domain.succession import GroupSpan, Lifespan

if TYPE_CHECKING:  # the YAML input models (pydantic, ~8 ms to build): `dondoc agencies` reads a stored state only
    from dondoc.registries.schema import RegistryIn


@dataclass(frozen=True)
class AgencyState:
    code: str
    province: str
    name: str
    short_name: str | None
    aliases: tuple[str, ...]
    kind: str
    parent: str | None
    groups: tuple[str, ...]
    contacts: str  # JSON list, compared as text
    valid_from: date | None
    valid_to: date | None
    successor: str | None
    commune_type: str | None
    formed_from: str | None
    resolution: str | None
    note: str | None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.name, *([self.short_name] if self.short_name else []), *self.aliases)


@dataclass(frozen=True)
class GroupState:
    code: str
    province: str
    name: str
    aliases: tuple[str, ...]
    includes: tuple[str, ...]
    complete: bool
    valid_from: date | None
    valid_to: date | None
    successor: str | None
    note: str | None


@dataclass(frozen=True)
class SuccessionState:
    from_code: str
    province: str
    kind: str
    effective: date
    to: tuple[str, ...]
    work: str
    lead: str | None
    unconfirmed: bool
    source: str | None
    note: str | None
    registry_file: str

    @property
    def receivers(self) -> tuple[str, ...]:
        return (self.lead,) if self.work == "lead" and self.lead else self.to


@dataclass(frozen=True)
class MergerState:
    from_province: str
    into_province: str
    effective: date
    source: str | None
    note: str | None


@dataclass(frozen=True)
class ProvinceState:
    code: str
    name: str
    registry_as_of: date
    registry_file: str
    note: str | None


@dataclass
class RegistryState:
    provinces: dict[str, ProvinceState] = field(default_factory=dict)
    agencies: dict[str, AgencyState] = field(default_factory=dict)
    groups: dict[str, GroupState] = field(default_factory=dict)
    successions: dict[str, SuccessionState] = field(default_factory=dict)
    mergers: dict[str, MergerState] = field(default_factory=dict)

    def copy(self) -> RegistryState:
        return RegistryState(
            dict(self.provinces), dict(self.agencies), dict(self.groups), dict(self.successions), dict(self.mergers)
        )

    def lifespans(self) -> dict[str, Lifespan]:
        """Validity and receivers of every agency (a succession row wins over the old single ``successor``)."""
        out: dict[str, Lifespan] = {}
        for code, a in self.agencies.items():
            succession = self.successions.get(code)
            receivers = succession.receivers if succession else ((a.successor,) if a.successor else ())
            out[code] = Lifespan(a.valid_to, tuple(receivers), a.valid_from)
        return out

    def group_spans(self) -> dict[str, GroupSpan]:
        members: dict[str, list[str]] = {}
        for a in self.agencies.values():
            for g in a.groups:
                members.setdefault(g, []).append(a.code)
        return {
            code: GroupSpan(tuple(sorted(members.get(code, []))), g.includes, g.valid_from, g.valid_to, g.successor)
            for code, g in self.groups.items()
        }


class RegistryConflict(ValueError):
    """A file contradicts what is stored or another file (the message says which field and why)."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc


def _contacts_json(contacts: Iterable[object]) -> str:
    return json.dumps(list(contacts), sort_keys=True, ensure_ascii=False)


def apply_file(state: RegistryState, model: RegistryIn, file_name: str) -> tuple[RegistryState, list[RegistryConflict]]:
    """The state after one file, and the conflicts it raises (the state is returned even with conflicts)."""
    new = state.copy()
    conflicts: list[RegistryConflict] = []
    prov = model.province
    old_prov = new.provinces.get(prov)
    if old_prov is None or model.as_of >= old_prov.registry_as_of:
        new.provinces[prov] = ProvinceState(prov, model.province_name, model.as_of, file_name, model.note)
    for i, g in enumerate(model.groups):
        stored = new.groups.get(g.code)
        new.groups[g.code] = GroupState(
            g.code,
            prov,
            g.name,
            _aliases_after((stored.name,), stored.aliases, (g.name,), tuple(g.aliases)) if stored else tuple(g.aliases),
            tuple(g.includes),
            stored.complete if stored is not None and "complete" not in g.model_fields_set else g.complete,
            g.valid_from if g.valid_from is not None else (stored.valid_from if stored else None),
            g.valid_to if g.valid_to is not None else (stored.valid_to if stored else None),
            stored.successor if stored else None,
            stored.note if stored is not None and "note" not in g.model_fields_set else g.note,
        )
        if stored is not None and stored.province != prov:
            conflicts.append(RegistryConflict(f"group {g.code} belongs to province {stored.province}", ("groups", i, "code")))
    for i, a in enumerate(model.agencies):
        stored_a = new.agencies.get(a.code)
        if stored_a is not None and stored_a.province != prov:
            conflicts.append(RegistryConflict(f"agency {a.code} belongs to province {stored_a.province}", ("agencies", i, "code")))
        given = a.model_fields_set

        def kept(name: str, value: object, *, agency: AgencyState | None = stored_a, given: set[str] = given) -> Any:
            """A field the file does not write keeps its stored value (``groups`` excepted: memberships are the file's)."""
            return getattr(agency, name) if agency is not None and name not in given else value

        short_name = kept("short_name", a.short_name)
        new.agencies[a.code] = AgencyState(
            a.code,
            prov,
            a.name,
            short_name,
            _aliases_after(_names(stored_a), stored_a.aliases, _names(a.name, short_name), tuple(a.aliases))
            if stored_a is not None
            else tuple(a.aliases),
            a.kind.value,
            kept("parent", a.parent),
            tuple(a.groups),
            kept("contacts", _contacts_json(c.model_dump(mode="json") for c in a.contacts)),
            a.valid_from if a.valid_from is not None else (stored_a.valid_from if stored_a else None),
            a.valid_to if a.valid_to is not None else (stored_a.valid_to if stored_a else None),
            a.successor if a.successor is not None else (stored_a.successor if stored_a else None),
            kept("commune_type", a.commune_type.value if a.commune_type else None),
            kept("formed_from", a.formed_from),
            kept("resolution", a.resolution),
            kept("note", a.note),
        )
    for i, eg in enumerate(model.ended_groups):
        group = new.groups.get(eg.code)
        if group is None:
            conflicts.append(RegistryConflict(f"unknown group {eg.code!r}", ("ended_groups", i, "code")))
            continue
        new.groups[eg.code] = replace(group, valid_to=eg.last_day, successor=eg.successor or group.successor)
    for i, s in enumerate(model.successions):
        for j, code in enumerate(s.from_):
            if code in s.to:
                continue  # absorption: the absorbing agency continues
            entry = SuccessionState(
                code, prov, s.kind.value, s.effective, tuple(s.to), s.work, s.lead, s.unconfirmed, s.source, s.note, file_name
            )
            earlier = new.successions.get(code)
            if earlier is not None and _succession_key(earlier) != _succession_key(entry):
                conflicts.append(
                    RegistryConflict(
                        f"{code} already ends on {vn_date(earlier.effective - timedelta(days=1))} by a {earlier.kind} "
                        f"to {', '.join(earlier.to) or '(unconfirmed)'} ({earlier.registry_file}); an agency ends once",
                        ("successions", i, "from", j),
                    )
                )
                continue
            new.successions[code] = entry
    for i, m in enumerate(model.province_mergers):
        new.mergers[m.from_] = MergerState(m.from_, prov, m.effective, m.source, m.note)
        if m.from_ == prov:
            conflicts.append(RegistryConflict("a province cannot merge into itself", ("province_mergers", i, "from")))
    # every agency a succession ends gets its last day (the day before the effective date)
    for code, ended in new.successions.items():
        agency = new.agencies.get(code)
        if agency is None:
            continue
        last = ended.effective - timedelta(days=1)
        if agency.valid_to is not None and agency.valid_to != last:
            where = next(
                (("successions", i, "effective") for i, x in enumerate(model.successions) if code in x.from_),
                next((("agencies", i, "valid_to") for i, x in enumerate(model.agencies) if x.code == code), ("province",)),
            )
            conflicts.append(
                RegistryConflict(
                    f"{code}: valid_to {vn_date(agency.valid_to)} contradicts its succession effective {vn_date(ended.effective)} "
                    f"(its last day would be {vn_date(last)})",
                    where,
                )
            )
            continue
        if agency.valid_to is None:
            new.agencies[code] = replace(agency, valid_to=last)
    return new, conflicts


def _names(first: AgencyState | str, short_name: str | None = None) -> tuple[str, ...]:
    """An agency's name and short name (of a stored agency, or as given)."""
    if isinstance(first, AgencyState):
        return _names(first.name, first.short_name)
    return (first, *([short_name] if short_name else []))


def _aliases_after(
    old_names: tuple[str, ...], old_aliases: tuple[str, ...], names: tuple[str, ...], aliases: tuple[str, ...]
) -> tuple[str, ...]:
    """The aliases after a file restates an agency or group: the file's, then the stored ones it does
    not repeat, then a name (or short name) it replaces. Documents and commands that use an earlier
    name still find it; an alias is never dropped by an import."""
    out = list(dict.fromkeys((*aliases, *old_aliases)))
    known = {normalise_label(label) for label in (*names, *out)}
    for label in old_names:
        if normalise_label(label) not in known:
            known.add(normalise_label(label))
            out.append(label)
    return tuple(out)


def _succession_key(s: SuccessionState) -> tuple[object, ...]:
    return (s.kind, s.effective, s.to, s.work, s.lead, s.unconfirmed)


_SPACES = re.compile(r"\s+")


def normalise_label(label: str) -> str:
    """Case- and space-insensitive form of a name for matching ("Sở KH&CN" = "sở  kh&cn")."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", label)).strip().casefold()


def _overlap(a: AgencyState, b: AgencyState) -> bool:
    return (a.valid_from is None or b.valid_to is None or a.valid_from <= b.valid_to) and (
        b.valid_from is None or a.valid_to is None or b.valid_from <= a.valid_to
    )


def name_clashes(state: RegistryState, new_codes: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """For each new agency, the (other code, shared label) pairs of agencies of the same province alive at the same time."""
    by_label: dict[tuple[str, str], set[str]] = {}
    for a in state.agencies.values():
        for label in a.labels:
            by_label.setdefault((a.province, normalise_label(label)), set()).add(a.code)
    out: dict[str, list[tuple[str, str]]] = {}
    for code in new_codes:
        agency = state.agencies[code]
        for label in agency.labels:
            for other in sorted(by_label.get((agency.province, normalise_label(label)), set()) - {code}):
                if _overlap(agency, state.agencies[other]) and (other, label) not in out.get(code, []):
                    out.setdefault(code, []).append((other, label))
    return out
