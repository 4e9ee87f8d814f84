"""Building a report for a province and a period, and freezing it once the period is closed.

A closed period (its cut-off day has passed) is computed as of its cut-off, stored in
``report_snapshot`` and from then on read back: later completions, extensions or cancellations
do not change it (a late completion appears in the next period as "hoàn thành quá hạn").
An open period is computed live as of the requested day and marked provisional.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dondoc.domain.periods import CutoffMode, Period, PeriodError, is_closed, parse_period, previous, window
from dondoc.domain.policy import Policy
from dondoc.domain.report_math import total
from dondoc.errors import InputError, NotFoundError
from dondoc.reports import aggregate
from dondoc.reports.model import GroupRow, PreviousSummary, ReportData
from models import AuditEvent, Province, ReportSnapshot


def period_from_key(key: str) -> Period:
    try:
        return parse_period(key)
    except PeriodError as exc:
        raise InputError(f"--period {exc}") from exc


def province_row(session: Session, code: str) -> Province:
    province = session.get(Province, code)
    if province is None:
        known = [p for (p,) in session.execute(select(Province.code).order_by(Province.code))]  # type: ignore[call-overload]
        raise NotFoundError(
            f"province {code!r}: not imported; known: {', '.join(known) or 'none (run `dondoc import directives_seed`)'}"
        )
    return province


def compute(session: Session, province: Province, period: Period, mode: CutoffMode, as_of: date, policy: Policy) -> ReportData:
    """The report computed from the database as of ``as_of`` (no snapshot involved)."""
    win = window(period, mode, policy.reports.cutoff_day)
    infos = aggregate.agencies(session, province.code)
    rows = aggregate.count_rows(session, province.code, win, as_of)
    by_agency, by_directive = aggregate.roll_up(rows)
    dinfos = aggregate.directives(session, set(by_directive))
    directive_rows = sorted(
        (GroupRow(d.label, d.label, d.title, by_directive[i]) for i, d in dinfos.items()), key=lambda g: g.code
    )
    agency_rows = sorted(
        (GroupRow(infos[i].code, infos[i].name, infos[i].kind, c) for i, c in by_agency.items()), key=lambda g: g.name
    )
    return ReportData(
        province=province.code,
        province_name=province.name,
        period_key=period.key,
        period_label=period.label_vi,
        period_short=period.short_vi,
        cutoff_mode=mode,
        window_start=win.start,
        window_end=win.end,
        as_of=as_of,
        frozen=False,
        rating=policy.rating.model_dump(),
        totals=total(c for _, _, c in rows),
        previous=None,
        directives=directive_rows,
        agencies=agency_rows,
        overdue=aggregate.overdue_rows(session, province.code, as_of),
        extended=aggregate.extended_rows(session, province.code, win, as_of),
        ongoing=aggregate.ongoing_rows(session, province.code, win, as_of),
        kpis=aggregate.kpi_rows(session, province.code, win, as_of, infos),
    )


def _hash(data: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _stored(session: Session, province: str, period: Period, mode: CutoffMode) -> ReportSnapshot | None:
    stmt = select(ReportSnapshot).where(
        ReportSnapshot.province == province,  # type: ignore[arg-type]
        ReportSnapshot.period_key == period.key,  # type: ignore[arg-type]
        ReportSnapshot.cutoff_mode == mode,  # type: ignore[arg-type]
    )
    return session.scalars(stmt).one_or_none()


def closed_report(
    session: Session, province: Province, period: Period, mode: CutoffMode, policy: Policy, *, actor: str, recompute: bool = False
) -> ReportData:
    """A closed period's frozen report: read back if stored, else computed as of its cut-off and stored."""
    snapshot = _stored(session, province.code, period, mode)
    if snapshot is not None and not recompute:
        return ReportData.from_json(snapshot.data)
    cutoff = window(period, mode, policy.reports.cutoff_day).end
    report = compute(session, province, period, mode, cutoff, policy)
    prev = previous(period)
    prev_snapshot = _stored(session, province.code, prev, mode)
    prev_totals = (
        ReportData.from_json(prev_snapshot.data).totals
        if prev_snapshot is not None
        else compute(session, province, prev, mode, window(prev, mode, policy.reports.cutoff_day).end, policy).totals
    )
    report = _with(report, frozen=True, previous=PreviousSummary(prev.key, prev.short_vi, prev_totals))
    data = report.to_json()
    now = datetime.now(UTC)
    try:
        with session.begin_nested():  # another run freezing the same period at the same time: keep the first
            if snapshot is not None:
                session.execute(delete(ReportSnapshot).where(ReportSnapshot.id == snapshot.id))  # type: ignore[arg-type]
                session.flush()
            session.add(
                ReportSnapshot(
                    province=province.code,
                    period_key=period.key,
                    cutoff_mode=mode,
                    window_start=report.window_start,
                    window_end=report.window_end,
                    data=data,
                    content_hash=_hash(data),
                    created_at=now,
                    created_by=actor,
                )
            )
            session.add(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="report.recomputed" if snapshot is not None else "report.frozen",
                    detail={"province": province.code, "period": period.key, "cutoff": mode, "hash": _hash(data)},
                )
            )
            session.flush()
    except IntegrityError:
        stored = _stored(session, province.code, period, mode)
        if stored is None:
            raise
        return ReportData.from_json(stored.data)
    return report


def _with(report: ReportData, **changes: object) -> ReportData:
    return replace(report, **changes)  # type: ignore[arg-type]


def report_for(
    session: Session,
    *,
    province: str,
    period_key: str,
    as_of: date,
    policy: Policy,
    calendar_periods: bool = False,
    actor: str,
    recompute: bool = False,
) -> ReportData:
    """The report a user asked for: frozen if the period is closed as of ``as_of``, provisional otherwise."""
    period = period_from_key(period_key)
    prov = province_row(session, province)
    mode: CutoffMode = "calendar" if calendar_periods else policy.reports.cutoff
    win = window(period, mode, policy.reports.cutoff_day)
    if as_of < win.start:
        raise InputError(
            f"--period {period.key}: its data window starts on {win.start:%d/%m/%Y}, after --as-of {as_of:%d/%m/%Y}; "
            "choose an earlier period or a later --as-of"
        )
    if is_closed(period, as_of, mode, policy.reports.cutoff_day):
        return closed_report(session, prov, period, mode, policy, actor=actor, recompute=recompute)
    report = compute(session, prov, period, mode, as_of, policy)
    prev = previous(period)
    prev_report = closed_report(session, prov, prev, mode, policy, actor=actor)
    return _with(report, previous=PreviousSummary(prev.key, prev.short_vi, prev_report.totals))
