"""Import agency registries and directives from YAML: validate everything, then write all or nothing.

Validation happens in memory against the registries in the batch plus those already
stored; only when every file is clean does one transaction write agencies, directives,
assignments and the planned task instances.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from dondoc.configuration.files import load_calendar, load_policy
from dondoc.configuration.yaml_source import YamlDocument, load_yaml
from dondoc.directives.schema import REVIEWED_FIELDS, AssignmentIn, DirectiveIn
from dondoc.domain.dates import vn_date
from dondoc.domain.deadlines import DeadlineKind, ParsedDeadline, parse_deadline
from dondoc.domain.graphs import find_cycle
from dondoc.domain.names import AgencyRecord, NameResolver
from dondoc.errors import InputError
from dondoc.registries.diff import RegistryDiff, registry_diff
from dondoc.registries.queries import stored_state
from dondoc.registries.schema import RegistryIn
from dondoc.registries.state import RegistryState
from dondoc.registries.validation import Lookup, RegistryFile, fold

REGISTRY_DIRNAME = "agencies"


@dataclass(frozen=True)
class ItemRefs:
    """One assignment's agencies as codes, after names were resolved."""

    leads: tuple[str, ...]
    co_agencies: tuple[str, ...]
    report_to: tuple[str, ...]
    report_via: str | None


@dataclass
class DirectiveFile:
    doc: YamlDocument
    model: DirectiveIn
    code: str
    issued: date
    deadlines: dict[str, ParsedDeadline]
    leads: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)
    issuer: str = ""
    coordinator: str = ""
    refs: dict[str, ItemRefs] = field(default_factory=dict)


@dataclass
class Batch:
    registries: list[RegistryFile]
    directives: list[DirectiveFile]
    stored: RegistryState = field(default_factory=RegistryState)
    state: RegistryState = field(default_factory=RegistryState)
    warnings_registry: list[str] = field(default_factory=list)

    @property
    def diff(self) -> RegistryDiff:
        return registry_diff(self.stored, self.state)

    @property
    def warnings(self) -> list[str]:
        return [*self.warnings_registry, *(w for d in self.directives for w in d.warnings)]


def stored_lookup(session: Session) -> Lookup:
    """The stored registry, for checking a batch against it."""
    return Lookup(stored_state(session=session))


def _is_contacts(path: Path) -> bool:
    """Apprise contact files live beside the seeds but are not imported (see dondoc.reminders.contacts)."""
    return path.name.endswith((".apprise.yml", ".apprise.yaml")) or path.parent.name == "contacts"


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named on the command line, or every *.yaml/*.yml under a folder (registries first)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file() and not _is_contacts(p))
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


def _pydantic_problems(doc: YamlDocument, exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field_path = ".".join(str(p) for p in loc) or "(document)"
        problems.append(f"{doc.path}:{doc.line_of(loc)}: {field_path}: {err['msg']}")
    return problems


def _parse_model(doc: YamlDocument, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError("invalid file", problems=_pydantic_problems(doc, exc)) from exc


def generated_code(model: DirectiveIn) -> str:
    """A stable code for a directive whose number is blank ("chưa có số")."""
    digest = hashlib.sha1(f"{model.province}|{model.source_file}".encode()).hexdigest()[:6]
    return f"{model.province}-{model.kind.value.replace('_', '-')}-{model.issued}-{digest}"


def issued_date(issued: str) -> date:
    """The earliest day an issue date with blank day/month can mean (the directive's default start)."""
    parts = [int(p) for p in issued.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _in_force(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)


def name_resolver(lookup: Lookup, province: str, on: date) -> NameResolver:
    """Names, short names and aliases of the province's agencies and groups in force on ``on``."""
    state = lookup.state
    records = [
        AgencyRecord(g.code, g.name, province, "group", aliases=g.aliases, includes=g.includes)
        for g in state.groups.values()
        if g.province == province and _in_force(g.valid_from, g.valid_to, on)
    ]
    records += [
        AgencyRecord(a.code, a.name, province, "agency", short_name=a.short_name, aliases=a.aliases)
        for a in state.agencies.values()
        if a.province == province and _in_force(a.valid_from, a.valid_to, on)
    ]
    names = {p.code: p.name for p in state.provinces.values()}
    return NameResolver(records, names)


def resolve_ref(lookup: Lookup, resolver: NameResolver, written: str, province: str) -> tuple[tuple[str, ...], str | None]:
    """A code or a name as the document writes it → codes, or what is wrong (with "did you mean").

    A code is taken as is; a name resolves through the province's names, short names and aliases
    ("Sở KH&CN", "UBND các xã, phường"); a list written in one string ("Sở Tư pháp, Sở Nội vụ")
    gives one code per name. Nothing is guessed: a name that matches two records is refused.
    """
    if lookup.knows(written):
        return (written,), None
    parts = resolver.split(written)
    bad = [p for p in parts if not p.resolved]
    if parts and not bad:
        return resolver.combine(tuple(dict.fromkeys(c for p in parts for c in p.codes))), None
    by_name = {r.name: r.code for r in resolver.records}
    problems = []
    for part in bad or [resolver.resolve(written)]:
        hints = [f"{by_name[n]} ({n})" for n in part.candidates if n in by_name]
        matched = len(resolver.lookup(part.written)) > 1
        what = "names several agencies or groups" if matched else "is neither a code nor a name, short name or alias"
        hint = f"; did you mean {', '.join(hints)}?" if hints else lookup.suggest(part.written, province)
        problems.append(f"unknown agency or group {part.written!r} ({what} in the {province} registry){hint}")
    return (), "; ".join(problems)


def _raw(data: Any, loc: tuple[str | int, ...]) -> Any:
    """The value at ``loc`` in the YAML as written (before pydantic turned a scalar into a list)."""
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _null_fields(doc: YamlDocument) -> list[str]:
    """A reviewed draft fills these header fields; while one is null the file is refused, naming the line."""
    if not isinstance(doc.data, dict):
        return []
    return [
        f"{doc.path}:{doc.line_of((name,))}: {name}: still empty in the draft; fill it in ({_FILL[name]}) and import again"
        for name in REVIEWED_FIELDS
        if name in doc.data and doc.data[name] is None
    ]


_FILL = {
    "province": "the province code, e.g. dong-nai",
    "issuer": "the code or name of the issuing agency, e.g. UBND tỉnh",
    "coordinator": "the agency that chases the work, usually Văn phòng UBND tỉnh",
    "issued": "the issue date as YYYY-MM-DD, or YYYY-MM / YYYY when the text leaves it blank",
}


def _check_directive(doc: YamlDocument, model: DirectiveIn, lookup: Lookup) -> tuple[list[str], DirectiveFile | None]:
    problems: list[str] = []
    prov = model.province

    def where(loc: tuple[str | int, ...]) -> str:
        return f"{doc.path}:{doc.line_of(loc)}: {'.'.join(map(str, loc))}"

    def need(code: str | None, loc: tuple[str | int, ...], what: str = "agency or group") -> None:
        if code and not lookup.knows(code):
            problems.append(f"{where(loc)}: unknown {what} {code!r}{lookup.suggest(code, prov)}")

    def codes(written: str, loc: tuple[str | int, ...]) -> tuple[str, ...]:
        found, problem = resolve_ref(lookup, resolver, written, prov)
        if problem:
            problems.append(f"{where(loc)}: {problem}")
        return found

    def one(written: str | None, loc: tuple[str | int, ...]) -> str | None:
        if written is None:
            return None
        found = codes(written, loc)
        if len(found) > 1:
            problems.append(f"{where(loc)}: {written!r} names {len(found)} agencies ({', '.join(found)}); give one")
        return found[0] if len(found) == 1 else None

    def many(written: list[str], loc: tuple[str | int, ...]) -> tuple[str, ...]:
        listed = isinstance(_raw(doc.data, loc), list)  # `lead: X` is reported at `lead`, `lead: [X, Y]` per entry
        return tuple(dict.fromkeys(c for j, w in enumerate(written) for c in codes(w, (*loc, j) if listed else loc)))

    if not lookup.has_province(prov):
        problems.append(
            f"{doc.path}:{doc.line_of(('province',))}: province: no agency registry for {prov!r}; import directives_seed/agencies/{prov}.yaml first or in the same command"
        )
        return problems, None
    resolver = name_resolver(lookup, prov, issued_date(model.issued))
    issuer = one(model.issuer, ("issuer",))
    coordinator = one(model.coordinator, ("coordinator",))
    for k, kpi in enumerate(model.kpis):
        need(kpi.agency, ("kpis", k, "agency"))

    clauses: dict[str, int] = {}
    for i, item in enumerate(model.assignments):
        if item.clause in clauses:
            problems.append(
                f"{doc.path}:{doc.line_of(('assignments', i, 'clause'))}: assignments[{i}].clause: duplicated clause {item.clause!r} "
                f"(first at line {doc.line_of(('assignments', clauses[item.clause], 'clause'))}); give each item its own reference"
            )
        clauses.setdefault(item.clause, i)

    issued = issued_date(model.issued)
    policy = load_policy(prov, model.number)
    deadlines: dict[str, ParsedDeadline] = {}
    leads: dict[str, list[str]] = {}
    refs: dict[str, ItemRefs] = {}
    warnings: list[str] = []
    undated_cycles: list[str] = []
    for i, item in enumerate(model.assignments):
        base = ("assignments", i)
        item_leads = many(item.lead, (*base, "lead"))
        co_agencies = many(item.co_agencies, (*base, "co_agencies"))
        report_to = many(item.report_to, (*base, "report_to"))
        report_via = one(item.report_via, (*base, "report_via"))
        refs[item.clause] = ItemRefs(item_leads, co_agencies, report_to, report_via)
        for k, kpi in enumerate(item.kpis):
            need(kpi.agency, (*base, "kpis", k, "agency"))
        for j, dep in enumerate(item.depends_on):
            if dep not in clauses:
                problems.append(
                    f"{doc.path}:{doc.line_of((*base, 'depends_on', j))}: assignments[{i}].depends_on: no clause {dep!r} in this directive"
                    f"{'; clauses: ' + ', '.join(list(clauses)[:12]) if clauses else ''}"
                )
            if dep == item.clause:
                problems.append(
                    f"{doc.path}:{doc.line_of((*base, 'depends_on', j))}: assignments[{i}].depends_on: clause {item.clause!r} depends on itself; remove it"
                )
        if item.repeats is not None:
            other = clauses.get(item.repeats)
            if other is None or other == i:
                problems.append(
                    f"{where((*base, 'repeats'))}: no other clause {item.repeats!r} in this directive; "
                    "name the clause that states the same task (e.g. the appendix row 'PL 2.4')"
                )
            elif model.assignments[other].repeats is not None:
                problems.append(
                    f"{where((*base, 'repeats'))}: clause {item.repeats!r} itself repeats {model.assignments[other].repeats!r}; "
                    "link every copy to the one that is planned"
                )
        parsed = parse_deadline(item.deadline, issued=issued, policy=policy)
        for error in parsed.errors:
            problems.append(
                f"{doc.path}:{doc.line_of((*base, 'deadline'))}: assignments[{i}].deadline: {error} — correct the date in {item.deadline!r}"
            )
        if not parsed.understood and not parsed.errors:
            warnings.append(
                f"{doc.path}:{doc.line_of((*base, 'deadline'))}: clause {item.clause}: deadline {item.deadline!r} not understood; kept verbatim, no due date (see `dondoc explain-deadline`)"
            )
        if parsed.kind == DeadlineKind.ONCE and parsed.stated_date and parsed.stated_date < issued:
            problems.append(
                f"{doc.path}:{doc.line_of((*base, 'deadline'))}: assignments[{i}].deadline: {item.deadline!r} is before the issue date {model.issued}; check the year"
            )
        if item.start and parsed.due and item.start > parsed.due:
            problems.append(f"{where((*base, 'start'))}: {vn_date(item.start)} is after the deadline {vn_date(parsed.due)}; check both")
        if (
            parsed.kind == DeadlineKind.RECURRING
            and parsed.starts is None
            and item.start is None
            and model.start is None
            and model.issued.count("-") < 2
        ):
            undated_cycles.append(item.clause)
        deadlines[item.clause] = parsed
        members: list[str] = []
        for code in item_leads:
            group_members = lookup.members(code, issued) if lookup.is_group(code) else [code]
            if lookup.is_group(code) and not group_members:
                warnings.append(
                    f"{doc.path}:{doc.line_of((*base, 'lead'))}: clause {item.clause}: group {code!r} has no known members on "
                    f"{vn_date(issued)}; no instance is planned until the registry names its members (or the group that replaced it)"
                )
            members.extend(m for m in group_members if m not in members)
        leads[item.clause] = members
    depends = {item.clause: [d for d in item.depends_on if d != item.clause and d in clauses] for item in model.assignments}
    loop = find_cycle(depends)
    if loop:
        i = clauses[loop[0]]
        j = model.assignments[i].depends_on.index(loop[1])
        problems.append(
            f"{doc.path}:{doc.line_of(('assignments', i, 'depends_on', j))}: assignments[{i}].depends_on: the dependencies form a loop "
            f"({' → '.join(loop)}), so none of these clauses could ever start; remove one dependency"
        )
    if undated_cycles:
        warnings.append(
            f"{doc.path}:{doc.line_of(('issued',))}: issued {model.issued!r} has no day, so the cycles of clauses "
            f"{', '.join(undated_cycles)} start on {vn_date(issued)}; set `start:` to the first day the directive can apply"
        )
    if problems or issuer is None or coordinator is None:
        return problems, None
    code = model.number or generated_code(model)
    return [], DirectiveFile(doc, model, code, issued, deadlines, leads, warnings, issuer, coordinator, refs)


def validate_paths(paths: Sequence[Path], lookup: Lookup) -> Batch:
    """Read and check every file; raise one InputError listing all problems, or return the batch."""
    problems: list[str] = []
    registries: list[RegistryFile] = []
    directive_docs: list[YamlDocument] = []
    for path in discover(paths):
        try:
            doc = load_yaml(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(doc.data, dict) and "agencies" in doc.data:
            try:
                registries.append(RegistryFile(doc, _parse_model(doc, RegistryIn)))
            except InputError as exc:
                problems.extend(exc.problems)
        elif isinstance(doc.data, dict) and "assignments" in doc.data:
            directive_docs.append(doc)
        else:
            problems.append(f"{path}:1: neither an agency registry (needs `agencies:`) nor a directive (needs `assignments:`)")

    stored = lookup.state
    state, found = fold(registries, stored)
    problems.extend(found)
    lookup = Lookup(state)

    directives: list[DirectiveFile] = []
    seen_codes: dict[str, Path] = {}
    for doc in directive_docs:
        empty = _null_fields(doc)
        if empty:
            problems.extend(empty)  # a draft not reviewed yet: say what to fill, not how the types differ
            continue
        try:
            model: DirectiveIn = _parse_model(doc, DirectiveIn)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        found, checked = _check_directive(doc, model, lookup)
        problems.extend(found)
        if checked:
            if checked.code in seen_codes:
                problems.append(
                    f"{doc.path}:{doc.line_of(('number',))}: number: directive {checked.code} is also in {seen_codes[checked.code]}"
                )
            seen_codes[checked.code] = doc.path
            directives.append(checked)
    if problems:
        raise InputError(f"{len(problems)} problem(s); nothing was imported", problems=problems)
    return Batch(registries, directives, stored, state, unconfirmed_warnings(stored, state))


def content_hash(model: BaseModel) -> str:
    return hashlib.sha256(json.dumps(model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def assignment_kpis(item: AssignmentIn) -> list[dict[str, Any]]:
    return [k.model_dump(mode="json") for k in item.kpis]


__all__ = ["Batch", "DirectiveFile", "ItemRefs", "Lookup", "RegistryFile", "discover", "load_calendar", "stored_lookup", "validate_paths"]


def unconfirmed_warnings(stored: RegistryState, state: RegistryState) -> list[str]:
    """New successions whose successors are unknown or partial: their work is kept, never dropped."""
    out: list[str] = []
    for code, s in sorted(state.successions.items()):
        if stored.successions.get(code) == s or not s.unconfirmed:
            continue
        if s.to:
            out.append(
                f"{s.registry_file}: {code} ends on {vn_date(s.effective - timedelta(days=1))} with a partial successor list (unconfirmed): its work passes "
                f"to {', '.join(s.receivers)}; complete the list when the source is found"
            )
        else:
            out.append(
                f"{s.registry_file}: {code} ends on {vn_date(s.effective - timedelta(days=1))} with no confirmed successor: its work stays with it "
                "(shown as its own, overdue) until a succession names who took over"
            )
    return out
