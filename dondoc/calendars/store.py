"""Database side of the calendars: which rows a feed shows, per-event revisions, the feed cache, tokens.

Rows are read with Core selects (columns, not ORM objects). A feed is rebuilt only when
the fingerprint of its rows changes (count, ids, last update, the day's date, the policy);
within a rebuild only events whose content changed are serialised again, the others come
from ``calendar_event_state``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Select, case, event, func, or_, select
from sqlmodel import Session, col

from dondoc.calendars import ical
from dondoc.calendars.ical import EventInput, FeedMeta, LeadLine, Revision
from dondoc.clock import utc_now
from dondoc.configuration.files import load_calendar, load_policy
from dondoc.configuration.settings import get_settings
from dondoc.db import upsert_insert
from dondoc.directives.queries import CoAgencyRegistry, answers_to, co_agency_registry, resolve_agency, resolve_directive
from dondoc.domain.recurrence import is_monthly
from dondoc.domain.reporting import report_targets
from dondoc.domain.status import InstanceFacts, Status, status_of
from dondoc.domain.vocabulary import directive_label
from dondoc.errors import InputError, NotFoundError
from dondoc.models import Agency, AgencyGroup, Assignment, Directive, Province, TaskInstance
from dondoc.models.calendar import CalendarEventState, CalendarFeedCache, CalendarToken

Scope = Literal["agency", "directive", "province"]
SCOPES: tuple[Scope, ...] = ("agency", "directive", "province")
_CHUNK = 500


@dataclass(frozen=True)
class FeedSpec:
    scope: Scope
    key: str  # agency code, directive code or province code

    @property
    def cache_key(self) -> str:
        return f"{self.scope}:{self.key}"

    def url_path(self, token: str) -> str:
        """Where ``dondoc serve`` publishes this feed (its routes in ``calendars.server``), with the token."""
        where = self.key if self.scope == "agency" else f"{self.scope}/{self.key}"
        return f"/calendars/{where}.ics?token={token}"


@dataclass(frozen=True)
class RenderedFeed:
    spec: FeedSpec
    body: str
    etag: str
    fingerprint: str
    events: int
    rebuilt_events: int
    from_cache: bool


# ---------------------------------------------------------------- which rows a feed shows


@dataclass(frozen=True)
class _Scope:
    """A feed resolved against the database: its label, province and row filters."""

    spec: FeedSpec
    label: str
    province: str
    agency_id: int | None = None
    agency_code: str | None = None
    agency_name: str | None = None
    directive_id: int | None = None
    co_assignment_ids: tuple[int, ...] = ()


def _resolve(spec: FeedSpec, *, session: Session) -> _Scope:
    if spec.scope == "agency":
        agency = resolve_agency(spec.key, session=session)
        names = answers_to(agency, session=session)
        co_ids = tuple(
            aid
            for aid, co in session.execute(
                select(col(Assignment.id), col(Assignment.co_agencies))
                .join(Directive, col(Directive.id) == col(Assignment.directive_id))
                .where(col(Directive.province) == agency.province)
            )
            if names & set(co or [])
        )
        return _Scope(spec, agency.display_name, agency.province, agency.id, agency.code, agency.display_name, None, co_ids)
    if spec.scope == "directive":
        directive = resolve_directive(spec.key, session=session)
        return _Scope(spec, f"văn bản {directive.display_number}", directive.province, directive_id=directive.id)
    province = session.get(Province, spec.key)
    if province is None:
        known = [p for (p,) in session.execute(select(col(Province.code)))]
        raise NotFoundError(f"province {spec.key!r}: unknown; known: {', '.join(known) or 'none'}")
    return _Scope(spec, province.name, province.code)


def _filters(scope: _Scope) -> list[Any]:
    if scope.spec.scope == "agency":
        lead = col(TaskInstance.agency_id) == scope.agency_id
        if scope.co_assignment_ids:
            return [or_(lead, col(TaskInstance.assignment_id).in_(scope.co_assignment_ids))]
        return [lead]
    if scope.spec.scope == "directive":
        return [col(TaskInstance.directive_id) == scope.directive_id]
    return [col(Directive.province) == scope.province]


def _policy_fingerprint(province: str) -> str:
    policy = load_policy(province)
    calendar = load_calendar()
    return hashlib.sha256(
        json.dumps(
            [
                ical.LAYOUT_VERSION,
                policy.reminders.model_dump(mode="json"),
                policy.calendars.model_dump(),
                sorted((d.isoformat(), n) for d, n in calendar.extra_holidays.items()),
                sorted(d.isoformat() for d in calendar.extra_workdays),
                sorted(d.isoformat() for d in calendar.removed_holidays),
            ],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()


def fingerprint(spec: FeedSpec, *, session: Session, as_of: date) -> str:
    """A cheap digest of everything the feed is built from: one aggregate query, no rows loaded."""
    scope = _resolve(spec, session=session)
    stmt = (
        select(
            func.count(col(TaskInstance.id)),
            func.sum(col(TaskInstance.id)),
            func.max(col(TaskInstance.updated_at)),
            func.max(col(Directive.imported_at)),
            # Belt and braces for writers that do not move updated_at forward (imports, manual fixes):
            func.sum(case((col(TaskInstance.state) == "cancelled", 1), else_=0)),
            func.count(col(TaskInstance.completed_on)),
            func.count(col(TaskInstance.extended_at)),
        )
        .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
        .where(*_filters(scope))
    )
    parts: list[Any] = [
        spec.cache_key,
        as_of.isoformat(),
        *(str(v) for v in session.execute(stmt).one()),
        scope.co_assignment_ids,
    ]
    parts.append(_policy_fingerprint(scope.province))
    parts.append(sorted(_names(scope.province, session=session).items()))  # a registry import may rename an agency
    parts.append(portal_root())
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _rows_stmt(scope: _Scope) -> Select[*tuple[Any, ...]]:
    stmt: Select[*tuple[Any, ...]] = (
        select(
            col(TaskInstance.id),
            col(TaskInstance.agency_id),
            col(TaskInstance.assignment_id),
            col(TaskInstance.period),
            col(TaskInstance.kind),
            col(TaskInstance.opens_on),
            col(TaskInstance.due_date),
            col(TaskInstance.original_due_date),
            col(TaskInstance.state),
            col(TaskInstance.completed_on),
            col(TaskInstance.completion_evidence),
            col(TaskInstance.cancelled_reason),
            col(TaskInstance.due_on_day_off),
            col(Assignment.clause),
            col(Assignment.summary),
            col(Assignment.text),
            col(Assignment.deadline_text),
            col(Assignment.deadline_reading),
            col(Assignment.deadline_rule),
            col(Assignment.report_to_codes),
            col(Assignment.report_via),
            col(Assignment.co_agencies),
            col(Assignment.deliverable),
            col(Assignment.position),
            col(Directive.code).label("directive_code"),
            col(Directive.number).label("directive_number"),
            col(Agency.code).label("agency_code"),
        )
        .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
        .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
        .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
        .where(*_filters(scope))
        .order_by(
            col(TaskInstance.due_date), col(Directive.code), col(Assignment.position), col(Agency.code), col(TaskInstance.id)
        )
    )
    return stmt


def _names(province: str, *, session: Session) -> dict[str, str]:
    names = {
        code: short or name
        for code, short, name in session.execute(
            select(col(Agency.code), col(Agency.short_name), col(Agency.name)).where(col(Agency.province) == province)
        )
    }
    for code, name in session.execute(
        select(col(AgencyGroup.code), col(AgencyGroup.name)).where(col(AgencyGroup.province) == province)
    ):
        names.setdefault(code, name)
    return names


def portal_root() -> str:
    """Where departments report (``dondoc serve``'s portal): shown in every event's description."""
    return get_settings().portal_url.rstrip("/") + "/portal"


def _registry(*, session: Session) -> CoAgencyRegistry:
    """The dated registry, read once per session (``write_all`` renders every feed in one)."""
    found = session.info.get("dondoc.co_agency_registry")
    if not isinstance(found, CoAgencyRegistry):
        found = session.info["dondoc.co_agency_registry"] = co_agency_registry(session=session)
    return found


def load_items(spec: FeedSpec, *, session: Session, as_of: date) -> tuple[_Scope, list[EventInput], int]:
    """The feed's events as plain data, and how many of its instances have no date (left out)."""
    scope = _resolve(spec, session=session)
    names = _names(scope.province, session=session)
    portal = portal_root()
    items: list[EventInput] = []
    undated = 0
    co_groups: dict[tuple[int, str], list[tuple[Any, Status]]] = {}
    registry = _registry(session=session) if scope.co_assignment_ids else None
    co_on: dict[tuple[int, date], bool] = {}  # (assignment, due) → is the feed's agency a co-agency on that day
    for r in session.execute(_rows_stmt(scope)):
        if r.due_date is None:
            if r.state != "cancelled" and (scope.agency_id is None or r.agency_id == scope.agency_id):
                undated += 1
            continue
        status = status_of(InstanceFacts(r.kind, r.state, r.opens_on, r.due_date, r.completed_on), as_of)
        if scope.agency_id is not None and r.agency_id != scope.agency_id:
            if registry is not None and (r.assignment_id, r.due_date) not in co_on:  # membership in force on the item's date
                co_on[r.assignment_id, r.due_date] = scope.agency_code in registry.expand(r.co_agencies, r.due_date)
            if co_on.get((r.assignment_id, r.due_date), True):
                co_groups.setdefault((r.assignment_id, r.period), []).append((r, status))
            continue
        done = r.completed_on is not None and r.completed_on <= as_of
        items.append(
            EventInput(
                uid=f"instance-{r.id}-lead-{r.agency_code}@dondoc",
                role="lead",
                agency=names.get(r.agency_code, r.agency_code),
                due=r.due_date,
                status=status,
                instance_ids=(r.id,),
                original_due=r.original_due_date,
                **_task_fields(r, names, portal),
                completed_on=r.completed_on if done else None,
                evidence=r.completion_evidence if done else None,
                cancelled_reason=r.cancelled_reason if r.state == "cancelled" else None,
                due_on_day_off=bool(r.due_on_day_off),
            )
        )
    for (assignment_id, period), members in co_groups.items():
        items.append(_co_item(scope, assignment_id, period, members, names, portal))
    items.sort(key=lambda i: (i.due, i.directive, i.clause, i.role, i.uid))
    return scope, items, undated


def _named(names: dict[str, str], codes: Sequence[str]) -> tuple[str, ...]:
    return tuple(names.get(c, c) for c in codes)


def _task_fields(r: Any, names: dict[str, str], portal: str | None) -> dict[str, Any]:
    """What an event shows of the task itself (its wording, deadline, whom the lead ``r`` reports to),
    the same for a lead's event and a co-agency's."""
    return {
        "directive": directive_label(r.directive_number, r.directive_code),
        "clause": r.clause,
        "summary": r.summary,
        "text": r.text,
        "deadline_text": r.deadline_text,
        "deadline_reading": r.deadline_reading,
        "monthly": is_monthly(r.deadline_rule),
        "report_to": _named(names, report_targets(r.agency_code, r.report_to_codes or [])),
        "report_via": names.get(r.report_via, r.report_via) if r.report_via and r.report_via != r.agency_code else None,
        "portal": portal,
        "co_agencies": _named(names, r.co_agencies or []),
        "deliverable": r.deliverable,
    }


def _co_item(
    scope: _Scope, assignment_id: int, period: str, members: list[tuple[Any, Status]], names: dict[str, str], portal: str | None
) -> EventInput:
    """One event per (task, period) for a co-agency, however many agencies lead it (a fanned-out task has dozens)."""
    first = members[0][0]
    leads = tuple(LeadLine(r.id, names.get(r.agency_code, r.agency_code), r.due_date, s) for r, s in members)
    status = ical.group_status(s for _, s in members)
    open_dues = [r.due_date for r, s in members if s not in ical.DONE and s is not Status.CANCELLED]
    live_dues = [r.due_date for r, s in members if s is not Status.CANCELLED]
    due = min(open_dues or live_dues or [r.due_date for r, _ in members])
    lead = leads[0].agency if len(leads) == 1 else f"{len(leads)} cơ quan"
    assert scope.agency_code is not None
    assert scope.agency_name is not None
    return EventInput(
        uid=f"assignment-{assignment_id}-{period}-co-{scope.agency_code}@dondoc",
        role="co",
        agency=scope.agency_name,
        due=due,
        status=status,
        instance_ids=tuple(r.id for r, _ in members),
        lead=lead,
        leads=leads,
        **_task_fields(first, names, portal),
        cancelled_reason="Tất cả nhiệm vụ của cơ quan chủ trì đã hủy" if status is Status.CANCELLED else None,
    )


# ---------------------------------------------------------------- revisions and the cache


def _states(uids: Sequence[str], *, session: Session) -> dict[str, CalendarEventState]:
    found: dict[str, CalendarEventState] = {}
    for start in range(0, len(uids), _CHUNK):
        chunk = uids[start : start + _CHUNK]
        for row in session.execute(select(CalendarEventState).where(col(CalendarEventState.uid).in_(chunk))).scalars():
            found[row.uid] = row
    return found


def _meta(scope: _Scope, *, as_of: date, events: int, undated: int, refresh: timedelta) -> FeedMeta:
    return FeedMeta(
        key=scope.spec.cache_key,
        name=f"Hạn nhiệm vụ — {scope.label}",
        description=ical.feed_description(scope.label, as_of=as_of, events=events, undated=undated),
        refresh=refresh,
    )


def render(spec: FeedSpec, *, session: Session, as_of: date, now: datetime | None = None, force: bool = False) -> RenderedFeed:
    """The feed's text: from the cache when nothing it shows has changed, else rebuilt incrementally."""
    fp = fingerprint(spec, as_of=as_of, session=session)
    cached = session.get(CalendarFeedCache, spec.cache_key)
    if cached is not None and cached.fingerprint == fp and not force:
        return RenderedFeed(spec, cached.body, cached.etag, fp, cached.events, 0, True)
    now = now or utc_now()
    scope, items, undated = load_items(spec, as_of=as_of, session=session)
    policy = load_policy(scope.province)
    cal_policy = policy.calendars
    reminders = policy.reminders
    calendar = load_calendar()
    previous = _states([i.uid for i in items], session=session)
    parts: list[str] = []
    changed: list[dict[str, Any]] = []
    newest: datetime | None = None
    key = ical.policy_key(cal_policy)
    ladders: dict[tuple[date, str, bool], list[tuple[int, date]]] = {}  # many events share a due day
    for item in items:
        alarms = ladders.get((item.due, item.role, item.monthly))
        if alarms is None:
            alarms = ical.alarm_days(item.due, role=item.role, monthly=item.monthly, policy=reminders, calendar=calendar)
            ladders[(item.due, item.role, item.monthly)] = alarms
        major, content = ical.hashes(item, alarms, key, reminders.send_time)
        state = previous.get(item.uid)
        before = (
            Revision(state.sequence, state.last_modified, state.major_hash, state.content_hash) if state is not None else None
        )
        revision = ical.revise(before, major, content, now)
        if state is not None and revision == before:
            ics = state.ics
        else:
            ics = ical.serialize(
                ical.event(item, revision=revision, alarms=alarms, policy=cal_policy, send_time=reminders.send_time)
            )
            changed.append(
                {
                    "uid": item.uid,
                    "sequence": revision.sequence,
                    "major_hash": major,
                    "content_hash": content,
                    "last_modified": revision.last_modified,
                    "ics": ics,
                }
            )
        parts.append(ics)
        newest = revision.last_modified if newest is None or revision.last_modified > newest else newest
    if changed:
        stmt = upsert_insert(session)(CalendarEventState)
        stmt = stmt.on_conflict_do_update(
            index_elements=["uid"],
            set_={k: getattr(stmt.excluded, k) for k in ("sequence", "major_hash", "content_hash", "last_modified", "ics")},
        )
        # one statement, executemany: compiled once (a 500-row VALUES list took longer to compile than to run)
        session.connection().execute(stmt, changed)
    meta = _meta(scope, as_of=as_of, events=len(items), undated=undated, refresh=timedelta(hours=cal_policy.refresh_hours))
    body = ical.assemble(meta, parts, last_modified=newest or datetime.combine(as_of, datetime.min.time(), UTC))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    row = {"feed": spec.cache_key, "fingerprint": fp, "etag": etag, "events": len(items), "body": body, "built_at": now}
    stmt = upsert_insert(session)(CalendarFeedCache).values(row)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["feed"],
            set_={k: getattr(stmt.excluded, k) for k in ("fingerprint", "etag", "events", "body", "built_at")},
        )
    )
    return RenderedFeed(spec, body, etag, fp, len(items), len(changed), False)


def all_specs(*, session: Session, province: str | None = None) -> list[FeedSpec]:
    """One feed per agency that has instances (as lead or co-agency) and one per directive."""
    agencies = select(col(Agency.code)).order_by(col(Agency.code))
    directives = select(col(Directive.code)).order_by(col(Directive.code))
    if province:
        agencies = agencies.where(col(Agency.province) == province)
        directives = directives.where(col(Directive.province) == province)
    specs = [FeedSpec("agency", c) for (c,) in session.execute(agencies)]
    specs += [FeedSpec("directive", c) for (c,) in session.execute(directives)]
    return specs


# ---------------------------------------------------------------- subscription tokens


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Bumped by every revocation in this process, so a server in the same process (the portal's
#: calendar button revokes the previous token) stops honouring a revoked token at once.
_generation = [0]


def token_generation() -> int:
    return _generation[0]


def _bump_after_commit(*, session: Session) -> None:
    def bump(_session: Session) -> None:
        _generation[0] += 1

    event.listen(session, "after_commit", bump, once=True)


def check_scope(spec: FeedSpec, *, session: Session) -> FeedSpec:
    """Validate that the feed exists (canonical code) before a token is issued for it."""
    if spec.scope not in SCOPES:
        raise InputError(f"scope {spec.scope!r}: use one of {', '.join(SCOPES)}")
    scope = _resolve(spec, session=session)
    if spec.scope == "agency":
        assert scope.agency_code is not None
        return FeedSpec("agency", scope.agency_code)
    return spec


def issue_token(spec: FeedSpec, *, session: Session, label: str | None, now: datetime) -> tuple[int, str]:
    """A new secret for one feed; only its hash is stored, so the caller shows it once."""
    spec = check_scope(spec, session=session)
    token = secrets.token_urlsafe(24)
    row = CalendarToken(token_hash=token_hash(token), scope=spec.scope, key=spec.key, label=label, created_at=now)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id, token


def revoke_token(token_id: int, *, session: Session, now: datetime) -> CalendarToken:
    row = session.get(CalendarToken, token_id)
    if row is None:
        raise NotFoundError(f"calendar token #{token_id}: unknown; list them with `dondoc calendar-token list`")
    if row.revoked_at is None:
        row.revoked_at = now
        _bump_after_commit(session=session)
    return row


def token_opens(spec: FeedSpec, token: str | None, *, session: Session) -> bool:
    """True only for a live token issued for exactly this feed (never another agency's)."""
    if not token:
        return False
    row = session.execute(select(CalendarToken).where(col(CalendarToken.token_hash) == token_hash(token))).scalars().first()
    return row is not None and row.revoked_at is None and row.scope == spec.scope and row.key == spec.key
