"""The reminder use cases: one sweep as of a day (select, plan, route, ledger, build digests, deliver,
record), and replays of a span of days.

The only entry for ``dondoc remind``/``replay`` and the ``reminder_step`` Prefect task. Each digest
is delivered and recorded in its own short transaction, so a failure (or a crash) affects only
the digest in flight; see ``ledger`` for the at-least-once protocol.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from dondoc.clock import today_vn, utc_now
from dondoc.configuration.files import load_calendar, load_policy
from dondoc.configuration.settings import get_settings
from dondoc.db import lease, session_scope
from dondoc.directives.queries import CoAgencyRegistry
from dondoc.domain.dates import vn_date
from dondoc.domain.policy import ReminderPolicy
from dondoc.domain.reminders import (
    DeliveryKey,
    DueInstance,
    StageMemo,
    candidate_due_dates,
    due_deliveries,
    plan_window,
    route,
)
from dondoc.errors import BusyError, InputError
from dondoc.models import Province
from dondoc.reminders import notify
from dondoc.reminders import store as ledger
from dondoc.reminders.contacts import ContactBook, load_contacts
from dondoc.reminders.digest import (
    Digest,
    build_digests,
    render_chat,
    render_html,
    render_text,
    render_undeliverable,
    summarise_digests,
)
from dondoc.reminders.links import portal_context
from dondoc.reminders.queries import (
    LineFacts,
    agency_names,
    directives_in_scope,
    registry_for,
    select_candidates,
    select_instances,
)
from dondoc.runtime import no_cyclic_gc

log = logging.getLogger(__name__)

Sender = Callable[..., notify.Outcome]

#: Digests delivered at once (each is one SMTP session or chat request; the threads mostly wait on the network).
SEND_WORKERS = 4


@dataclass
class DigestReport:
    recipient: str
    channel: str
    subject: str
    lines: int
    instances: list[int]
    parts: int | None  # None: a chat message on a dry run that was not rendered
    delivered: bool | None  # None: dry run
    error: str | None = None
    text: str = ""

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "text" or v}


@dataclass
class SweepResult:
    day: date
    scope: str
    dry_run: bool
    since: date | None
    working_day: bool
    candidates: int = 0
    planned: int = 0
    already_sent: int = 0
    waiting_backoff: int = 0
    digests: list[DigestReport] = field(default_factory=list)
    unrouted: list[dict[str, Any]] = field(default_factory=list)
    failures_reported: int = 0
    selection_ms: float = 0.0
    digest_ms: float = 0.0

    @property
    def sent(self) -> int:
        return sum(1 for d in self.digests if d.delivered)

    @property
    def failed(self) -> int:
        return sum(1 for d in self.digests if d.delivered is False)

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "scope": self.scope,
            "dry_run": self.dry_run,
            "since": self.since.isoformat() if self.since else None,
            "working_day": self.working_day,
            "candidates": self.candidates,
            "planned": self.planned,
            "already_sent": self.already_sent,
            "waiting_backoff": self.waiting_backoff,
            "sent": self.sent,
            "failed": self.failed,
            "failures_reported": self.failures_reported,
            "unrouted": self.unrouted,
            "digests": [d.as_json() for d in self.digests],
            "selection_ms": round(self.selection_ms, 1),
            "digest_ms": round(self.digest_ms, 1),
        }


_now = utc_now


def _policies(scoped: Sequence[tuple[str, str]]) -> dict[str, ReminderPolicy]:
    """Each directive's reminder policy; computed once per province unless the directive has its own override."""
    from dondoc.configuration.files import _policy_layers

    overrides = _policy_layers()[1]
    overridden = set(overrides.get("directives") or {})
    own = set(overrides.get("provinces") or {})  # the other provinces have the default policy: validated once, not per province
    per_province: dict[str, ReminderPolicy] = {}
    equal: dict[str, ReminderPolicy] = {}  # equal policies share one object: the stage memo is per policy object

    def interned(policy: ReminderPolicy) -> ReminderPolicy:
        return equal.setdefault(policy.model_dump_json(), policy)

    out: dict[str, ReminderPolicy] = {}
    for code, prov in scoped:
        if code in overridden:
            out[code] = interned(load_policy(prov, code).reminders)
        else:
            key = prov if prov in own else ""
            if key not in per_province:
                per_province[key] = interned(load_policy(key or None).reminders)
            out[code] = per_province[key]
    return out


def _window_start(last: date | None, day: date, policies: Sequence[ReminderPolicy]) -> date:
    lookback = max((p.first_sweep_lookback_days for p in policies), default=7)
    cap = max((p.max_catch_up_days for p in policies), default=31)
    since = last if last is not None else day - timedelta(days=lookback + 1)
    return max(since, day - timedelta(days=cap))


def _deliver(digest: Digest, policy: ReminderPolicy, sender: Sender, dry_run: bool, render: bool = True) -> DigestReport:
    """Send one digest (or, on a dry run, describe it; its messages are rendered only when ``render``)."""
    contact = digest.contact
    email = contact.channel.kind == "email"
    parts: list[str] = []
    if render or not dry_run:
        parts = [render_html(digest)] if email else render_chat(digest, policy.chat_max_chars or contact.channel.max_chars or 4000)
    report = DigestReport(
        contact.display,
        contact.channel.kind,
        digest.subject,
        len(digest.lines),
        sorted({k.instance_id for k in digest.keys}),
        len(parts) if parts else (1 if email else None),
        None,
        text=render_text(digest) if dry_run and render else "",
    )
    if dry_run:
        report.error = contact.problem
        return report
    if contact.url is None:
        report.delivered, report.error = False, contact.problem or "URL không dùng được"
        return report
    url = contact.url
    if email:  # display names, and Reply-To the coordinating office (issue 12)
        from dondoc.portal.mail import personalise

        office = ", ".join(digest.offices)
        url = personalise(url, to_name=contact.name, from_name=f"dondoc — {office}" if office else None, reply_to=digest.reply_to)
    for part in parts:
        headers = {notify.DIGEST_HEADER: digest.identity} if email else None
        outcome = sender(url, title=digest.subject, body=part, html=email, headers=headers, message_id=digest.identity if email else None)
        if not outcome.ok:
            report.delivered, report.error = False, outcome.error
            return report
    report.delivered = True
    return report


def lease_names(province: str | None, provinces: Sequence[str]) -> list[str]:
    """The leases a sweep of this scope must hold: its province, or every province (and ``*``) for all.

    A sweep of all provinces therefore excludes, and is excluded by, a sweep of any one province.
    """
    if province is not None:
        return [f"reminders:{province}"]
    return ["reminders:*", *(f"reminders:{code}" for code in provinces)]


def run_sweep(
    as_of: date,
    *,
    province: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    today: date | None = None,
    contacts: ContactBook | None = None,
    sender: Sender = notify.send,
    workers: int = SEND_WORKERS,
    wait: float = 0.0,
    retry_failed_now: bool = False,
    render: bool = False,
) -> SweepResult:
    """Deliver the reminders due on ``as_of`` (see module docstring). ``now``/``today`` default to the clock.

    A dry run renders no message unless ``render`` (then each digest's text is in its report).

    One sweep per scope at a time: a real sweep holds the scope's lease (see :mod:`dondoc.db.lease`);
    a second one waits up to ``wait`` seconds, then raises :class:`~dondoc.errors.BusyError`. A dry
    run writes and sends nothing and needs no lease. ``retry_failed_now`` resends failed deliveries
    without waiting for their backoff (a Prefect retry of the reminder task is an explicit retry).
    """
    if dry_run:  # nothing goes to Apprise: the collector stays paused until the sweep's objects are gone
        with no_cyclic_gc():
            return _sweep(
                as_of, province, True, now, today, contacts, sender, workers, keep=lambda: None, retry_failed_now=False, render=render
            )
    with session_scope() as session:
        provinces = [] if province is not None else list(session.execute(select(col(Province.code))).scalars())
    scope = province or "tất cả các tỉnh"
    with lease.hold(
        lease_names(province, provinces),
        what=f"Lượt nhắc việc cho {scope}",
        wait=wait,
        hint=" (hoặc dùng --wait GIÂY để chờ)",
    ) as held:
        return _sweep(as_of, province, False, now, today, contacts, sender, workers, keep=held.keep, retry_failed_now=retry_failed_now)


def _sweep(
    as_of: date,
    province: str | None,
    dry_run: bool,
    now: datetime | None,
    today: date | None,
    contacts: ContactBook | None,
    sender: Sender,
    workers: int,
    *,
    keep: Callable[[], None],
    retry_failed_now: bool,
    render: bool = True,
) -> SweepResult:
    now = now or _now()
    due_by = datetime.max.replace(tzinfo=UTC) if retry_failed_now else now  # failed rows whose backoff ends by then are due
    today = today or today_vn()
    book = contacts if contacts is not None else load_contacts(get_settings().contacts)
    calendar = load_calendar()
    scope = province or "*"
    started = time.perf_counter()
    with no_cyclic_gc(), session_scope() as session:
        scoped = directives_in_scope(province, session=session)
        policies = _policies(scoped)
        last = ledger.last_sweep_before(scope, as_of, session=session)
        since = _window_start(last, as_of, list(policies.values()))
        result = SweepResult(as_of, scope, dry_run, since, calendar.is_working_day(as_of))
        if not result.working_day or not policies:
            return result
        historical = as_of if as_of < today else None
        stages = StageMemo()  # shared: each ladder is evaluated once per (due date, policy), not per instance
        dates = candidate_due_dates(as_of, since=since, policies=policies.values(), calendar=calendar, memo=stages)
        # group co-agencies stand for their members on the due date, escalations go to the office in
        # force on the sweep's day: each selection reads the part of the registry its rows reach
        facts, lines = select_candidates(dates, province=province, historical_as_of=historical, day=as_of, session=session)
        retry_ids = [i for i in ledger.retry_instance_ids(now=due_by, session=session) if i not in lines]
        retry_facts, retry_lines = select_instances(retry_ids, historical_as_of=historical, day=as_of, session=session)
        retry_facts = [f for f in retry_facts if province is None or f.province == province]
        lines.update(retry_lines)
        result.candidates = len(facts)
        result.selection_ms = (time.perf_counter() - started) * 1000

        t_plan = time.perf_counter()
        default_policy = load_policy(province).reminders

        def policy_of(inst: DueInstance) -> ReminderPolicy:
            return policies.get(inst.directive, default_policy)

        fresh, current = plan_window(as_of, facts, retry_facts, policy_of=policy_of, calendar=calendar, since=since, memo=stages)
        # a current stage the window did not plan is a retry only where the ledger has a pending or failed
        # row for that instance: the others are not routed and their keys not looked up (issue 13)
        unsettled = ledger.unsettled_instance_ids(session=session)
        routing = route(fresh, [r for r in current if r.instance_id in unsettled], book.lookup)
        result.unrouted.extend(
            {"instance_id": r.instance_id, "addressee": r.addressee, "role": r.role, "stage": r.stage.key} for r in routing.unrouted
        )
        due = due_deliveries(routing, ledger.states(list(routing.routed), session=session), now=due_by)
        todo = due.todo
        result.already_sent, result.waiting_backoff = due.already_sent, due.waiting_backoff
        result.planned = len(todo)
        if not dry_run:
            ledger.plan(
                (ledger.Planned(DeliveryKey(r.instance_id, c.key, r.stage.key, r.due_date), r.addressee, r.role) for r, c in todo),
                day=as_of,
                now=now, session=session,
            )
            stages_now: dict[int, set[tuple[str, date]]] = {}
            for reminder in current:
                stages_now.setdefault(reminder.instance_id, set()).add((reminder.stage.key, reminder.due_date))
            ledger.supersede_older([f.instance_id for f in retry_facts], stages_now, now=now, session=session)
        if dry_run and not render:  # nothing to render: count each digest's lines, build none (issue 13)
            result.digests.extend(
                DigestReport(d.contact.display, d.contact.channel.kind, d.subject, d.lines, d.instances,
                             1 if d.contact.channel.kind == "email" else None, None, error=d.contact.problem)
                for d in summarise_digests(as_of, todo, lines)
            )  # fmt: skip
            result.digest_ms = (time.perf_counter() - t_plan) * 1000
            return result
        addressees = {r.addressee for r, _ in todo}
        bodies: set[str] = set()
        for f in lines.values():
            bodies.update(f.report_to)
            if f.report_via:
                bodies.add(f.report_via)
        names = agency_names(addressees | bodies, session=session)
        for code, name in session.execute(select(col(Province.code), col(Province.name)).where(col(Province.code).in_(sorted(addressees)))).all():
            names[code] = f"Lãnh đạo UBND tỉnh {name}"
        coordinators = _coordinators(session, {lines[r.instance_id].directive for r, _ in todo}, as_of)
        portal = portal_context(
            session, todo, coordinators=coordinators, office_names=agency_names(set(coordinators.values()), session=session),
            book=book, dry_run=dry_run,
        )  # fmt: skip
        digests = build_digests(as_of, todo, lines, names, portal)
        result.digest_ms = (time.perf_counter() - t_plan) * 1000

    _send_all(result, digests, lines, policies, default_policy, sender, dry_run, now, workers, keep, render)
    if not dry_run:
        result.failures_reported = _report_unreachable_once(as_of, book, sender, now, default_policy)
        with session_scope() as session:
            ledger.record_sweep(
                scope, as_of, started=now, finished=_now(), planned=result.planned, sent=result.sent, failed=result.failed, session=session
            )
    return result


def _send_all(
    result: SweepResult,
    digests: list[Digest],
    lines: dict[int, LineFacts],
    policies: dict[str, ReminderPolicy],
    default_policy: ReminderPolicy,
    sender: Sender,
    dry_run: bool,
    now: datetime,
    workers: int,
    keep: Callable[[], None],
    render: bool = True,
) -> None:
    def policy_for(digest: Digest) -> ReminderPolicy:
        first = digest.keys[0].instance_id if digest.keys else None
        return policies.get(lines[first].directive, default_policy) if first in lines else default_policy

    def one(digest: Digest) -> tuple[Digest, DigestReport]:
        keep()  # still the lease holder? (raises LeaseLost rather than risk a duplicate)
        return digest, _deliver(digest, policy_for(digest), sender, dry_run, render)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for digest, report in pool.map(one, digests):
            result.digests.append(report)
            if dry_run:
                continue
            with session_scope() as session:  # one short transaction per digest: its outcome is recorded at once
                if report.delivered:
                    ledger.mark_sent(digest.keys, now=now, session=session)
                else:
                    log.warning("reminder digest to %s failed: %s", report.recipient, report.error)
                    ledger.mark_failed(digest.keys, error=report.error or "không rõ", now=now, policy=policy_for(digest), session=session)


def _report_unreachable_once(day: date, book: ContactBook, sender: Sender, now: datetime, policy: ReminderPolicy) -> int:
    """Failures are reported across scopes, so two sweeps of different provinces must not both report them."""
    try:
        with lease.hold(["reminders:failure-report"], what="Báo cáo địa chỉ không gửi được"):
            return _report_unreachable(day, book, sender, now, policy)
    except BusyError:
        log.info("another sweep is reporting unreachable recipients; this one leaves it to it")
        return 0


def _report_unreachable(day: date, book: ContactBook, sender: Sender, now: datetime, policy: ReminderPolicy) -> int:
    """Tell each coordinating office which of its directives' recipients keep failing (once per failing row)."""
    with session_scope() as session:
        failures = ledger.unreported_failures(min_attempts=policy.report_failures_after_attempts, session=session)
        if not failures:
            return 0
        # only the lines are used: an empty registry leaves co-agency lists as they are written
        _facts, lines = select_instances({f.instance_id for f in failures}, members=CoAgencyRegistry({}, {}), session=session)
        coordinators = _coordinators(session, {lines[f.instance_id].directive for f in failures if f.instance_id in lines}, day)
        office_names = agency_names(set(coordinators.values()), session=session)
    by_coordinator: dict[str, dict[str, list[ledger.Unreachable]]] = {}
    for failure in failures:
        facts = lines.get(failure.instance_id)
        if facts is None:
            continue
        coordinator = coordinators.get(facts.directive, "")
        by_coordinator.setdefault(coordinator, {}).setdefault(failure.recipient, []).append(failure)
    reported = 0
    for coordinator, per_recipient in by_coordinator.items():
        targets = [c for c in book.lookup(coordinator, "coordinator") if c.url]
        if not targets:
            log.warning("no coordinator contact for %s: %d unreachable recipients not reported", coordinator, len(per_recipient))
            continue
        items: list[dict[str, object]] = [
            {
                "recipient": _display(book, recipient),
                "attempts": max(f.attempts for f in rows),
                "error": rows[-1].last_error,
                "instances": ", ".join(f"#{f.instance_id}" for f in rows),
            }
            for recipient, rows in sorted(per_recipient.items())
        ]
        body = render_undeliverable(office_names.get(coordinator, coordinator), day, items)
        title = f"[dondoc] Không gửi được nhắc việc đến {len(items)} địa chỉ"
        if all(sender(c.url, title=title, body=body, html=False).ok for c in targets if c.url):
            with session_scope() as session:
                for recipient, rows in per_recipient.items():
                    ledger.mark_reported(recipient, [f.instance_id for f in rows], now=now, session=session)
            reported += len(items)
    return reported


def _display(book: ContactBook, key: str) -> str:
    for contact in book.contacts:
        if contact.key == key:
            return f"{contact.display} ({', '.join(sorted(contact.tags))})"
    return key


def _coordinators(session: Any, directive_codes: set[str], day: date) -> dict[str, str]:
    """Directive code → its coordinating office in force on ``day`` (a merged office's successor), the
    office a digest's footer and Reply-To name and failures are reported to."""
    from dondoc.models import Directive

    stmt = select(col(Directive.code), col(Directive.coordinator_code)).where(col(Directive.code).in_(sorted(directive_codes)))
    written = {code: coord for code, coord in session.execute(stmt).all() if coord}
    registry = registry_for(set(written.values()), session=session)
    return {code: registry.in_force(coord, day) for code, coord in written.items()}


def remind(
    as_of: date,
    *,
    province: str | None = None,
    dry_run: bool = False,
    wait: float = 0.0,
    retry_failed_now: bool = False,
    render: bool = False,
) -> SweepResult:
    """One sweep; ``wait`` seconds for a sweep of the same scope that is still running (else BusyError).
    A dry run renders the messages only when ``render`` (e.g. to show them)."""
    return run_sweep(as_of, province=province, dry_run=dry_run, wait=wait, retry_failed_now=retry_failed_now, render=render)


def failure_summary(result: SweepResult) -> str | None:
    """One line for an operator when deliveries failed (the ledger retries them later), else None."""
    if not result.failed:
        return None
    failed = [d for d in result.digests if d.delivered is False]
    examples = "; ".join(f"{d.recipient}: {d.error}" for d in failed[:3])
    more = f" (và {len(failed) - 3} nơi khác)" if len(failed) > 3 else ""
    return (
        f"{result.failed}/{len(result.digests)} thư/tin nhắn nhắc việc ngày {result.day:%d/%m/%Y} không gửi được "
        f"({result.sent} đã gửi, đã ghi sổ; lượt sau gửi lại phần lỗi): {examples}{more}"
    )


def replay(
    start: date,
    end: date,
    *,
    province: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[SweepResult]:
    """Run the sweep for every working day from ``start`` to ``end``, in order (a directive's real
    timeline); ``progress(done, total, day)`` after each day."""
    if end < start:
        raise InputError(f"--to {vn_date(end)} is before --from {vn_date(start)}")
    if (end - start).days > 3 * 366:
        raise InputError("--from/--to: replay at most three years at a time")
    days = load_calendar().working_days_in(start, end)
    results = []
    for done, day in enumerate(days, 1):
        results.append(run_sweep(day, province=province, dry_run=dry_run))
        if progress:
            progress(done, len(days), f"{day:%d/%m/%Y}")
    return results
