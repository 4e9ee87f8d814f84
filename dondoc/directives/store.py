"""Writing a validated import batch: the registry state, directives, assignments, then planning what changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from dondoc.clock import utc_now
from dondoc.db import audit
from dondoc.directives.instances import Loss, PlanResult, plan_with_losses
from dondoc.directives.rows import ClausePlan
from dondoc.directives.validation import Batch, DirectiveFile, assignment_kpis, content_hash
from dondoc.domain.planning import ad_hoc_part
from dondoc.errors import InputError
from dondoc.models import AgencyGroup, Assignment, Directive, TaskInstance
from dondoc.registries.diff import RegistryDiff
from dondoc.registries.store import write_state


@dataclass
class ImportSummary:
    provinces: list[str] = field(default_factory=list)
    agencies: int = 0
    groups: int = 0
    directives: list[str] = field(default_factory=list)
    assignments: int = 0
    plans: dict[str, PlanResult] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    diff: RegistryDiff = field(default_factory=RegistryDiff)
    unchanged: list[str] = field(default_factory=list)  # directives neither edited nor touched by a registry change
    losses: list[Loss] = field(default_factory=list)  # kept open (refused) or cancelled (confirmed replace)
    clauses: list[ClausePlan] = field(default_factory=list)  # --check: what each clause would plan

    @property
    def changed_nothing(self) -> bool:
        return self.diff.empty and not self.plans


_now = utc_now


def _acted_on_note(session: Session, directive: str, gone: Assignment) -> list[str]:
    """A clause dropped by the new version whose tasks someone completed or extended: say where they stay.

    They are kept (never cancelled) under the old clause, which no longer shows in ``dondoc status``;
    a clause that was only renumbered comes back, with them, when the file keeps its old number.
    """
    acted = session.exec(
        select(func.count())
        .select_from(TaskInstance)
        .where(TaskInstance.assignment_id == gone.id)
        .where(or_(col(TaskInstance.completed_on).is_not(None), col(TaskInstance.extended_at).is_not(None)))
    ).one()
    if not acted:
        return []
    return [
        f"{directive}: mục {gone.clause} không còn trong tệp; {acted} nhiệm vụ đã ghi nhận hoàn thành hoặc gia hạn của mục này "
        "được giữ nguyên dưới mục cũ (không hiện trong `dondoc status`); nếu chỉ đổi số mục, giữ số cũ "
        f"({gone.clause}) trong tệp rồi nhập lại để chúng hiện lại"
    ]


def _write_directive(session: Session, item: DirectiveFile, actor: str, notes: list[str]) -> tuple[Directive, int, bool]:
    """Write one directive and its clauses; ``notes`` gets what the import summary must say."""
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
        if gone.active:
            notes.extend(_acted_on_note(session, item.code, gone))
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


def apply_batch(
    session: Session,
    batch: Batch,
    *,
    as_of: date,
    actor: str,
    replace: str | None = None,
    check: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportSummary:
    """Write a validated batch in the caller's transaction and (re)plan the directives it affects.

    A directive is replanned when its file changed or its province's registry did (a province that
    merged into another counts as touched too). Open work that a registry change would take from an
    agency without a successor is refused (:class:`InputError` listing directives and clauses) unless
    ``replace`` equals the fingerprint of this very change, shown by ``dondoc import --check``.
    With ``check`` the losses are only listed (the caller rolls the transaction back).
    """
    diff = batch.diff
    summary = ImportSummary(warnings=batch.warnings, diff=diff)
    summary.provinces = sorted({reg.model.province for reg in batch.registries})
    summary.agencies = sum(len(reg.model.agencies) for reg in batch.registries)
    summary.groups = sum(len(reg.model.groups) for reg in batch.registries)
    write_state(batch.stored, batch.state, set(diff.provinces), session=session)
    if not diff.empty:
        audit.record(
            session,
            "registry.imported",
            actor=actor,
            detail={
                "files": [reg.doc.path.name for reg in batch.registries],
                "fingerprint": diff.fingerprint(),
                "added": len(diff.added),
                "ended": len(diff.ended),
                "renamed": len(diff.renamed),
                "memberships_added": len(diff.memberships_added),
                "memberships_removed": len(diff.memberships_removed),
                "successions": len(diff.successions),
            },
        )
    session.flush()
    confirmed = replace is not None and replace == diff.fingerprint()
    if replace is not None and not confirmed:
        raise InputError(
            f"--replace {replace}: does not match this change ({diff.fingerprint()}); run `dondoc import --check` on the same files "
            "and confirm what it shows"
        )
    touched = set(diff.provinces)
    written: list[tuple[Directive, bool]] = []
    for item in batch.directives:
        directive, count, changed = _write_directive(session, item, actor, summary.warnings)
        summary.directives.append(directive.code)
        summary.assignments += count
        written.append((directive, changed))
    # the batch's directives in file order (instance ids follow it), then the stored ones a registry change touches
    in_batch = {d.code for d, _ in written}
    others = session.exec(select(Directive).where(col(Directive.province).in_(touched)).order_by(col(Directive.code))).all()
    to_plan = [*written, *((d, False) for d in others if d.code not in in_batch)]
    for done, (directive, changed) in enumerate(to_plan, 1):
        if progress:  # ``progress(done, total, what)`` as each directive is (re)planned
            progress(done, len(to_plan), directive.number or directive.code)
        if changed or directive.province in touched:
            result, losses = plan_with_losses(session, directive, as_of=as_of, actor=actor, state=batch.state, cancel_lost=confirmed)
            summary.plans[directive.code] = result
            summary.losses.extend(losses)
            summary.warnings.extend(result.notes)
        else:
            summary.unchanged.append(directive.code)
    if summary.losses and not confirmed and not check:
        raise InputError(
            f"refused: this import would take {sum(x.count for x in summary.losses)} open task instance(s) from their agencies "
            "without a successor; nothing was imported",
            problems=[
                "refused: this import would take open work from agencies without naming who takes it over; nothing was imported",
                *(
                    f"  {x.directive} mục {x.clause}: {x.agency} — {x.count} nhiệm vụ đang mở"
                    for x in summary.losses
                ),
                "Say how in the registry file (end the agency with a succession: effective date and successors), or run "
                f"`dondoc import --check` and confirm this exact replacement with `--replace {diff.fingerprint()}`.",
            ],
        )
    return summary
