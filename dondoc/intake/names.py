"""Registry files → the name resolver's records (the resolver itself is :mod:`dondoc.domain.names`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from dondoc.domain.dates import vn_date
from dondoc.domain.names import AgencyRecord, NameResolver, Resolution, clean_name, fold
from dondoc.errors import InputError
from dondoc.registries.schema import RegistryIn
from dondoc.registries.state import RegistryState, apply_file

__all__ = [
    "AgencyRecord",
    "InForce",
    "NameResolver",
    "Resolution",
    "clean_name",
    "fold",
    "records_from_registry",
    "records_in_force",
    "resolver_for",
]


def _members(
    code: str, direct: Mapping[str, Sequence[str]], includes: Mapping[str, Sequence[str]], seen: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """A group's members: the agencies that list it, then the members of the groups it includes (no loops)."""
    out = list(direct.get(code, ()))
    for inner in includes.get(code, ()):
        if inner not in seen:
            out.extend(_members(inner, direct, includes, seen | {code}))
    return tuple(dict.fromkeys(out))


def records_from_registry(registry: RegistryIn) -> list[AgencyRecord]:
    """One registry file → plain records, whatever their dates, groups with their members (through ``includes``).

    The file is read on its own: what it ends or closes in other files (a change file's
    ``ended_groups``) does not concern its own records, so those references are not checked here
    (``dondoc import`` checks them).
    """
    state, _ = apply_file(RegistryState(), registry, registry.province)
    return _records(state, None)


class InForce(NamedTuple):
    records: list[AgencyRecord]  # agencies and groups alive on the day
    province_names: dict[str, str]
    former: list[AgencyRecord]  # agencies ended by then, with the names of those carrying their work on


def records_in_force(registries: Sequence[RegistryIn], on: date) -> InForce:
    """The agencies and groups in force on ``on`` (and the provinces' names then), from every registry file.

    The files are folded oldest ``as_of`` first, as the importer does (a dated change file ends, merges
    and renames what the earlier ones set up); then only what is alive on ``on`` is kept, so a 2023
    document resolves against the departments of 2023 and a document of August 2025 against the
    merged ones. A group's members are its members alive that day.
    """
    state = RegistryState()
    for model in sorted(registries, key=lambda r: (r.as_of, r.province)):
        state, conflicts = apply_file(state, model, f"{model.province} ({vn_date(model.as_of)})")
        if conflicts:
            raise InputError(f"danh mục cơ quan {model.province} ngày {vn_date(model.as_of)}: {conflicts[0]}")
    records = _records(state, on)
    alive = {r.code: r.name for r in records}
    former = [
        AgencyRecord(
            code=code,
            name=a.name,
            province=a.province,
            kind=a.kind,
            short_name=a.short_name,
            aliases=a.aliases,
            successors=tuple(alive[c] for c in span.successors if c in alive),
        )
        for code, span in state.lifespans().items()
        if (a := state.agencies[code]).valid_to is not None and a.valid_to < on
    ]
    return InForce(records, {code: p.name for code, p in state.provinces.items()}, former)


def _records(state: RegistryState, on: date | None) -> list[AgencyRecord]:
    """The state's groups then agencies as resolver records: those alive on ``on`` (all when None)."""

    def alive(valid_from: date | None, valid_to: date | None) -> bool:
        return on is None or ((valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to))

    agencies = [a for a in state.agencies.values() if alive(a.valid_from, a.valid_to)]
    groups = {g.code: g for g in state.groups.values() if alive(g.valid_from, g.valid_to)}
    direct: dict[str, list[str]] = {}
    for agency in agencies:
        for code in agency.groups:
            direct.setdefault(code, []).append(agency.code)
    includes = {code: tuple(i for i in g.includes if on is None or i in groups) for code, g in groups.items()}
    records = [
        AgencyRecord(
            code=g.code,
            name=g.name,
            province=g.province,
            kind="group",
            aliases=g.aliases,
            members=_members(g.code, direct, includes),
            includes=includes[g.code],
        )
        for g in groups.values()
    ]
    records.extend(
        AgencyRecord(code=a.code, name=a.name, province=a.province, kind=a.kind, short_name=a.short_name, aliases=a.aliases)
        for a in agencies
    )
    return records


def resolver_for(records: Iterable[AgencyRecord], province_names: dict[str, str], province: str | None) -> NameResolver:
    """The resolver for one province (its records only), or an empty one when the province is unknown."""
    chosen = [r for r in records if province is not None and r.province == province]
    return NameResolver(chosen, province_names)
