"""Writing a validated import batch: registries, directives, assignments, then planning."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from dondoc.clock import utc_now
from dondoc.db import audit
from dondoc.directives.instances import PlanResult, plan_directive
from dondoc.directives.validation import Batch, DirectiveFile, RegistryFile, assignment_kpis, content_hash
from dondoc.domain.planning import ad_hoc_part
from dondoc.models import Agency, AgencyGroup, Assignment, Directive, GroupMember, Province


@dataclass
class ImportSummary:
    provinces: list[str] = field(default_factory=list)
    agencies: int = 0
    groups: int = 0
    directives: list[str] = field(default_factory=list)
    assignments: int = 0
    plans: dict[str, PlanResult] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


_now = utc_now


def _write_registry(session: Session, reg: RegistryFile) -> tuple[int, int]:
    m = reg.model
    province = session.get(Province, m.province) or Province(
        code=m.province, name=m.province_name, registry_as_of=m.as_of, registry_file=str(reg.doc.path)
    )
    province.name, province.registry_as_of, province.registry_file, province.note = (
        m.province_name,
        m.as_of,
        reg.doc.path.name,
        m.note,
    )
    session.add(province)
    session.flush()

    existing_agencies = {a.code: a for a in session.exec(select(Agency).where(Agency.province == m.province))}
    for a in m.agencies:
        row = existing_agencies.get(a.code) or Agency(code=a.code, province=m.province, name=a.name, kind=a.kind.value)
        row.name, row.short_name, row.aliases, row.kind = a.name, a.short_name, list(a.aliases), a.kind.value
        row.parent_code, row.successor_code, row.valid_from, row.valid_to, row.note = (
            a.parent,
            a.successor,
            a.valid_from,
            a.valid_to,
            a.note,
        )
        row.contacts = [c.model_dump(mode="json") for c in a.contacts]
        session.add(row)
    existing_groups = {g.code: g for g in session.exec(select(AgencyGroup).where(AgencyGroup.province == m.province))}
    for g in m.groups:
        grow = existing_groups.get(g.code) or AgencyGroup(code=g.code, province=m.province, name=g.name)
        grow.name, grow.aliases, grow.includes, grow.complete, grow.note = (
            g.name,
            list(g.aliases),
            list(g.includes),
            g.complete,
            g.note,
        )
        session.add(grow)
    session.flush()

    agency_ids = {a.code: a.id for a in session.exec(select(Agency).where(Agency.province == m.province))}
    groups = {g.code: g for g in session.exec(select(AgencyGroup).where(AgencyGroup.province == m.province))}
    direct: dict[str, set[str]] = {code: set() for code in groups}
    for a in m.agencies:
        for gcode in a.groups:
            direct.setdefault(gcode, set()).add(a.code)

    def flatten(code: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if code in seen:
            return set()
        members = set(direct.get(code, set()))
        for sub in groups[code].includes:
            members |= flatten(sub, seen | {code})
        return members

    session.execute(delete(GroupMember).where(col(GroupMember.group_id).in_([g.id for g in groups.values()])))
    for code, group in groups.items():
        for member in sorted(flatten(code)):
            agency_id = agency_ids[member]
            assert group.id is not None
            assert agency_id is not None
            session.add(GroupMember(group_id=group.id, agency_id=agency_id, direct=member in direct.get(code, set())))
    return len(m.agencies), len(m.groups)


def _write_directive(session: Session, item: DirectiveFile, actor: str) -> tuple[Directive, int, bool]:
    m = item.model
    digest = content_hash(m)
    directive = session.exec(select(Directive).where(Directive.code == item.code)).first()
    changed = directive is None or directive.content_hash != digest
    parts = [int(p) for p in m.issued.split("-")]
    if directive is None:
        directive = Directive(
            code=item.code,
            province=m.province,
            issuer_code=item.issuer,
            kind=m.kind.value,
            issued_year=parts[0],
            title=m.title,
            source_file=m.source_file,
            seed_file=item.doc.path.name,
            coordinator_code=item.coordinator,
            start_date=m.start or item.issued,
            content_hash=digest,
            imported_at=_now(),
        )
    directive.number, directive.province, directive.issuer_code, directive.kind = m.number, m.province, item.issuer, m.kind.value
    directive.issued_year = parts[0]
    directive.issued_month = parts[1] if len(parts) > 1 else None
    directive.issued_day = parts[2] if len(parts) > 2 else None
    directive.title, directive.source_file, directive.seed_file, directive.signer = (
        m.title,
        m.source_file,
        item.doc.path.name,
        m.signer,
    )
    directive.coordinator_code, directive.start_date, directive.end_date = item.coordinator, m.start or item.issued, m.end
    directive.recipients, directive.kpis, directive.note = list(m.recipients), [k.model_dump(mode="json") for k in m.kpis], m.note
    if changed:
        directive.content_hash, directive.imported_at = digest, _now()
    session.add(directive)
    session.flush()
    assert directive.id is not None

    existing = {a.clause: a for a in session.exec(select(Assignment).where(Assignment.directive_id == directive.id))}
    group_codes = set(session.exec(select(AgencyGroup.code)))
    for position, a in enumerate(m.assignments):
        parsed = item.deadlines[a.clause]
        refs = item.refs[a.clause]
        row = existing.pop(a.clause, None) or Assignment(
            directive_id=directive.id,
            position=position,
            clause=a.clause,
            text=a.text,
            summary=a.summary,
            lead_code=refs.leads[0],
            lead_is_group=False,
            deadline_kind=parsed.kind.value,
            deadline_reading=parsed.reading,
        )
        row.position, row.text, row.summary, row.lead_code = position, a.text, a.summary, refs.leads[0]
        row.lead_is_group, row.lead_codes = refs.leads[0] in group_codes, list(refs.leads)
        row.co_agencies, row.deliverable, row.deadline_text = list(refs.co_agencies), a.deliverable, a.deadline
        row.deadline_kind, row.deadline_reading, row.deadline_rule = parsed.kind.value, parsed.reading, parsed.rule
        row.deadline_understood = parsed.understood
        row.report_to, row.report_to_codes = (refs.report_to[0] if refs.report_to else None), list(refs.report_to)
        row.report_via, row.depends_on = refs.report_via, list(a.depends_on)
        row.start_date, row.ad_hoc, row.repeats = a.start, ad_hoc_part(parsed), a.repeats
        row.kpis, row.note, row.active = assignment_kpis(a), a.note, True
        session.add(row)
    for gone in existing.values():
        gone.active = False
        session.add(gone)
    if changed:
        audit.record(
            session,
            "directive.imported",
            actor=actor,
            directive_id=directive.id,
            detail={"file": item.doc.path.name, "assignments": len(m.assignments), "removed_clauses": sorted(existing)},
        )
    session.flush()
    return directive, len(m.assignments), changed


def apply_batch(session: Session, batch: Batch, *, as_of: date, actor: str) -> ImportSummary:
    """Write a validated batch in the caller's transaction and (re)plan each directive's instances."""
    summary = ImportSummary(warnings=batch.warnings)
    for reg in batch.registries:
        agencies, groups = _write_registry(session, reg)
        summary.provinces.append(reg.model.province)
        summary.agencies += agencies
        summary.groups += groups
    session.flush()
    for item in batch.directives:
        directive, count, _changed = _write_directive(session, item, actor)
        summary.directives.append(directive.code)
        summary.assignments += count
        summary.plans[directive.code] = plan_directive(session, directive, as_of=as_of, actor=actor)
    return summary
