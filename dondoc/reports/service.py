"""The report use cases shared by the CLI and the flow: build (and freeze) a report, write its files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from dondoc.clock import today_vn
from dondoc.configuration.files import load_policy
from dondoc.db import session_scope
from dondoc.domain.periods import CutoffMode, PeriodKind, last_closed, unreported
from dondoc.reports.files import render_files, write_files
from dondoc.reports.model import AllTimeReport, ReportData
from dondoc.reports.store import all_time, report_for, stored_period_keys

T = TypeVar("T")


def default_period(province: str, as_of: date, kind: PeriodKind = PeriodKind.QUARTER, calendar_periods: bool = False) -> str:
    """The latest period of ``kind`` closed by ``as_of`` (what a scheduled run reports on)."""
    policy = load_policy(province)
    mode: CutoffMode = "calendar" if calendar_periods else policy.reports.cutoff
    return last_closed(as_of, kind, mode, policy.reports.cutoff_day).key


@dataclass(frozen=True)
class ReportJob:
    """One report a run must build: a province and the period keys to report, oldest first."""

    province: str
    periods: tuple[str, ...]
    #: when ``periods`` is empty: the last closed period, already stored (said in the run's log)
    already_stored: str | None = None


def plan_reports(
    province: str | None,
    period: str | None,
    *,
    kind: PeriodKind,
    as_of: date,
    today: date,
    calendar_periods: bool,
    new_only: bool,
) -> list[ReportJob]:
    """Which reports a run builds: the given period, every period closed since the last stored one
    (``new_only``), or the latest closed period — for one province or every province with directives."""
    jobs: list[ReportJob] = []
    for code in [province] if province else province_codes():
        if period:
            jobs.append(ReportJob(code, (period,)))
        elif new_only:
            keys = unreported_periods(code, as_of, today=today, kind=kind, calendar_periods=calendar_periods)
            stored = None if keys else default_period(code, min(as_of, today), kind, calendar_periods)
            jobs.append(ReportJob(code, tuple(keys), stored))
        else:
            jobs.append(ReportJob(code, (default_period(code, as_of, kind, calendar_periods),)))
    return jobs


def province_codes() -> list[str]:
    """Provinces that have at least one directive: what a scheduled run for "all provinces" reports on."""
    from dondoc.directives.listing import directive_provinces

    with session_scope() as session:
        return directive_provinces(session=session)


def unreported_periods(
    province: str, as_of: date, *, today: date, kind: PeriodKind = PeriodKind.QUARTER, calendar_periods: bool = False
) -> list[str]:
    """What a scheduled run reports: every period of ``kind`` closed by ``min(as_of, today)`` since
    the last one stored, oldest first (only the last closed one when none is stored yet); empty when
    the last closed period is already frozen."""

    policy = load_policy(province)
    mode: CutoffMode = "calendar" if calendar_periods else policy.reports.cutoff
    latest = last_closed(min(as_of, today), kind, mode, policy.reports.cutoff_day)
    with session_scope() as session:
        stored = stored_period_keys(province, mode, session=session)
    return [p.key for p in unreported(latest, stored)]


def _in_one_transaction(build: Callable[..., T], province: str, today: date | None, **arguments: Any) -> T:
    """A store use case in one transaction, with the province's policy and the real day (``today``,
    default: today in Asia/Ho_Chi_Minh), which decides whether a period has really closed."""
    policy = load_policy(province)
    with session_scope() as session:
        return build(session=session, province=province, today=today or today_vn(), policy=policy, **arguments)


def build_report(
    province: str,
    period: str,
    *,
    as_of: date,
    actor: str,
    today: date | None = None,
    calendar_periods: bool = False,
    recompute: bool = False,
) -> ReportData:
    """The report of ``province`` for ``period`` as of ``as_of``, frozen once the period has closed by ``today``."""
    options = {"calendar_periods": calendar_periods, "recompute": recompute}
    return _in_one_transaction(report_for, province, today, period_key=period, as_of=as_of, actor=actor, **options)


def build_all_time(
    province: str, *, as_of: date, actor: str, today: date | None = None, calendar_periods: bool = False
) -> AllTimeReport:
    """The all-time figures of ``province`` as of ``as_of``: frozen closed quarters plus the live part
    (freezing the quarters not frozen yet, and re-opening, audited, any a later completion fell into)."""
    return _in_one_transaction(all_time, province, today, as_of=as_of, actor=actor, calendar_periods=calendar_periods)


def write_report(
    report: ReportData,
    out_dir: Path,
    *,
    issued_on: date,
    formats: Iterable[str] = ("all",),
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    files = render_files(report, load_policy(report.province).reports, issued_on=issued_on, formats=formats, progress=progress)
    return write_files(files, out_dir)
