"""The reminder ladder, day by day (pure: no database, no Apprise, no clock)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dondoc.configuration.files import load_calendar, load_policy
from dondoc.domain.policy import EscalationStep, ReminderPolicy
from dondoc.domain.reminders import (
    DueInstance,
    StageMemo,
    candidate_due_dates,
    current_stage,
    ladder,
    plan_reminders,
    plan_window,
    retry_delay_minutes,
)

D = date
POLICY = load_policy().reminders


@pytest.fixture(scope="module")
def cal():  # type: ignore[no-untyped-def]
    return load_calendar()


def _inst(due: date, **kw: object) -> DueInstance:
    base: dict[str, object] = {
        "instance_id": 1,
        "due_date": due,
        "opens_on": D(2023, 11, 2),
        "monthly": False,
        "lead": "dn-so-tttt",
        "co_agencies": (),
        "coordinator": "dn-vp-ubnd",
        "province": "dong-nai",
        "directive": "11677/UBND-HCC",
    }
    base.update(kw)
    return DueInstance(**base)  # type: ignore[arg-type]


# Friday 15/12/2023: 7/3/1 working days before, the day itself, +1/+3/+7 working days, then weekly.
# Sunday 10/12/2023: the last on-time day is a day off → sent on Friday 08/12 (and "1 day before" merges into it).
# Friday 16/02/2024: 3 working days before crosses Tết (08–14/02/2024 off) → Tuesday 06/02.
# Monday 01/01/2024 is a holiday: the weekly repeat nominally on it goes out on Friday 29/12/2023.
LADDERS = [
    (D(2023, 12, 15), False, [("before-7", D(2023, 12, 6)), ("before-3", D(2023, 12, 12)), ("before-1", D(2023, 12, 14)),
                              ("due-day", D(2023, 12, 15)), ("overdue-1", D(2023, 12, 18)), ("overdue-3", D(2023, 12, 20)),
                              ("overdue-7", D(2023, 12, 26)), ("repeat-1", D(2024, 1, 2)), ("repeat-2", D(2024, 1, 9))]),
    (D(2023, 12, 10), False, [("before-7", D(2023, 11, 30)), ("before-3", D(2023, 12, 6)), ("due-day", D(2023, 12, 8)),
                              ("overdue-1", D(2023, 12, 11)), ("overdue-3", D(2023, 12, 13)), ("overdue-7", D(2023, 12, 19)),
                              ("repeat-1", D(2023, 12, 26)), ("repeat-2", D(2024, 1, 2))]),
    (D(2023, 12, 14), False, [("overdue-7", D(2023, 12, 25)), ("repeat-1", D(2023, 12, 29)), ("repeat-2", D(2024, 1, 8))]),
    (D(2023, 12, 15), True, [("before-3", D(2023, 12, 12)), ("before-1", D(2023, 12, 14)), ("due-day", D(2023, 12, 15)),
                             ("overdue-1", D(2023, 12, 18))]),
    (D(2024, 2, 16), False, [("before-7", D(2024, 1, 31)), ("before-3", D(2024, 2, 6)), ("before-1", D(2024, 2, 15)),
                             ("due-day", D(2024, 2, 16))]),
]


@pytest.mark.parametrize(("due", "monthly", "expected"), LADDERS)
def test_ladder_send_days(due: date, monthly: bool, expected: list[tuple[str, date]], cal) -> None:  # type: ignore[no-untyped-def]
    stages = ladder(due, audience="lead", monthly=monthly, policy=POLICY, calendar=cal, until=D(2024, 3, 1), since=D(2023, 11, 1))
    got = [(s.key, s.send_on) for s in stages]
    start = next(i for i, (key, _day) in enumerate(got) if key == expected[0][0])
    assert got[start : start + len(expected)] == expected
    assert all(cal.is_working_day(s.send_on) for s in stages)


# (day, due, monthly) → the current stage's key and its roles
CURRENT = [
    (D(2023, 12, 5), D(2023, 12, 15), False, None, ()),
    (D(2023, 12, 6), D(2023, 12, 15), False, "before-7", ("focal",)),
    (D(2023, 12, 11), D(2023, 12, 15), False, "before-7", ("focal",)),
    (D(2023, 12, 12), D(2023, 12, 15), False, "before-3", ("focal",)),
    (D(2023, 12, 15), D(2023, 12, 15), False, "due-day", ("focal",)),
    (D(2023, 12, 18), D(2023, 12, 15), False, "overdue-1", ("focal", "head")),
    (D(2023, 12, 20), D(2023, 12, 15), False, "overdue-3", ("focal", "head", "coordinator")),
    (D(2023, 12, 26), D(2023, 12, 15), False, "overdue-7", ("focal", "head", "coordinator", "leadership")),
    (D(2024, 1, 2), D(2023, 12, 15), False, "repeat-1", ("focal", "head", "coordinator", "leadership")),
    (D(2023, 12, 11), D(2023, 12, 15), True, None, ()),
    (D(2023, 12, 12), D(2023, 12, 15), True, "before-3", ("focal",)),
]


@pytest.mark.parametrize(("day", "due", "monthly", "key", "roles"), CURRENT)
def test_current_stage_and_escalation_roles(day: date, due: date, monthly: bool, key: str | None, roles: tuple[str, ...], cal) -> None:  # type: ignore[no-untyped-def]
    stage = current_stage(due, audience="lead", monthly=monthly, day=day, policy=POLICY, calendar=cal)
    assert (stage.key if stage else None) == key
    if stage:
        assert stage.roles == roles
        assert stage.require_explanation == ("leadership" in roles)


@pytest.mark.parametrize(
    ("day", "key"),
    [(D(2023, 12, 5), None), (D(2023, 12, 6), "co-before-7"), (D(2023, 12, 12), "co-before-3"), (D(2023, 12, 15), "co-before-3"), (D(2023, 12, 18), None)],
)
def test_co_agencies_reminded_of_their_input_before_the_deadline_only(day: date, key: str | None, cal) -> None:  # type: ignore[no-untyped-def]
    stage = current_stage(D(2023, 12, 15), audience="co", monthly=False, day=day, policy=POLICY, calendar=cal)
    assert (stage.key if stage else None) == key


def _plan(day: date, instances: list[DueInstance], cal, since: date | None = None, policy: ReminderPolicy = POLICY):  # type: ignore[no-untyped-def]
    return [(r.instance_id, r.addressee, r.role, r.audience, r.stage.key) for r in plan_reminders(day, instances, policy_of=lambda _i: policy, calendar=cal, since=since)]


def test_no_message_on_a_day_off(cal) -> None:  # type: ignore[no-untyped-def]
    assert _plan(D(2023, 12, 16), [_inst(D(2023, 12, 15))], cal) == []  # Saturday
    assert _plan(D(2024, 1, 1), [_inst(D(2023, 12, 15))], cal) == []  # Tết Dương lịch


def test_escalation_addressees_at_plus_7(cal) -> None:  # type: ignore[no-untyped-def]
    got = _plan(D(2023, 12, 26), [_inst(D(2023, 12, 15))], cal, since=D(2023, 12, 25))
    assert got == [
        (1, "dn-so-tttt", "focal", "lead", "overdue-7"),
        (1, "dn-so-tttt", "head", "lead", "overdue-7"),
        (1, "dn-vp-ubnd", "coordinator", "lead", "overdue-7"),
        (1, "dong-nai", "leadership", "lead", "overdue-7"),
    ]


def test_catch_up_after_downtime_sends_only_the_latest_stage(cal) -> None:  # type: ignore[no-untyped-def]
    # Last sweep 05/12; back on 14/12: before-7 (06/12) and before-3 (12/12) were missed, only before-1 goes.
    got = _plan(D(2023, 12, 14), [_inst(D(2023, 12, 15))], cal, since=D(2023, 12, 5))
    assert got == [(1, "dn-so-tttt", "focal", "lead", "before-1")]


def test_a_stage_already_covered_by_the_last_sweep_is_not_planned_again(cal) -> None:  # type: ignore[no-untyped-def]
    assert _plan(D(2023, 12, 13), [_inst(D(2023, 12, 15))], cal, since=D(2023, 12, 12)) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"state": "done", "completed_on": D(2023, 12, 10)}, []),
        ({"state": "cancelled"}, []),
        ({"completed_on": D(2023, 12, 20)}, [(1, "dn-so-tttt", "focal", "lead", "before-1")]),  # completion later than the day: not yet
        ({"due_date": D(2023, 12, 21)}, [(1, "dn-so-tttt", "focal", "lead", "before-7")]),  # extended: the ladder restarts
        ({"opens_on": D(2023, 12, 20)}, []),  # not open yet
    ],
)
def test_completion_cancellation_extension_stop_or_restart(changes: dict[str, object], expected: list[tuple[object, ...]], cal) -> None:  # type: ignore[no-untyped-def]
    assert _plan(D(2023, 12, 14), [_inst(D(2023, 12, 15), **changes)], cal) == expected


def test_co_agencies_get_their_own_reminder(cal) -> None:  # type: ignore[no-untyped-def]
    got = _plan(D(2023, 12, 12), [_inst(D(2023, 12, 15), co_agencies=("dn-so-noi-vu", "dn-so-tttt"))], cal, since=D(2023, 12, 11))
    assert got == [(1, "dn-so-tttt", "focal", "lead", "before-3"), (1, "dn-so-noi-vu", "focal", "co", "co-before-3")]


def test_the_ladder_is_data(cal) -> None:  # type: ignore[no-untyped-def]
    policy = POLICY.model_copy(
        update={"lead_before": [2], "escalation": [EscalationStep(after_working_days=2, roles=["focal", "coordinator"])], "repeat_every_days": 14}
    )
    assert [(s.key, s.send_on) for s in ladder(D(2023, 12, 15), audience="lead", monthly=False, policy=policy, calendar=cal, until=D(2024, 1, 5))] == [
        ("before-2", D(2023, 12, 13)),
        ("overdue-2", D(2023, 12, 19)),
        ("repeat-1", D(2024, 1, 2)),
    ]


def test_candidate_due_dates_cover_every_planned_instance(cal) -> None:  # type: ignore[no-untyped-def]
    day, since = D(2023, 12, 18), D(2023, 12, 15)
    dates = candidate_due_dates(day, since=since, policies=[POLICY], calendar=cal)
    sample = [_inst(D(2023, 11, 1) + (D(2023, 11, 2) - D(2023, 11, 1)) * n, instance_id=n, monthly=n % 2 == 0, co_agencies=("x",)) for n in range(90)]
    planned = {r.instance_id for r in plan_reminders(day, sample, policy_of=lambda _i: POLICY, calendar=cal, since=since)}
    assert planned
    assert planned <= {i.instance_id for i in sample if i.due_date in dates}
    assert candidate_due_dates(D(2023, 12, 16), since=since, policies=[POLICY], calendar=cal) == set()


@pytest.mark.parametrize(("attempts", "minutes"), [(0, 0), (1, 10), (2, 20), (3, 40), (10, 720)])
def test_retry_backoff(attempts: int, minutes: int) -> None:
    assert retry_delay_minutes(attempts, POLICY) == minutes


@pytest.mark.parametrize("monthly", [False, True])
@pytest.mark.parametrize("audience", ["lead", "co"])
def test_current_stage_is_the_ladders_last_stage(audience: str, monthly: bool, cal) -> None:  # type: ignore[no-untyped-def]
    """current_stage picks the ladder's last stage without building the others: every due date of two
    years (Tết, make-up days, weekends) against eleven sweep days, with the default and a custom policy."""
    custom = POLICY.model_copy(update={"lead_before": [5, 0], "co_agency_before": [4, 0], "repeat_every_days": 3})
    days = [D(2023, 12, 15), D(2024, 1, 2), D(2024, 2, 6), D(2024, 2, 15), D(2024, 2, 16), D(2024, 3, 1), D(2024, 4, 29),
            D(2024, 5, 2), D(2024, 9, 3), D(2025, 1, 27), D(2025, 2, 3)]  # fmt: skip
    checked = found = 0
    for policy in (POLICY, custom):
        for day in days:
            for n in range(731):
                due = D(2023, 6, 1) + timedelta(days=n)
                stages = ladder(due, audience=audience, monthly=monthly, policy=policy, calendar=cal, until=day, since=day)  # type: ignore[arg-type]
                expected = None if not stages or (audience == "co" and day > due) else stages[-1]
                got = current_stage(due, audience=audience, monthly=monthly, day=day, policy=policy, calendar=cal)  # type: ignore[arg-type]
                assert got == expected, (policy is POLICY, day, due)
                checked += 1
                found += got is not None
    assert checked == 2 * 11 * 731
    assert found > 150  # the table really exercised stages (co-agencies: ~10 days a due date)


@pytest.mark.parametrize("first", [False, True])
def test_the_stage_memo_shares_an_overdue_stage_between_the_two_lead_ladders(first: bool, cal) -> None:  # type: ignore[no-untyped-def]
    """A current stage sent after the due date (an escalation, a repeat) is the same whether the cycle is monthly
    or not, so the memo keeps it for both: asked in either order, every answer is ``current_stage``'s own. A policy
    whose "before" list reaches past the due date (a negative number of days) shares nothing."""
    late = POLICY.model_copy(update={"lead_before_monthly": [3, -2]})
    for policy, shares in ((POLICY, True), (late, False)):
        shared = 0
        for day in (D(2023, 12, 15), D(2024, 2, 16), D(2024, 4, 29)):
            memo = StageMemo()
            for n in range(400):
                due = D(2023, 6, 1) + timedelta(days=n)
                for monthly in (first, not first):
                    got = memo.current(due, audience="lead", monthly=monthly, day=day, policy=policy, calendar=cal)
                    assert got == current_stage(due, audience="lead", monthly=monthly, day=day, policy=policy, calendar=cal), (day, due)
                entries = [memo._stages[(due, "lead", m, day, id(policy))] for m in (first, not first)]
                shared += entries[0] is entries[1]
        assert (shared > 300) if shares else shared == 0, shared


def test_plan_window_is_both_plans_in_one_pass(cal) -> None:  # type: ignore[no-untyped-def]
    day, since = D(2023, 12, 14), D(2023, 12, 12)
    instances = [
        _inst(D(2023, 11, 1) + timedelta(days=n), instance_id=n, monthly=n % 2 == 0, co_agencies=("x",) if n % 3 else ())
        for n in range(60)
    ]
    retries = [_inst(D(2023, 11, 20) + timedelta(days=n), instance_id=100 + n) for n in range(10)]
    fresh, current = plan_window(day, instances, retries, policy_of=lambda _i: POLICY, calendar=cal, since=since)
    assert fresh == plan_reminders(day, instances, policy_of=lambda _i: POLICY, calendar=cal, since=since)
    assert current == plan_reminders(day, [*instances, *retries], policy_of=lambda _i: POLICY, calendar=cal, since=None)
    assert 0 < len(fresh) < len(current)


def test_a_long_overdue_stage_is_found_without_the_ladder_except_around_tet(cal) -> None:  # type: ignore[no-untyped-def]
    """``_latest_repeat`` (the shortcut ``current_stage`` takes for overdue due dates) answers only when its weekly
    repeat is certain to win, and then with the ladder's own last stage; around Tết, where the first repeat's send
    day falls back onto the last escalation's day, it answers None and the whole ladder is walked."""
    from dondoc.domain.reminders import _latest_repeat

    late = POLICY.model_copy(update={"lead_before": [3, -2]})  # a "before" stage after the due date: never shortcut
    answered = 0
    for day in (D(2024, 2, 6), D(2024, 2, 15), D(2024, 2, 16), D(2024, 9, 3), D(2025, 1, 27), D(2025, 2, 3)):
        for n in range(600):
            due = D(2023, 6, 1) + timedelta(days=n)
            if due >= day:
                continue
            got = _latest_repeat(due, day=day, policy=POLICY, calendar=cal)
            if got is not None:
                stages = ladder(due, audience="lead", monthly=False, policy=POLICY, calendar=cal, until=day, since=day)
                assert got == stages[-1], (day, due)
                answered += 1
            assert _latest_repeat(due, day=day, policy=late, calendar=cal) is None
    assert answered > 2000  # most of the ~2,600 overdue (day, due date) pairs
    # Tết 2024 (08/02–14/02): on 15/02 the repeat of a due date of 29/01 is pulled back to the escalation's day
    assert _latest_repeat(D(2024, 1, 29), day=D(2024, 2, 15), policy=POLICY, calendar=cal) is None
    assert current_stage(D(2024, 1, 29), audience="lead", monthly=False, day=D(2024, 2, 15), policy=POLICY, calendar=cal) == ladder(
        D(2024, 1, 29), audience="lead", monthly=False, policy=POLICY, calendar=cal, until=D(2024, 2, 15), since=D(2024, 2, 15)
    )[-1]
