"""A dry run that renders nothing counts its digests (``summarise_digests``) instead of building them:
it must report what ``build_digests`` would, digest by digest (recipient, subject, lines, instances)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.domain.reminders import Audience, Reminder, Role, Stage
from dondoc.reminders import notify
from dondoc.reminders.contacts import Contact
from dondoc.reminders.digest import build_digests, summarise_digests
from dondoc.reminders.queries import LineFacts

DAY = date(2025, 11, 18)
STAGES = {
    ("lead", 0): Stage("before-3", "lead", -3, DAY, DAY, ("focal",)),
    ("lead", 1): Stage("overdue-1", "lead", 1, DAY, DAY, ("focal", "head")),
    ("lead", 2): Stage("overdue-3", "lead", 3, DAY, DAY, ("focal", "head", "coordinator"), True),
    ("lead", 3): Stage("repeat-2", "lead", 24, DAY, DAY, ("focal", "head", "coordinator", "leadership"), True),
    ("co", 0): Stage("co-before-2", "co", -2, DAY, DAY, ("focal",)),
    ("co", 1): Stage("co-before-0", "co", 0, DAY, DAY, ("focal",)),
}


def contact(key: str) -> Contact:
    channel = notify.Channel(f"email:{key}", f"mailto://localhost/{key}", "email", 32768)
    return Contact("test", frozenset({key}), f"mailto://localhost/{key}", channel)


CONTACTS = [contact(k) for k in ("a@x.vn", "b@x.vn", "office@x.vn", "lead@x.vn")]

instance = st.tuples(
    st.sampled_from([-9, -1, 0, 3]),  # due date, days from the sweep day (few: an overseer's lines merge)
    st.sampled_from([None, "12/CT-UBND"]),  # directive number (None: "… (chưa có số)")
    st.sampled_from(["1.a", "2"]),  # clause
    st.sampled_from(["once", "2025-11"]),  # period
    st.integers(0, 3),  # the lead audience's stage
    st.integers(0, 1),  # the co-agencies' stage
)


@settings(max_examples=300, deadline=None)
@given(
    instances=st.lists(instance, min_size=1, max_size=12),
    picks=st.lists(
        st.tuples(
            st.integers(0, 11),
            st.sampled_from(["lead", "co"]),
            st.sampled_from(["focal", "head", "coordinator", "leadership"]),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=60,
    ),
)
def test_a_summary_reports_what_the_built_digest_would(
    instances: list[tuple[int, str | None, str, str, int, int]], picks: list[tuple[int, Audience, Role, int]]
) -> None:
    facts: dict[int, LineFacts] = {}
    for iid, (_days, number, clause, period, _lead, _co) in enumerate(instances):
        facts[iid] = LineFacts(
            iid, "d1", number, "Chỉ thị thử", "p01", clause, "Triển khai nhiệm vụ", None, f"so{iid % 3}", f"Sở {iid % 3}", period
        )
    routed: list[tuple[Reminder, Contact]] = []
    for iid, audience, role, who in picks:
        if iid not in facts:
            continue
        if who >= 2:  # the office and the leadership are overseers (their lines of one task merge); the others get any role
            role = "coordinator" if who == 2 or role in {"focal", "head"} else role
        days, _number, _clause, _period, lead_stage, co_stage = instances[iid]
        # one stage per (instance, audience), as a sweep has
        stage = STAGES[(audience, lead_stage if audience == "lead" else co_stage)]
        reminder = Reminder(iid, f"so{iid % 3}", role, audience, stage, DAY + timedelta(days=days))
        routed.append((reminder, CONTACTS[who]))
    built = build_digests(DAY, routed, facts, {})
    summed = summarise_digests(DAY, routed, facts)
    assert [(s.contact.key, s.subject, s.lines, s.instances) for s in summed] == [
        (d.contact.key, d.subject, len(d.lines), sorted({k.instance_id for k in d.keys})) for d in built
    ]
