"""What a registry import changes (pure): agencies added, ended, renamed; memberships; groups; successions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from dondoc.registries.state import AgencyState, RegistryState


@dataclass(frozen=True)
class RegistryDiff:
    added: list[str] = field(default_factory=list)
    ended: list[tuple[str, str]] = field(default_factory=list)  # (code, last day ISO)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (code, old name, new name)
    changed: list[str] = field(default_factory=list)  # other fields (aliases, kind, dates, contacts…)
    memberships_added: list[tuple[str, str]] = field(default_factory=list)  # (agency, group)
    memberships_removed: list[tuple[str, str]] = field(default_factory=list)
    groups_added: list[str] = field(default_factory=list)
    groups_changed: list[str] = field(default_factory=list)
    successions: list[str] = field(default_factory=list)  # from codes with a new or changed succession
    mergers: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)  # provinces whose agencies, groups or successions changed

    @property
    def empty(self) -> bool:
        return not any(
            (self.added, self.ended, self.renamed, self.changed, self.memberships_added, self.memberships_removed,
             self.groups_added, self.groups_changed, self.successions, self.mergers)
        )  # fmt: skip

    def fingerprint(self) -> str:
        """A short hash of the change, to confirm exactly this change with ``--replace``."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True, default=str).encode()).hexdigest()[:10]


def _other_fields(a: AgencyState) -> tuple[object, ...]:
    return (
        a.short_name, a.aliases, a.kind, a.parent, a.contacts, a.valid_from, a.successor, a.commune_type, a.formed_from,
        a.resolution, a.note,
    )  # fmt: skip


def registry_diff(old: RegistryState, new: RegistryState) -> RegistryDiff:
    diff = RegistryDiff()
    touched: set[str] = set()
    for code, a in sorted(new.agencies.items()):
        before = old.agencies.get(code)
        if before is None:
            diff.added.append(code)
            touched.add(a.province)
            continue
        if a == before:
            continue
        touched.add(a.province)
        if a.valid_to != before.valid_to and a.valid_to is not None:
            diff.ended.append((code, a.valid_to.isoformat()))
        if a.name != before.name:
            diff.renamed.append((code, before.name, a.name))
        for g in sorted(set(a.groups) - set(before.groups)):
            diff.memberships_added.append((code, g))
        for g in sorted(set(before.groups) - set(a.groups)):
            diff.memberships_removed.append((code, g))
        if _other_fields(a) != _other_fields(before) or (a.valid_to is None and before.valid_to is not None):
            diff.changed.append(code)
    for code, a in sorted(new.agencies.items()):
        if code in diff.added:
            diff.memberships_added.extend((code, g) for g in a.groups)
    for code, group in sorted(new.groups.items()):
        before_g = old.groups.get(code)
        if before_g is None:
            diff.groups_added.append(code)
            touched.add(group.province)
        elif group != before_g:
            diff.groups_changed.append(code)
            touched.add(group.province)
    for code, s in sorted(new.successions.items()):
        if old.successions.get(code) != s:
            diff.successions.append(code)
            touched.add(s.province)
            if code in old.agencies:
                touched.add(old.agencies[code].province)
    for code, m in sorted(new.mergers.items()):
        if old.mergers.get(code) != m:
            diff.mergers.append(code)
            touched.update({m.into_province, m.from_province})
    diff.provinces.extend(sorted(touched))
    return diff
