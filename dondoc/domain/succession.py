"""Who owns a task on a given day when agencies and groups change (DOMAIN.md §7, issue 11 §2–§3).

Directives keep the agencies of their time. An agency that ends (``valid_to``) names its
successors; the work due after its last day passes to them (following chains: Sở TT&TT →
Sở KH&CN → …; a split hands it to every successor, or to one named lead). An agency that ended
with no known successor keeps its work, so nothing is silently dropped: it shows as its own,
overdue, until the registry names who took over.

A group resolves as of each occurrence: the agencies that were members at some time between the
directive's start and that day lead it (each handing over to its successors once it has ended),
and when the group itself has ended, the members of the group that replaced it join.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Lifespan:
    """An agency's validity and the agencies that receive its work once it has ended."""

    valid_to: date | None
    successors: tuple[str, ...] = ()
    valid_from: date | None = None

    def overlaps(self, start: date, end: date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or start <= self.valid_to)


@dataclass(frozen=True)
class GroupSpan:
    """A group's validity, its direct members, the groups it includes and the group that replaced it."""

    members: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None

    def overlaps(self, start: date, end: date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or start <= self.valid_to)


class SuccessionError(ValueError):
    """The registry's successor chain loops."""


def owners_on(agency: str, day: date | None, registry: Mapping[str, Lifespan]) -> tuple[str, ...]:
    """The agencies that own ``agency``'s work due on ``day`` (the agency itself while it exists).

    Undated (ongoing) work belongs to the agency until it ends, then to its successors.
    """
    return tuple(dict.fromkeys(_owners(agency, (agency,), day, registry)))


# The walks below are module functions, not closures: a recursive closure is a reference cycle per call,
# garbage that only the cyclic collector frees (a sweep pauses it, then pays for thousands of them at once).


def _owners(code: str, path: tuple[str, ...], day: date | None, registry: Mapping[str, Lifespan]) -> list[str]:
    life = registry.get(code)
    if life is None or life.valid_to is None or not life.successors or (day is not None and day <= life.valid_to):
        return [code]
    found: list[str] = []
    for successor in life.successors:
        if successor in path:
            raise SuccessionError(f"successor chain loops: {' → '.join([*path, successor])}")
        found.extend(_owners(successor, (*path, successor), day, registry))
    return found


def owner_on(agency: str, day: date | None, registry: Mapping[str, Lifespan]) -> str:
    """The first owner (for a chain without splits, the only one)."""
    return owners_on(agency, day, registry)[0]


def group_members(
    group: str, start: date, day: date, groups: Mapping[str, GroupSpan], registry: Mapping[str, Lifespan]
) -> tuple[str, ...]:
    """Agencies that were members of ``group`` (through ``includes`` and replacing groups) between ``start`` and ``day``."""
    found: list[str] = []
    _members(group, start, day, groups, registry, found, set())
    return tuple(sorted(set(found)))


def _members(
    code: str, lo: date, hi: date, groups: Mapping[str, GroupSpan], registry: Mapping[str, Lifespan], found: list[str], seen: set[str]
) -> None:
    span = groups.get(code)
    if span is None or code in seen:
        return
    seen.add(code)
    if span.overlaps(lo, hi):
        # the window in which membership of this group counts
        lo2 = max(lo, span.valid_from) if span.valid_from else lo
        hi2 = min(hi, span.valid_to) if span.valid_to else hi
        for member in span.members:
            life = registry.get(member)
            if life is None or life.overlaps(lo2, hi2):
                found.append(member)
        for sub in span.includes:
            _members(sub, lo2, hi2, groups, registry, found, seen)
    if span.successor and span.valid_to is not None and span.valid_to < hi:
        _members(span.successor, max(lo, span.valid_to), hi, groups, registry, found, seen)


def leads_on(
    lead: str, start: date, day: date, groups: Mapping[str, GroupSpan], registry: Mapping[str, Lifespan]
) -> tuple[str, ...]:
    """The agencies that lead an item whose lead is ``lead`` (agency or group) for the occurrence on ``day``."""
    addressed: Sequence[str] = group_members(lead, start, day, groups, registry) if lead in groups else (lead,)
    owners: list[str] = []
    for agency in addressed:
        owners.extend(owners_on(agency, day, registry))
    return tuple(sorted(set(owners)))
