"""Which agency owns a task on a given day, when agencies end and name successors (DOMAIN.md §7).

Directives keep the agencies of their time; an agency that ends (``valid_to``) names its
successor, and the work due after its last day passes to that successor (following a chain:
Sở TT&TT → Sở KH&CN → …).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Lifespan:
    valid_to: date | None
    successor: str | None


class SuccessionError(ValueError):
    """The registry's successor chain loops or leads nowhere."""


def owner_on(agency: str, day: date | None, registry: Mapping[str, Lifespan]) -> str:
    """The agency that owns ``agency``'s work due on ``day`` (the agency itself while it exists).

    Undated (ongoing) work belongs to the agency until it ends, then to its successor chain's end.
    """
    seen = [agency]
    current = agency
    while True:
        life = registry.get(current)
        if life is None or life.valid_to is None:
            return current
        if day is not None and day <= life.valid_to:
            return current
        if life.successor is None:
            return current  # ended with no successor: the work stays with it and is reported as such
        current = life.successor
        if current in seen:
            raise SuccessionError(f"successor chain loops: {' → '.join([*seen, current])}")
        seen.append(current)
