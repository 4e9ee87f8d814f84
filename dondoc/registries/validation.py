"""Checking registry files against each other and the stored registry, with file:line in every problem."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from dondoc.configuration.yaml_source import YamlDocument
from dondoc.domain.dates import vn_date
from dondoc.domain.succession import GroupSpan, Lifespan, SuccessionError, group_members, owners_on
from dondoc.registries.schema import RegistryIn
from dondoc.registries.state import RegistryState, apply_file, name_clashes


@dataclass
class RegistryFile:
    doc: YamlDocument
    model: RegistryIn


@dataclass
class Lookup:
    """Agencies and groups known to a batch: the stored registry with the batch's files folded in."""

    state: RegistryState = field(default_factory=RegistryState)
    _views: tuple[dict[str, GroupSpan], dict[str, Lifespan]] | None = field(default=None, repr=False, compare=False)

    def knows(self, code: str) -> bool:
        return code in self.state.agencies or code in self.state.groups

    def is_group(self, code: str) -> bool:
        return code in self.state.groups

    def has_province(self, province: str) -> bool:
        return any(a.province == province for a in self.state.agencies.values())

    def suggest(self, code: str, province: str) -> str:
        names: dict[str, str] = {}
        for a in self.state.agencies.values():
            if a.province == province:
                for label in [a.code, *a.labels]:
                    names[label.lower()] = a.code
        for g in self.state.groups.values():
            if g.province == province:
                for label in [g.code, g.name, *g.aliases]:
                    names[label.lower()] = g.code
        close = difflib.get_close_matches(code.lower(), list(names), n=3, cutoff=0.5)
        hints = list(dict.fromkeys(names[c] for c in close))  # closest first
        return f"; did you mean {', '.join(hints)}?" if hints else "; see `dondoc agencies --province " + province + "`"

    def members(self, group: str, on: date) -> list[str]:
        """Agencies of a group (recursively through ``includes``) in force on ``on``."""
        if self._views is None:  # the state is not changed once a Lookup wraps it
            self._views = (self.state.group_spans(), self.state.lifespans())
        return list(group_members(group, on, on, *self._views))


def _where(doc: YamlDocument, loc: tuple[str | int, ...]) -> str:
    return f"{doc.path}:{doc.line_of(loc)}: {'.'.join(map(str, loc))}"


def _references(reg: RegistryFile, state: RegistryState, lookup: Lookup) -> list[str]:
    doc, model = reg.doc, reg.model
    problems: list[str] = []
    codes: dict[str, int] = {}
    listed: list[tuple[str, int, str]] = [("groups", i, g.code) for i, g in enumerate(model.groups)]
    listed += [("agencies", i, a.code) for i, a in enumerate(model.agencies)]
    for kind, i, code in listed:
        if code in codes:
            problems.append(f"{_where(doc, (kind, i, 'code'))}: duplicated code {code!r}")
        codes[code] = i
    prov = model.province
    for i, group in enumerate(model.groups):
        for j, inc in enumerate(group.includes):
            if inc not in state.groups:
                problems.append(f"{_where(doc, ('groups', i, 'includes', j))}: unknown group {inc!r}{lookup.suggest(inc, prov)}")
    for i, eg in enumerate(model.ended_groups):
        if eg.successor and eg.successor not in state.groups:
            problems.append(
                f"{_where(doc, ('ended_groups', i, 'successor'))}: unknown group {eg.successor!r}{lookup.suggest(eg.successor, prov)}"
            )
    for i, agency in enumerate(model.agencies):
        for j, grp in enumerate(agency.groups):
            if grp not in state.groups:
                problems.append(f"{_where(doc, ('agencies', i, 'groups', j))}: unknown group {grp!r}{lookup.suggest(grp, prov)}")
        for fld in ("parent", "successor"):
            ref = getattr(agency, fld)
            if ref and ref not in state.agencies:
                problems.append(f"{_where(doc, ('agencies', i, fld))}: unknown agency {ref!r}{lookup.suggest(ref, prov)}")
        if agency.successor and agency.valid_to is None and agency.code not in state.successions:
            problems.append(
                f"{_where(doc, ('agencies', i, 'successor'))}: {agency.code} names a successor but no valid_to; give the last day it existed"
            )
    for i, s in enumerate(model.successions):
        for part in ("from", "to"):
            for j, code in enumerate(s.from_ if part == "from" else s.to):
                if code not in state.agencies:
                    problems.append(f"{_where(doc, ('successions', i, part, j))}: unknown agency {code!r}{lookup.suggest(code, prov)}")
        for j, code in enumerate(s.to):
            target = state.agencies.get(code)
            if target is not None and target.valid_from is not None and target.valid_from > s.effective:
                problems.append(
                    f"{_where(doc, ('successions', i, 'to', j))}: {code} starts on {vn_date(target.valid_from)}, after the succession "
                    f"takes effect ({vn_date(s.effective)}); its work would have no owner in between"
                )
    return problems


def _loops(regs: Sequence[RegistryFile], state: RegistryState) -> list[str]:
    lifespans = state.lifespans()
    for reg in regs:
        for i, agency in enumerate(reg.model.agencies):
            try:
                owners_on(agency.code, None, lifespans)
            except SuccessionError as exc:
                loc = ("agencies", i, "successor") if agency.successor else ("agencies", i, "code")
                return [
                    f"{_where(reg.doc, loc)}: the chain loops ({str(exc).split(': ', 1)[1]}); an agency's successor must not lead back to it"
                ]
    return []


def fold(regs: Sequence[RegistryFile], stored: RegistryState) -> tuple[RegistryState, list[str]]:
    """Apply the files (oldest ``as_of`` first) to the stored registry; return the new state and every problem."""
    problems: list[str] = []
    state = stored
    ordered = sorted(regs, key=lambda r: (r.model.as_of, r.doc.path.name))
    for reg in ordered:
        state, conflicts = apply_file(state, reg.model, reg.doc.path.name)
        problems.extend(f"{_where(reg.doc, c.loc)}: {c}" for c in conflicts)
    lookup = Lookup(state)
    for reg in ordered:
        problems.extend(_references(reg, state, lookup))
    problems.extend(_loops(ordered, state))
    new_codes = [a.code for reg in ordered for a in reg.model.agencies if a.code not in stored.agencies]
    clashes = name_clashes(state, new_codes)
    for reg in ordered:
        for i, agency in enumerate(reg.model.agencies):
            for other, label in clashes.get(agency.code, []):
                problems.append(
                    f"{_where(reg.doc, ('agencies', i, 'code'))}: new agency {agency.code} is called {label!r}, like {other} "
                    f"({state.agencies[other].name}) in force at the same time; did you mean {other}? Use the existing code, "
                    f"or end {other} with a succession"
                )
    return state, problems
