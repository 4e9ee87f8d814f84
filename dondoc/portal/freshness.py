"""Which cached portal pages a write makes stale (pure: no database, no clock).

Every write of dondoc's use cases adds an audit row. A cached page remembers the newest audit row
it has seen and the codes it reads (its agency's code and groups, or the Office's code); when newer
rows exist, each row's *audience* — the codes whose pages show what it changed — says whether the
page must be rendered again. A row about one task instance reaches the task's lead, its co-agencies
(codes or groups), the leads consolidating it and the directive's coordinating office; a row that
changes nothing a page shows reaches nobody; anything else (an import, a replan, a registry) reaches
everybody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EVERYBODY: frozenset[str] | None = None  # an audience that is every page
NOBODY: frozenset[str] = frozenset()

# Rows that change nothing a department page or the Office's queue shows.
QUIET_ACTIONS = frozenset({"portal.link.issued", "portal.link.revoked", "portal.calendar.subscribed"})
QUIET_PREFIXES = ("report.",)
# Rows about one instance: their audience is that instance's.
INSTANCE_ACTIONS = frozenset(
    {
        "instance.completed",
        "instance.extended",
        "portal.submission.completion",
        "portal.submission.extension",
        "portal.submission.input",
        "portal.submission.approved",
        "portal.submission.rejected",
    }
)


@dataclass(frozen=True)
class Change:
    """One audit row, as far as page freshness goes."""

    id: int
    action: str
    instance_id: int | None


def needs_instance(change: Change) -> bool:
    """Whether this row's audience is that of its instance (to be looked up)."""
    return change.instance_id is not None and change.action in INSTANCE_ACTIONS


def audience(change: Change, instance_audience: frozenset[str] | None) -> frozenset[str] | None:
    """The codes whose pages this row changes; ``EVERYBODY`` (None) when it cannot be narrowed.

    ``instance_audience``: the audience of the row's instance, when :func:`needs_instance` (None if
    the instance is gone, which reaches everybody).
    """
    if change.action in QUIET_ACTIONS or change.action.startswith(QUIET_PREFIXES):
        return NOBODY
    if needs_instance(change):
        return instance_audience
    return EVERYBODY


def instance_audience(*, lead: str, co_agencies: Iterable[str], consolidators: Iterable[str], coordinator: str) -> frozenset[str]:
    """Who sees an instance: its lead, its co-agencies (as named: codes or groups), the leads of the
    tasks that consolidate it (their "inputs arrived" count) and the coordinating office."""
    return frozenset({lead, coordinator, *co_agencies, *consolidators})


def stale(audiences: Iterable[frozenset[str] | None], reads: frozenset[str]) -> bool:
    """Whether a page that reads ``reads`` (codes) is changed by rows with these audiences."""
    return any(a is None or not a.isdisjoint(reads) for a in audiences)
