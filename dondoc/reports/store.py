"""Building a report for a province and a period, and freezing it once the period is closed.

A closed period (its cut-off day has passed) is computed as of its cut-off, stored in
``report_snapshot`` and from then on read back: later completions, extensions or cancellations
do not change it (a late completion appears in the next period as "hoàn thành quá hạn").
An open period is computed live as of the requested day and marked provisional. "Closed" is
judged on the real day (``today``, passed in from the CLI, flow or service edge), never on a
user-supplied future day alone, and building one period's report never stores another's.

All-time figures (:func:`all_time`) are the frozen settled counts of every closed quarter plus a
live count of what came after; a completion recorded later into a frozen quarter re-opens that
quarter's counts, audited (the quarter's *report* stays as frozen).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dondoc.clock import utc_now
from dondoc.db import audit
from dondoc.domain import periods
from dondoc.domain.dates import vn_date
from dondoc.domain.periods import CutoffMode, Period, PeriodError, is_closed, local_day, parse_period, previous, window
from dondoc.domain.policy import Policy
from dondoc.domain.report_math import Counts, FrozenWindow, Settled, all_time_counts, stale_periods, total
from dondoc.errors import InputError, NotFoundError
from dondoc.models import PeriodCountRow, PeriodCountSnapshot, Province, ReportSnapshot
from dondoc.reports import queries
from dondoc.reports.model import AllTimeReport, GroupRow, PreviousSummary, ReportData
from dondoc.runtime import no_cyclic_gc


def period_from_key(key: str) -> Period:
    try:
        return parse_period(key)
    except PeriodError as exc:
        raise InputError(f"--period {exc}") from exc


def province_row(code: str, *, session: Session) -> Province:
    province = session.get(Province, code)
    if province is None:
        known = [p for (p,) in session.execute(select(Province.code).order_by(Province.code))]  # type: ignore[call-overload]
        raise NotFoundError(
            f"province {code!r}: not imported; known: {', '.join(known) or 'none (run `dondoc import directives_seed`)'}"
        )
    return province


def _agency_rows(infos: dict[int, queries.AgencyInfo], by_agency: dict[int, Counts]) -> list[GroupRow]:
    return sorted((GroupRow(infos[i].code, infos[i].name, infos[i].kind, c) for i, c in by_agency.items()), key=lambda g: g.name)


def _scope(province: str, period: Period, mode: CutoffMode, win: periods.Window) -> dict[str, Any]:
    """The fields that name a province's period and its data window (a report, its snapshots)."""
    return {"province": province, "period_key": period.key, "cutoff_mode": mode, "window_start": win.start, "window_end": win.end}


def compute(province: Province, period: Period, mode: CutoffMode, as_of: date, policy: Policy, *, session: Session) -> ReportData:
    """The report computed from the database as of ``as_of`` (no snapshot involved)."""
    # Its lists are tens of thousands of small acyclic objects: the cyclic collector, run every few hundred
    # of them over every live object of the process, cost as much as building them (issue 13).
    with no_cyclic_gc():
        return _compute(province, period, mode, as_of, policy, session=session)


def _compute(
    province: Province, period: Period, mode: CutoffMode, as_of: date, policy: Policy, *, session: Session
) -> ReportData:
    win = window(period, mode, policy.reports.cutoff_day)
    scope = queries.Scope(province.code, win, as_of, session)
    infos = queries.agencies(province.code, session=session)
    extended = queries.extended_found(scope)  # counted and listed
    by_agency, by_directive = queries.count_totals(province.code, win, as_of, session=session, extended=extended)
    lists = queries.report_lists(scope, infos, extended)
    dinfos = queries.directives(set(by_directive), session=session)
    directive_rows = sorted(
        (GroupRow(d.label, d.label, d.title, by_directive[i]) for i, d in dinfos.items()), key=lambda g: g.code
    )
    agency_rows = _agency_rows(infos, by_agency)
    return ReportData(
        **_scope(province.code, period, mode, win),
        province_name=province.name,
        period_label=period.label_vi,
        period_short=period.short_vi,
        as_of=as_of,
        frozen=False,
        rating=policy.rating.model_dump(),
        totals=total(by_agency.values()),
        previous=None,
        directives=directive_rows,
        agencies=agency_rows,
        overdue=lists.overdue,
        extended=lists.extended,
        ongoing=lists.ongoing,
        kpis=lists.kpis,
    )


def _hash(data: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _stored(province: str, period: Period, mode: CutoffMode, *, session: Session) -> ReportSnapshot | None:
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


def _frozen(province: str, period: Period, mode: CutoffMode, *, session: Session) -> ReportData | None:
    """The period's stored report, if one was stored after its cut-off had really passed."""
    snapshot = _stored(province, period, mode, session=session)
    if snapshot is None or frozen_too_early(snapshot):
        return None
    return ReportData.from_json(snapshot.data)


def stored_period_keys(province: str, mode: CutoffMode, *, session: Session) -> set[str]:
    """Keys of the periods whose report is frozen for ``province`` in ``mode`` (what a scheduled run skips)."""
    stmt = select(ReportSnapshot).where(
        ReportSnapshot.province == province,  # type: ignore[arg-type]
        ReportSnapshot.cutoff_mode == mode,  # type: ignore[arg-type]
    )
    return {s.period_key for s in session.scalars(stmt) if not frozen_too_early(s)}


def _previous_summary(
    province: Province, period: Period, mode: CutoffMode, policy: Policy, *, session: Session
) -> PreviousSummary:
    """The previous period's totals: its frozen report if stored, else computed as of its cut-off.

    Never stores anything: building one period's report does not freeze another."""
    prev = previous(period)
    stored = _frozen(province.code, prev, mode, session=session)
    totals = (
        stored.totals
        if stored is not None
        else compute(province, prev, mode, window(prev, mode, policy.reports.cutoff_day).end, policy, session=session).totals
    )
    return PreviousSummary(prev.key, prev.short_vi, totals)


def closed_report(
    province: Province, period: Period, mode: CutoffMode, policy: Policy, *, session: Session, actor: str, recompute: bool = False
) -> ReportData:
    """A closed period's frozen report: read back if stored, else computed as of its cut-off and stored.

    Call it only for a period whose cut-off has passed by the real day (see :func:`report_for`)."""
    snapshot = _stored(province.code, period, mode, session=session)
    premature = snapshot is not None and frozen_too_early(snapshot)
    if snapshot is not None and not recompute and not premature:
        return ReportData.from_json(snapshot.data)
    cutoff = window(period, mode, policy.reports.cutoff_day).end
    report = compute(province, period, mode, cutoff, policy, session=session)
    report = _with(report, frozen=True, previous=_previous_summary(province, period, mode, policy, session=session))
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
                    **_scope(province.code, period, mode, periods.Window(report.window_start, report.window_end)),
                    data=data,
                    content_hash=_hash(data),
                    created_at=now,
                    created_by=actor,
                )
            )
            audit.record(session, action, actor=actor, detail=detail)
            session.flush()
    except IntegrityError:
        stored = _stored(province.code, period, mode, session=session)
        if stored is None:
            raise
        return ReportData.from_json(stored.data)
    return report


def _with(report: ReportData, **changes: object) -> ReportData:
    return replace(report, **changes)  # type: ignore[arg-type]


def report_for(
    *,
    session: Session,
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
    prov = province_row(province, session=session)
    mode: CutoffMode = "calendar" if calendar_periods else policy.reports.cutoff
    win = window(period, mode, policy.reports.cutoff_day)
    if as_of < win.start:
        raise InputError(
            f"--period {period.key}: its data window starts on {vn_date(win.start)}, after --as-of {vn_date(as_of)}; "
            "choose an earlier period or a later --as-of"
        )
    if is_closed(period, min(as_of, today), mode, policy.reports.cutoff_day):
        return closed_report(prov, period, mode, policy, actor=actor, recompute=recompute, session=session)
    if recompute:
        raise InputError(
            f"--recompute: {period.key} is not closed yet (its cut-off {vn_date(win.end)} has not passed on {vn_date(today)}); "
            "its report is provisional and never stored, so there is nothing to recompute"
        )
    report = compute(prov, period, mode, min(as_of, win.end), policy, session=session)
    return _with(report, previous=_previous_summary(prov, period, mode, policy, session=session))


# --- all-time figures ------------------------------------------------------------------------------

#: A completion recorded up to this long before a period's counts were computed may still have been
#: uncommitted then: it is checked against them too (see ``report_math.stale_periods``).
IN_FLIGHT = timedelta(minutes=10)


def _frozen_windows(province: str, mode: CutoffMode, *, session: Session) -> dict[str, PeriodCountSnapshot]:
    stmt = select(PeriodCountSnapshot).where(
        PeriodCountSnapshot.province == province,  # type: ignore[arg-type]
        PeriodCountSnapshot.cutoff_mode == mode,  # type: ignore[arg-type]
    )
    return {s.period_key: s for s in session.scalars(stmt)}


def _write_rows(snapshot_id: int, counts: dict[int, Settled], *, session: Session) -> None:
    if counts:
        session.execute(
            insert(PeriodCountRow),
            [{"snapshot_id": snapshot_id, "agency_id": a, **asdict(c)} for a, c in sorted(counts.items())],
        )


def _freeze_counts(province: str, period: Period, mode: CutoffMode, win: periods.Window, actor: str, *, session: Session) -> None:
    """Store a closed period's settled counts (once: a concurrent build that froze it first wins)."""
    now = utc_now()
    counts = queries.settled_in(province, win, session=session)
    try:
        with session.begin_nested():
            snapshot = PeriodCountSnapshot(
                **_scope(province, period, mode, win),
                frozen_at=now,
                frozen_by=actor,
                checked_at=now,
            )
            session.add(snapshot)
            session.flush()
            assert snapshot.id is not None
            _write_rows(snapshot.id, counts, session=session)
            audit.record(
                session, "report.counts_frozen", actor=actor, detail={"province": province, "period": period.key, "cutoff": mode}
            )
            session.flush()
    except IntegrityError:
        pass  # frozen by the other build, from the same rows


def _reopen_counts(snapshot: PeriodCountSnapshot, instance_ids: list[int], actor: str, *, session: Session) -> bool:
    """Recompute a frozen period's counts after completions recorded later fell into its window.

    The numbers it replaces are kept in the audit trail with the instances that changed them.
    Returns whether anything changed."""
    assert snapshot.id is not None
    snapshot.frozen_at = utc_now()
    session.flush()  # the row is written (locked) first: a concurrent build re-opening it waits, then finds it done
    before = queries.snapshot_rows(snapshot.id, session=session)
    after = queries.settled_in(snapshot.province, periods.Window(snapshot.window_start, snapshot.window_end), session=session)
    if before == after:
        return False
    session.execute(delete(PeriodCountRow).where(PeriodCountRow.snapshot_id == snapshot.id))  # type: ignore[arg-type]
    _write_rows(snapshot.id, after, session=session)
    audit.record(
        session,
        "report.counts_reopened",
        actor=actor,
        detail={
            "province": snapshot.province,
            "period": snapshot.period_key,
            "cutoff": snapshot.cutoff_mode,
            "instances": sorted(set(instance_ids)),
            "before": {str(a): asdict(c) for a, c in sorted(before.items())},
            "after": {str(a): asdict(c) for a, c in sorted(after.items())},
        },
    )
    return True


def all_time(
    *, session: Session, province: str, as_of: date, today: date, policy: Policy, actor: str, calendar_periods: bool = False
) -> AllTimeReport:
    """A province's all-time figures as of ``as_of``, without rescanning its history.

    Every quarter closed by ``min(as_of, today)`` contributes its frozen settled counts (frozen here the
    first time they are needed); everything after the last of them, and every task's state on
    ``as_of``, is counted live. Completions recorded since the last check are looked up in the audit
    trail: one that falls into a frozen quarter re-opens that quarter's counts (audited), so the
    all-time figures always equal a full recount."""
    prov = province_row(province, session=session)
    mode: CutoffMode = "calendar" if calendar_periods else policy.reports.cutoff
    day = policy.reports.cutoff_day
    first = queries.earliest_completion(province, session=session)
    quarters = periods.closed_since(first, min(as_of, today), periods.PeriodKind.QUARTER, mode, day) if first else []
    chain = [(p, window(p, mode, day)) for p in quarters]
    stored = _frozen_windows(province, mode, session=session)
    for period, win in chain:
        if period.key not in stored:
            _freeze_counts(province, period, mode, win, actor, session=session)
    stored = _frozen_windows(province, mode, session=session)
    used = [stored[p.key] for p, _ in chain]
    reopened: list[str] = []
    if used:
        now = utc_now()
        since = min(s.checked_at for s in used) - IN_FLIGHT
        records = queries.completion_records(province, since, session=session)
        frozen = [FrozenWindow(s.period_key, s.window_start, s.window_end, s.frozen_at) for s in used]
        for key, instance_ids in sorted(stale_periods(frozen, records, IN_FLIGHT).items()):
            if _reopen_counts(stored[key], instance_ids, actor, session=session):
                reopened.append(key)
        for s in used:
            s.checked_at = now
        session.flush()
    live_from = chain[-1][1].end + timedelta(days=1) if chain else None
    live, _by_directive = queries.count_totals(province, periods.Window(live_from or date.min, as_of), as_of, session=session)
    by_agency = all_time_counts([queries.frozen_settled([s.id for s in used if s.id is not None], session=session)], live)
    infos = queries.agencies(province, session=session)
    return AllTimeReport(
        province=prov.code,
        province_name=prov.name,
        as_of=as_of,
        cutoff_mode=mode,
        frozen_periods=tuple(p.key for p, _ in chain),
        live_from=live_from,
        reopened=tuple(reopened),
        totals=total(by_agency.values()),
        agencies=_agency_rows(infos, by_agency),
    )
