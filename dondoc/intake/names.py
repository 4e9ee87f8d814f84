"""Registry files → the name resolver's records (the resolver itself is :mod:`dondoc.domain.names`)."""

from __future__ import annotations

from collections.abc import Iterable

from dondoc.domain.names import AgencyRecord, NameResolver, Resolution, clean_name, fold
from dondoc.registries.schema import RegistryIn

__all__ = ["AgencyRecord", "NameResolver", "Resolution", "clean_name", "fold", "records_from_registry", "resolver_for"]


def records_from_registry(registry: RegistryIn) -> list[AgencyRecord]:
    """Registry YAML (validated) → plain records, groups with their members (through ``includes``)."""
    direct: dict[str, list[str]] = {}
    for agency in registry.agencies:
        for group in agency.groups:
            direct.setdefault(group, []).append(agency.code)
    includes = {g.code: g.includes for g in registry.groups}

    def members(code: str, seen: frozenset[str] = frozenset()) -> list[str]:
        out = list(direct.get(code, []))
        for inner in includes.get(code, []):
            if inner not in seen:
                out.extend(members(inner, seen | {code}))
        return list(dict.fromkeys(out))

    records = [
        AgencyRecord(
            code=g.code,
            name=g.name,
            province=registry.province,
            kind="group",
            aliases=tuple(g.aliases),
            members=tuple(members(g.code)),
            includes=tuple(g.includes),
        )
        for g in registry.groups
    ]
    records.extend(
        AgencyRecord(
            code=a.code,
            name=a.name,
            province=registry.province,
            kind=str(a.kind),
            short_name=a.short_name,
            aliases=tuple(a.aliases),
        )
        for a in registry.agencies
    )
    return records


def resolver_for(records: Iterable[AgencyRecord], province_names: dict[str, str], province: str | None) -> NameResolver:
    """The resolver for one province (its records only), or an empty one when the province is unknown."""
    chosen = [r for r in records if province is not None and r.province == province]
    return NameResolver(chosen, province_names)
