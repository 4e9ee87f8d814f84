"""Building a report for a province and a period, and freezing it once the period is closed.

A closed period (its cut-off day has passed) is computed as of its cut-off, stored in
``report_snapshot`` and from then on read back: later completions, extensions or cancellations
do not change it (a late completion appears in the next period as "hoàn thành quá hạn").
An open period is computed live as of the requested day and marked provisional. "Closed" is
judged on the real day (``today``, passed in from the CLI, flow or service edge), never on a
user-supplied future day alone, and building one period's report never stores another's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dondoc.clock import utc_now
from dondoc.db import audit
from dondoc.domain.dates import vn_date
from dondoc.domain.periods import CutoffMode, Period, PeriodError, is_closed, local_day, parse_period, previous, window
from dondoc.domain.policy import Policy
from dondoc.domain.report_math import total
from dondoc.errors import InputError, NotFoundError
from dondoc.models import Province, ReportSnapshot
from dondoc.reports import queries
from dondoc.reports.model import GroupRow, PreviousSummary, ReportData


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
    infos = queries.agencies(session, province.code)
    rows = queries.count_rows(session, province.code, win, as_of)
    by_agency, by_directive = queries.roll_up(rows)
    dinfos = queries.directives(session, set(by_directive))
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
        overdue=queries.overdue_rows(session, province.code, as_of),
        extended=queries.extended_rows(session, province.code, win, as_of),
        ongoing=queries.ongoing_rows(session, province.code, win, as_of),
        kpis=queries.kpi_rows(session, province.code, win, as_of, infos),
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


def frozen_too_early(snapshot: ReportSnapshot) -> bool:
    """A snapshot stored on or before its own cut-off day (a future ``--as-of`` did that before
    freezing looked at the real day): it may miss completions, so it is not trusted as frozen."""
    return local_day(snapshot.created_at) <= snapshot.window_end


def _frozen(session: Session, province: str, period: Period, mode: CutoffMode) -> ReportData | None:
    """The period's stored report, if one was stored after its cut-off had really passed."""
    snapshot = _stored(session, province, period, mode)
    if snapshot is None or frozen_too_early(snapshot):
        return None
    return ReportData.from_json(snapshot.data)


def stored_period_keys(session: Session, province: str, mode: CutoffMode) -> set[str]:
    """Keys of the periods whose report is frozen for ``province`` in ``mode`` (what a scheduled run skips)."""
    stmt = select(ReportSnapshot).where(
        ReportSnapshot.province == province,  # type: ignore[arg-type]
        ReportSnapshot.cutoff_mode == mode,  # type: ignore[arg-type]
    )
    return {s.period_key for s in session.scalars(stmt) if not frozen_too_early(s)}


def _previous_summary(session: Session, province: Province, period: Period, mode: CutoffMode, policy: Policy) -> PreviousSummary:
    """The previous period's totals: its frozen report if stored, else computed as of its cut-off.

    Never stores anything: building one period's report does not freeze another."""
    prev = previous(period)
    stored = _frozen(session, province.code, prev, mode)
    totals = (
        stored.totals
        if stored is not None
        else compute(session, province, prev, mode, window(prev, mode, policy.reports.cutoff_day).end, policy).totals
    )
    return PreviousSummary(prev.key, prev.short_vi, totals)


def closed_report(
    session: Session, province: Province, period: Period, mode: CutoffMode, policy: Policy, *, actor: str, recompute: bool = False
) -> ReportData:
    """A closed period's frozen report: read back if stored, else computed as of its cut-off and stored.

    Call it only for a period whose cut-off has passed by the real day (see :func:`report_for`)."""
    snapshot = _stored(session, province.code, period, mode)
    premature = snapshot is not None and frozen_too_early(snapshot)
    if snapshot is not None and not recompute and not premature:
        return ReportData.from_json(snapshot.data)
    cutoff = window(period, mode, policy.reports.cutoff_day).end
    report = compute(session, province, period, mode, cutoff, policy)
    report = _with(report, frozen=True, previous=_previous_summary(session, province, period, mode, policy))
    data = report.to_json()
    now = utc_now()
    action = "report.frozen" if snapshot is None else "report.recomputed" if recompute else "report.refrozen"
    detail: dict[str, Any] = {"province": province.code, "period": period.key, "cutoff": mode, "hash": _hash(data)}
    if snapshot is not None:  # the report it replaces (already sent, perhaps) stays in the audit trail
        detail["replaced"] = {
            "hash": snapshot.content_hash,
            "created_at": snapshot.created_at.isoformat(),
            "created_by": snapshot.created_by,
            "data": snapshot.data,
        }
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
            audit.record(session, action, actor=actor, detail=detail)
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
    today: date,
    policy: Policy,
    calendar_periods: bool = False,
    actor: str,
    recompute: bool = False,
) -> ReportData:
    """The report a user asked for, as of ``as_of``; ``today`` is the real day (Asia/Ho_Chi_Minh).

    Frozen (stored, then read back) only when the period's cut-off has passed by
    ``min(as_of, today)``: a future ``as_of`` never freezes a period early. A period closed by
    ``as_of`` but not yet by today is computed as of its cut-off with today's data, marked
    provisional and not stored; an open period is computed as of ``as_of``, provisional too.
    """
    period = period_from_key(period_key)
    prov = province_row(session, province)
    mode: CutoffMode = "calendar" if calendar_periods else policy.reports.cutoff
    win = window(period, mode, policy.reports.cutoff_day)
    if as_of < win.start:
        raise InputError(
            f"--period {period.key}: its data window starts on {vn_date(win.start)}, after --as-of {vn_date(as_of)}; "
            "choose an earlier period or a later --as-of"
        )
    if is_closed(period, min(as_of, today), mode, policy.reports.cutoff_day):
        return closed_report(session, prov, period, mode, policy, actor=actor, recompute=recompute)
    if recompute:
        raise InputError(
            f"--recompute: {period.key} is not closed yet (its cut-off {vn_date(win.end)} has not passed on {vn_date(today)}); "
            "its report is provisional and never stored, so there is nothing to recompute"
        )
    report = compute(session, prov, period, mode, min(as_of, win.end), policy)
    return _with(report, previous=_previous_summary(session, prov, period, mode, policy))
