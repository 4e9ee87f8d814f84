"""The reminder ladder (DOMAIN.md §5) as pure functions: which stage is due, for whom, on a day.

A *stage* is one rung of an instance's ladder: 7/3/1 working days before the due date, the
last on-time day, +1/+3/+7 working days overdue, then a repeat every week. Each stage has a
nominal day and a send day (the nominal day, or the previous working day when it is a day
off). On a given day an instance has at most one *current* stage per audience (the lead and
its co-agencies): the latest whose send day has come. The sweep delivers a current stage once
(the ledger remembers it); older stages that were missed during downtime are never sent, so a
province that was offline for a week gets one up-to-date reminder, not a burst of stale ones.

Everything here is plain data in, plain data out: no clock, no database, no Apprise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Generic, Literal, NamedTuple, Protocol, TypeVar

from dondoc.domain.policy import ReminderPolicy
from dondoc.domain.vocabulary import DeliveryState, InstanceState
from dondoc.domain.workdays import WorkCalendar

Audience = Literal["lead", "co"]
Role = Literal["focal", "head", "coordinator", "leadership"]

#: The ladder never reaches further before a due date than this (7 working days + Tết).
_FORWARD_DAYS = 45
#: Instances overdue for longer than this are still repeated weekly; the candidate search stops here.
OVERDUE_HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Stage:
    key: str
    audience: Audience
    offset: int  # working days relative to the due date: negative before, 0 the last on-time day, positive overdue
    nominal: date
    send_on: date
    roles: tuple[Role, ...]
    require_explanation: bool = False

    @property
    def overdue(self) -> bool:
        return self.offset > 0


class DueInstance(NamedTuple):
    """The facts about one open instance that the planner needs (a row, not an ORM object).

    A tuple: a national sweep makes tens of thousands (a frozen dataclass costs ~4× as much to build)."""

    instance_id: int
    due_date: date
    opens_on: date
    monthly: bool
    lead: str
    co_agencies: tuple[str, ...] = ()
    coordinator: str = ""
    province: str = ""
    directive: str = ""
    state: str = InstanceState.OPEN
    completed_on: date | None = None


class Reminder(NamedTuple):
    """One (instance, addressee, role, stage) the sweep should deliver today.

    ``addressee`` is the tag the recipients are looked up with: the agency code for focal and
    head, the coordinating office's code for coordinator, the province code for leadership.
    A tuple: a national sweep makes about a hundred thousand.
    """

    instance_id: int
    addressee: str
    role: Role
    audience: Audience
    stage: Stage
    due_date: date


#: Builds a named tuple from its fields' tuple at C speed (half the cost of the class's generated ``__new__``,
#: a Python function): for the ~100,000 reminders and delivery keys of a national sweep.
_tuple = tuple.__new__


def _dedupe(stages: list[Stage]) -> list[Stage]:
    """Sort by send day; when two stages share a send day only the more urgent one stays."""
    by_day: dict[date, Stage] = {}
    for stage in stages:
        kept = by_day.get(stage.send_on)
        if kept is None or stage.offset > kept.offset:
            by_day[stage.send_on] = stage
    return [by_day[d] for d in sorted(by_day)]


class _Rung(NamedTuple):
    """A stage before it is one: cheap to make, thousands per sweep (only the chosen ones become a Stage)."""

    send_on: date
    offset: int
    key: str
    audience: Audience
    nominal: date
    roles: tuple[Role, ...]
    require_explanation: bool = False

    def stage(self) -> Stage:
        return Stage(self.key, self.audience, self.offset, self.nominal, self.send_on, self.roles, self.require_explanation)


def _rungs(
    due: date, *, audience: Audience, monthly: bool, policy: ReminderPolicy, calendar: WorkCalendar, until: date, since: date | None
) -> Iterable[_Rung]:
    """Every rung of one due date's ladder, in ladder order (weekly repeats only near ``[since, until]``)."""
    if audience == "co":
        for n in sorted(set(policy.co_agency_before), reverse=True):
            nominal = calendar.add_working_days(due, -n) if n else due
            yield _Rung(calendar.previous_working_day(nominal), -n, f"co-before-{n}", "co", nominal, ("focal",))
        return
    before = policy.lead_before_monthly if monthly else policy.lead_before
    for n in sorted(set(before), reverse=True):
        nominal = calendar.add_working_days(due, -n) if n else due
        yield _Rung(calendar.previous_working_day(nominal), -n, f"before-{n}" if n else "due-day", "lead", nominal, ("focal",))
    steps = sorted(policy.escalation, key=lambda s: s.after_working_days)
    for step in steps:
        nominal = calendar.add_working_days(due, step.after_working_days)
        yield _Rung(
            nominal, step.after_working_days, f"overdue-{step.after_working_days}", "lead", nominal, tuple(step.roles), step.require_explanation
        )
    if steps:
        last = steps[-1]
        base = calendar.add_working_days(due, last.after_working_days)
        every = policy.repeat_every_days
        low = since if since is not None else until
        first_k = max(1, (low - base).days // every - 2)
        last_k = (until - base).days // every + 2
        roles = tuple(last.roles)
        for k in range(first_k, last_k + 1):
            nominal = base + timedelta(days=k * every)
            offset = last.after_working_days + k * every  # calendar days: only used to order by urgency
            yield _Rung(calendar.previous_working_day(nominal), offset, f"repeat-{k}", "lead", nominal, roles, last.require_explanation)


def ladder(
    due: date,
    *,
    audience: Audience,
    monthly: bool,
    policy: ReminderPolicy,
    calendar: WorkCalendar,
    until: date,
    since: date | None = None,
) -> list[Stage]:
    """The stages of one due date whose send day is on or before ``until``, oldest first.

    Weekly repeats are endless, so only those near ``[since, until]`` are generated.
    """
    rungs = _rungs(due, audience=audience, monthly=monthly, policy=policy, calendar=calendar, until=until, since=since)
    return [s for s in _dedupe([r.stage() for r in rungs]) if s.send_on <= until]


def current_stage(
    due: date,
    *,
    audience: Audience,
    monthly: bool,
    day: date,
    policy: ReminderPolicy,
    calendar: WorkCalendar,
) -> Stage | None:
    """The latest stage whose send day has come, if it still applies on ``day``.

    Co-agencies owe their input before the lead's deadline: their reminders stop after it.

    This is the last stage of ``ladder(..., until=day, since=day)`` (the latest send day; on a shared
    send day the more urgent stage) without building the others.
    """
    if audience == "co" and day > due:
        return None
    if audience == "lead" and day > due:
        repeat = _latest_repeat(due, day=day, policy=policy, calendar=calendar)
        if repeat is not None:
            return repeat
    best: _Rung | None = None
    for rung in _rungs(due, audience=audience, monthly=monthly, policy=policy, calendar=calendar, until=day, since=day):
        if rung.send_on <= day and (best is None or (rung.send_on, rung.offset) > (best.send_on, best.offset)):
            best = rung
    return best.stage() if best is not None else None


def _latest_repeat(due: date, *, day: date, policy: ReminderPolicy, calendar: WorkCalendar) -> Stage | None:
    """The current stage of a long-overdue due date, when it is a weekly repeat sent after the last escalation's
    day (None when that is not certain: then the whole ladder is walked).

    Such a repeat is later than every other rung (each "before" stage is sent on the due date or earlier, each
    escalation on the last one's day or earlier), so it is what ``current_stage`` picks, found without building
    them: most candidate due dates of a national sweep are months or years overdue (issue 13).
    """
    if not policy.escalation or min((*policy.lead_before, *policy.lead_before_monthly), default=0) < 0:
        return None
    last = sorted(policy.escalation, key=lambda s: s.after_working_days)[-1]  # as ``_rungs`` orders them
    base = calendar.add_working_days(due, last.after_working_days)
    every = policy.repeat_every_days
    if day <= base:
        return None
    near = (day - base).days // every
    # ``_rungs``' repeats near ``day``, latest first: send days never decrease with k, so the first one sent by
    # ``day`` is the latest (on a shared send day, the more urgent)
    for k in range(near + 2, max(1, near - 2) - 1, -1):
        nominal = base + timedelta(days=k * every)
        send_on = calendar.previous_working_day(nominal)
        if send_on <= day:
            break
    else:
        return None
    if send_on <= base:  # e.g. a long Tết holiday pulls the first repeat back to the escalation's day
        return None
    return Stage(f"repeat-{k}", "lead", last.after_working_days + k * every, nominal, send_on, tuple(last.roles), last.require_explanation)


@dataclass
class StageMemo:
    """Current stages of one sweep, per (due date, audience, monthly, day, policy).

    Thousands of instances share a few hundred due dates: with a memo shared by
    ``candidate_due_dates`` and ``plan_reminders``, each ladder is evaluated once per
    (due date, policy), not per instance. Keyed by the policy object (equal policies should be one
    object); the policy is kept in the value so its ``id`` cannot be reused while the memo lives.
    """

    _stages: dict[tuple[date, str, bool, date, int], tuple[ReminderPolicy, Stage | None]] = field(default_factory=dict)

    def current(
        self, due: date, *, audience: Audience, monthly: bool, day: date, policy: ReminderPolicy, calendar: WorkCalendar
    ) -> Stage | None:
        key = (due, audience, monthly, day, id(policy))
        hit = self._stages.get(key)
        if hit is None:
            stage = current_stage(due, audience=audience, monthly=monthly, day=day, policy=policy, calendar=calendar)
            hit = self._stages[key] = (policy, stage)
            if stage is not None and stage.send_on > due and min((*policy.lead_before, *policy.lead_before_monthly), default=0) >= 0:
                # sent after the due date: an escalation or a repeat, later than every "before" stage (sent on the
                # due date or earlier), so the lead's other ladder (monthly or not) has the same current stage
                self._stages.setdefault((due, audience, not monthly, day, id(policy)), hit)
        return hit[1]


def plan_reminders(
    day: date,
    instances: Iterable[DueInstance],
    *,
    policy_of: Callable[[DueInstance], ReminderPolicy],
    calendar: WorkCalendar,
    since: date | None = None,
    memo: StageMemo | None = None,
) -> list[Reminder]:
    """What to deliver on ``day``: each instance's current stage(s), expanded to (addressee, role).

    ``since`` is the last day a sweep already covered: only stages that became current after it
    are planned (None: every current stage, as for retries). No message goes out on a day off.
    An instance is not reminded before it opens; a stage that fell before that day counts as
    becoming current on the opening day.
    """
    return [r for group, effective in _current(day, instances, policy_of, calendar, memo) if since is None or effective > since for r in group]


def plan_window(
    day: date,
    instances: Iterable[DueInstance],
    retries: Iterable[DueInstance],
    *,
    policy_of: Callable[[DueInstance], ReminderPolicy],
    calendar: WorkCalendar,
    since: date | None,
    memo: StageMemo | None = None,
) -> tuple[list[Reminder], list[Reminder]]:
    """``(fresh, current)`` in one pass: ``plan_reminders(day, instances, since=since)`` and
    ``plan_reminders(day, [*instances, *retries], since=None)``, as a sweep needs both."""
    fresh: list[Reminder] = []
    current: list[Reminder] = []
    for group, effective in _current(day, instances, policy_of, calendar, memo):
        current.extend(group)
        if since is None or effective > since:
            fresh.extend(group)
    for group, _effective in _current(day, retries, policy_of, calendar, memo):
        current.extend(group)
    return fresh, current


def _current(
    day: date,
    instances: Iterable[DueInstance],
    policy_of: Callable[[DueInstance], ReminderPolicy],
    calendar: WorkCalendar,
    memo: StageMemo | None,
) -> Iterable[tuple[list[Reminder], date]]:
    """Each instance's current stage(s), per audience expanded to (addressee, role), with the day that stage
    became current (the reminders of one instance and audience, in order: agencies, then the stage's roles)."""
    if not calendar.is_working_day(day):
        return
    stages = memo if memo is not None else StageMemo()
    known = stages._stages  # the memo's own dict: a hit costs one lookup (tens of thousands per sweep)
    for inst in instances:
        iid, due, opens, monthly, lead, co_agencies, coordinator, province, _directive, state, completed_on = inst
        if day < opens or state != "open" or (completed_on is not None and completed_on <= day):
            continue  # completion or cancellation stops the ladder; an extension moved due_date
        policy = policy_of(inst)
        audiences: list[tuple[Audience, Sequence[str]]] = [("lead", (lead,))]
        if co_agencies:
            co = tuple(c for c in co_agencies if c != lead)
            if co:
                audiences.append(("co", co))
        for audience, agencies in audiences:
            hit = known.get((due, audience, monthly, day, id(policy)))
            stage = (
                hit[1]
                if hit is not None
                else stages.current(due, audience=audience, monthly=monthly, day=day, policy=policy, calendar=calendar)
            )
            if stage is None:
                continue
            yield [
                _tuple(Reminder, (iid, coordinator if role == "coordinator" else province if role == "leadership" else agency, role, audience, stage, due))
                for agency in agencies
                for role in stage.roles
            ], (stage.send_on if stage.send_on > opens else opens)


def candidate_due_dates(
    day: date,
    *,
    since: date | None,
    policies: Iterable[ReminderPolicy],
    calendar: WorkCalendar,
    memo: StageMemo | None = None,
) -> set[date]:
    """Due dates whose current stage (any audience, monthly or not) became current in ``(since, day]``.

    This is what makes the sweep set-based: the database is asked for open instances with these
    due dates only (an indexed lookup), instead of walking every open instance.
    """
    if not calendar.is_working_day(day):
        return set()
    stages = memo if memo is not None else StageMemo()
    found: set[date] = set()
    start = day - timedelta(days=OVERDUE_HORIZON_DAYS)
    # a sweep passes each directive's policy: thousands of references to a few objects, each dumped once
    for policy in {p.model_dump_json(): p for p in {id(p): p for p in policies}.values()}.values():
        for offset in range((day + timedelta(days=_FORWARD_DAYS) - start).days + 1):
            due = start + timedelta(days=offset)
            for audience in ("lead", "co"):
                for monthly in (False, True):
                    if audience == "co" and monthly:
                        continue
                    stage = stages.current(due, audience=audience, monthly=monthly, day=day, policy=policy, calendar=calendar)
                    if stage is not None and (since is None or stage.send_on > since):
                        found.add(due)
    return found


def days_left(due: date, day: date) -> int:
    """Calendar days until the due date (negative: days overdue), as the digest shows them."""
    return (due - day).days


def retry_delay_minutes(attempts: int, policy: ReminderPolicy) -> int:
    """Exponential backoff: retry_after, doubled per failed attempt, capped."""
    if attempts <= 0:
        return 0
    return int(min(policy.retry_max_minutes, policy.retry_after_minutes * 2 ** (attempts - 1)))


class DeliveryKey(NamedTuple):
    """One row of the reminder ledger: an instance's stage (for a due date) to one recipient.

    A tuple: a national sweep hashes tens of thousands of them.
    """

    instance_id: int
    recipient: str
    stage: str
    due_date: date


class Recipient(Protocol):
    @property
    def key(self) -> str: ...


C = TypeVar("C", bound=Recipient)


@dataclass
class Routing(Generic[C]):
    """Reminders paired with the recipients they go to."""

    routed: dict[DeliveryKey, tuple[Reminder, C]] = field(default_factory=dict)
    #: keys that are current but were not planned in this sweep's window: only a pending or failed
    #: ledger row makes them a retry
    retry_keys: set[DeliveryKey] = field(default_factory=set)
    #: fresh reminders whose addressee has no contact for its role
    unrouted: list[Reminder] = field(default_factory=list)


def route(
    fresh: Iterable[Reminder], current: Iterable[Reminder], lookup: Callable[[str, Role], Sequence[C]]
) -> Routing[C]:
    """Pair each reminder with the recipients of its addressee and role.

    ``fresh`` are the stages due in this sweep's window; ``current`` the stages in force today for
    every candidate and for the instances the ledger wants to retry: a current key that is not
    fresh is a retry candidate only.
    """
    routing: Routing[C] = Routing()
    routed, retry_keys, unrouted = routing.routed, routing.retry_keys, routing.unrouted
    # thousands of reminders share an addressee and role: their recipients, with each one's key, are looked up once
    found_for: dict[tuple[str, Role], list[tuple[C, str]]] = {}

    def recipients(who: tuple[str, Role]) -> list[tuple[C, str]]:
        found = found_for.get(who)
        if found is None:
            found = found_for[who] = [(c, c.key) for c in lookup(*who)]
        return found

    fresh = list(fresh)
    known, keep = found_for.get, routed.setdefault  # bound once: ~100,000 reminders a national sweep
    for reminder in fresh:
        iid, addressee, role, _audience, stage, due = reminder
        who = (addressee, role)
        found = known(who)
        if found is None:
            found = recipients(who)
        if not found:
            unrouted.append(reminder)
        for recipient, rkey in found:
            keep(_tuple(DeliveryKey, (iid, rkey, stage.key, due)), (reminder, recipient))
    current = list(current)
    # a sweep passes the same objects in both (plan_window): a fresh one's keys are all routed already
    was_fresh = {id(r) for r in fresh} if current else set()
    for reminder in current:
        if id(reminder) in was_fresh:
            continue
        iid, addressee, role, _audience, stage, due = reminder
        for recipient, rkey in recipients((addressee, role)):
            key = DeliveryKey(iid, rkey, stage.key, due)
            if key not in routed:
                retry_keys.add(key)
                routed[key] = (reminder, recipient)
    return routing


@dataclass(frozen=True)
class LedgerState:
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None


@dataclass
class DueDeliveries(Generic[C]):
    todo: list[tuple[Reminder, C]] = field(default_factory=list)
    already_sent: int = 0
    waiting_backoff: int = 0


def due_deliveries(routing: Routing[C], known: Mapping[DeliveryKey, LedgerState], *, now: datetime) -> DueDeliveries[C]:
    """What to deliver now, given the ledger: never what was sent or superseded, never a failed
    delivery before its backoff has passed, and a retry key only when its row is pending or failed."""
    out: DueDeliveries[C] = DueDeliveries()
    if not known and not routing.retry_keys:  # no ledger row among the keys (a day's fresh stages): all of them
        out.todo.extend(routing.routed.values())
        return out
    for key, pair in routing.routed.items():
        row = known.get(key)
        if key in routing.retry_keys and (row is None or row.state not in {DeliveryState.PENDING, DeliveryState.FAILED}):
            continue  # current but never planned in its window: not a retry
        if row is not None and row.state in {DeliveryState.SENT, DeliveryState.SUPERSEDED}:
            out.already_sent += 1
            continue
        if row is not None and row.state == DeliveryState.FAILED and row.next_attempt_at is not None and row.next_attempt_at > now:
            out.waiting_backoff += 1
            continue
        out.todo.append(pair)
    return out
