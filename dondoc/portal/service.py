"""Use cases of the portal, shared by the web pages, the CLI and the Prefect flow.

Each opens its own transaction. An approval records the completion or extension through the
directives' own use cases (:func:`dondoc.directives.service.record_completion` /
``record_extension``), so the rules (dates, KPIs, states) stay in one place; the submission is
marked decided only after that succeeded, so a failure leaves it pending and visible.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import filetype  # type: ignore[import-untyped]
from sqlalchemy import event, select
from sqlmodel import col

from dondoc.clock import utc_now
from dondoc.configuration.files import load_calendar, load_policy
from dondoc.configuration.settings import get_settings
from dondoc.db import audit, get_engine, session_scope
from dondoc.db.migrate import require_current
from dondoc.directives import service as directives
from dondoc.directives.queries import resolve_agency
from dondoc.domain.dates import vn_date
from dondoc.errors import DondocError, InputError, NotFoundError
from dondoc.models import Directive, TaskInstance
from dondoc.models.portal import LinkRole, PortalLink, PortalSubmission, SubmissionKind, SubmissionState
from dondoc.portal import freshness, queries, rules, store, view
from dondoc.portal.facts import QueueItem, SubmissionFacts, TaskFacts
from dondoc.portal.tokens import OPEN_PATH

log = logging.getLogger(__name__)


class Forbidden(DondocError):
    """This link may not see or act on that record (answered as 404: nothing tells what exists)."""


def policy(province: str | None = None) -> rules.PortalPolicy:
    return rules.portal_policy(load_policy(province).extra)


def link_url(token: str, *, task: int | None = None, base: str | None = None) -> str:
    root = (base or get_settings().portal_url).rstrip("/")
    return f"{root}{OPEN_PATH}{token}" + (f"?task={task}" if task is not None else "")


# ---------------------------------------------------------------- links (CLI)


@dataclass(frozen=True)
class IssuedLink:
    id: int
    agency: str
    role: str
    expires_at: datetime
    url: str


def issue_link(
    agency: str, *, office: bool, recipient: str | None, label: str | None, actor: str, base: str | None = None
) -> IssuedLink:
    with session_scope() as session:
        found = resolve_agency(agency, session=session)
        role = LinkRole.OFFICE if office else LinkRole.DEPARTMENT
        if office:
            coordinates = session.execute(
                select(col(Directive.code)).where(col(Directive.coordinator_code) == found.code)
            ).first()
            if coordinates is None:
                raise InputError(
                    f"{found.code}: coordinates no imported directive; an Office link is for the coordinating office"
                )
        p = policy(found.province)
        days = p.office_link_days if office else p.link_days
        row, token = store.issue_link(
            agency_code=found.code, role=role, days=days, now=utc_now(), actor=actor, recipient=recipient, label=label, session=session
        )
        assert row.id is not None
        return IssuedLink(row.id, found.code, role, row.expires_at, link_url(token, base=base))


def list_links(agency: str | None) -> list[PortalLink]:
    with session_scope() as session:
        stmt = select(PortalLink).order_by(col(PortalLink.agency_code), col(PortalLink.id))
        if agency:
            stmt = stmt.where(col(PortalLink.agency_code) == resolve_agency(agency, session=session).code)
        return list(session.execute(stmt).scalars())


def revoke_links(agency: str, *, link_id: int | None, actor: str) -> list[int]:
    with session_scope() as session:
        return store.revoke_links(resolve_agency(agency, session=session).code, now=utc_now(), actor=actor, link_id=link_id, session=session)


# ---------------------------------------------------------------- opening a link


def open_link(token: str) -> PortalLink | None:
    with session_scope() as session:
        return store.open_token(token, now=utc_now(), session=session)


def current_link(link_id: int | None) -> PortalLink | None:
    """The session's link, if still live (checked on every request: revocation takes effect at once)."""
    if link_id is None:
        return None
    engine = get_engine()
    with engine.connect() as connection:
        return _live_link_and_stamp(engine, connection, link_id)[0]


_HOT = threading.local()  # per thread: (engine, connection) kept for the page's one statement
_LINKS: dict[int, tuple[tuple[Any, ...], PortalLink]] = {}  # link id → (its row, the object made from it)
_HELD: dict[Any, list[Any]] = {}  # engine → the connections threads keep (closed when it is disposed)
_HELD_LOCK = threading.Lock()


def _close_held(engine: Any) -> None:
    """A disposed engine (tests, a settings change) closes the connections kept for it: PostgreSQL can then drop the database."""
    with _HELD_LOCK:
        kept = _HELD.pop(engine, [])
    for connection in kept:
        try:
            connection.close()
        except Exception as exc:  # a connection a thread is using right now: it is dropped at its next use
            log.debug("kept connection not closed: %s", exc)


def current_link_and_stamp(link_id: int | None) -> tuple[PortalLink | None, int]:
    """The live link and the database's change stamp, in one statement on a connection this thread keeps.

    Every department page request starts here (on the event loop's thread), so it skips the ORM
    session and the pool checkout: the connection stays open between requests, its transaction
    ended after each read (so PostgreSQL reads a fresh snapshot each time); a failed read drops it.
    The schema check is the same as a session's (once per engine).
    """
    if link_id is None:
        return None, 0
    engine = get_engine()
    held = getattr(_HOT, "held", None)
    if held is None or held[0] is not engine or held[1].closed or held[1].invalidated:
        held = (engine, engine.connect())
        _HOT.held = held
        with _HELD_LOCK:
            if engine not in _HELD:
                event.listen(engine, "engine_disposed", _close_held)
            _HELD.setdefault(engine, []).append(held[1])
    connection = held[1]
    try:
        return _live_link_and_stamp(engine, connection, link_id)
    except BaseException:
        _HOT.held = None
        connection.close()
        raise
    finally:
        if not connection.closed:
            connection.rollback()


def _live_link_and_stamp(engine: Any, connection: Any, link_id: int) -> tuple[PortalLink | None, int]:
    require_current(engine, connection)
    found = connection.execute(queries.link_and_stamp_statement(), {"link_id": link_id}).first()
    if found is None:
        return None, 0
    *values, stamp = tuple(found)
    known = _LINKS.get(link_id)
    if known is not None and known[0] == tuple(values):
        row = known[1]  # the same row as last time: no new object (SQLModel's constructor is most of the cost)
    else:
        row = PortalLink(**{k: v for k, v in found._mapping.items() if k != "stamp"})
        if len(_LINKS) > 10_000:
            _LINKS.clear()
        _LINKS[link_id] = (tuple(values), row)
    return (row, int(stamp or 0)) if store.live(row, utc_now()) else (None, 0)


# ---------------------------------------------------------------- pages


@dataclass
class DepartmentPage:
    agency_code: str
    agency_name: str
    lead: list[view.Card]
    co: list[view.Card]
    done: list[view.Card]
    extended: list[view.Card]
    decided: list[SubmissionFacts]
    truncated: bool
    as_of: date
    reads: frozenset[str]  # codes whose changes make this page stale (dondoc.portal.freshness)


def department_page(link: PortalLink, *, as_of: date) -> DepartmentPage:
    with session_scope() as session:
        agency = resolve_agency(link.agency_code, session=session)
        page = queries.agency_page(agency, as_of=as_of, session=session)
    pol, cal = load_policy(page.province), load_calendar()

    def make(task: TaskFacts) -> view.Card:
        return view.card(
            task, as_of=as_of, calendar=cal, policy=pol, submissions=page.submissions.get(task.instance_id, ()),
            waits=page.waits.get(task.instance_id),
        )  # fmt: skip

    return DepartmentPage(
        page.agency_code,
        page.agency_name,
        view.most_urgent_first([make(t) for t in page.lead_open]),
        view.most_urgent_first([make(t) for t in page.co_open]),
        [make(t) for t in page.done],
        [make(t) for t in page.extended],
        page.decided,
        page.truncated,
        as_of,
        page.reads,
    )


@dataclass
class TaskPage:
    card: view.Card
    submissions: list[SubmissionFacts]
    policy: rules.PortalPolicy


def _task(session: Any, link: PortalLink, instance_id: int) -> TaskFacts:
    task = queries.task_for(instance_id, agency_code=link.agency_code, office=link.role == LinkRole.OFFICE, session=session)
    if task is None:
        raise Forbidden(f"instance {instance_id}: not a task of {link.agency_code}")
    return task


def task_page(link: PortalLink, instance_id: int, *, as_of: date) -> TaskPage:
    with session_scope() as session:
        task = _task(session, link, instance_id)
        subs = queries.submissions_of(instance_id, session=session)
        waits = queries.consolidation_waits([task], session=session).get(instance_id)
    shown = (
        subs if link.role == LinkRole.OFFICE or task.role == "lead" else [s for s in subs if s.agency_code == link.agency_code]
    )
    c = view.card(task, as_of=as_of, calendar=load_calendar(), policy=load_policy(task.province), submissions=shown, waits=waits)
    return TaskPage(c, shown, policy(task.province))


@dataclass
class OfficePage:
    office_code: str
    office_name: str
    pending: list[QueueItem]
    decided: list[QueueItem]

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({self.office_code})


def office_page(link: PortalLink) -> OfficePage:
    with session_scope() as session:
        return OfficePage(
            link.agency_code,
            queries.agency_name(link.agency_code, session=session),
            queries.office_queue(link.agency_code, session=session),
            queries.office_queue(link.agency_code, decided=True, limit=30, session=session),
        )


# ---------------------------------------------------------------- freshness of cached pages

_AUDIENCES: OrderedDict[tuple[str, int], frozenset[str] | None] = OrderedDict()  # (database, audit row id) → audience
_AUDIENCES_LOCK = threading.Lock()
_AUDIENCES_SIZE = 20_000


def stale(since: int, upto: int, reads: frozenset[str]) -> bool:
    """Whether a page rendered at change stamp ``since``, reading ``reads``, is changed by the audit rows
    up to ``upto``. Each row's audience is looked up once per process, whichever page asks first."""
    database = str(get_engine().url)  # audit rows never change; ids are per database
    with session_scope() as session:
        found = queries.changes(since=since, upto=upto, session=session)
        if found is None:  # a burst of writes: not worth sorting out
            return True
        with _AUDIENCES_LOCK:
            known = {c.id: _AUDIENCES[(database, c.id)] for c in found if (database, c.id) in _AUDIENCES}
        todo = [c for c in found if c.id not in known]
        by_instance = queries.instance_audiences(
            {c.instance_id for c in todo if freshness.needs_instance(c) and c.instance_id}, session=session
        )
    for change in todo:
        known[change.id] = freshness.audience(change, by_instance.get(change.instance_id or 0))
    with _AUDIENCES_LOCK:
        for change in todo:
            _AUDIENCES[(database, change.id)] = known[change.id]
        while len(_AUDIENCES) > _AUDIENCES_SIZE:
            _AUDIENCES.popitem(last=False)
    return freshness.stale(known.values(), reads)


# ---------------------------------------------------------------- submissions


@dataclass(frozen=True)
class Upload:
    stream: IO[bytes]
    filename: str


class NotSaved(DondocError):
    """The database did not take a submission: nothing was kept (no row, no file), and the person is told to send again."""


NOT_SAVED = (
    "Hệ thống chưa lưu được đề nghị này (lỗi cơ sở dữ liệu) nên chưa có gì được ghi nhận, kể cả tệp đính kèm. "
    "Các nội dung đã nhập vẫn ở dưới đây: chọn lại tệp rồi bấm gửi lại; nếu vẫn lỗi, báo Văn phòng UBND tỉnh."
)


def _upload(upload: Upload | None, p: rules.PortalPolicy) -> tuple[store.StoredFile, rules.UploadCheck, str] | None:
    """The upload in a temporary file of the store, checked by content (removed again if refused)."""
    if upload is None or not upload.filename:
        return None
    try:
        saved = store.save_upload(upload.stream, p.max_upload_bytes)
    except InputError as exc:
        raise rules.FormError({"file": f"Tệp vượt giới hạn {p.max_upload_mb:g} MB."}) from exc
    try:
        kind = filetype.guess(str(saved.pending))
        check = rules.check_upload(kind.mime if kind else None, kind.extension if kind else None, saved.size, p)
    except BaseException:
        store.discard(saved)
        raise
    return store.named(saved, check.extension), check, rules.safe_file_name(upload.filename)


def _add(link: PortalLink, instance_id: int, kind: str, make: Any, upload: Upload | None, *, as_of: date) -> int:
    """Validate, keep the file in a temporary name, commit the submission, then give the file its name.

    A refused form (or a foreign task) removes the temporary file; so does a database failure, which
    is reported as :class:`NotSaved` (the page keeps what the person typed and asks them to send
    again). The file gets its final name only once the row naming it is committed: no orphan file,
    and no submission without its file.
    """
    stored: tuple[store.StoredFile, rules.UploadCheck, str] | None = None
    try:
        with session_scope() as session:
            stored, submission_id = _add_in(session, link, instance_id, kind, make, upload)
    except (rules.FormError, Forbidden):
        store.discard(stored[0] if stored else None)
        raise
    except Exception as exc:
        store.discard(stored[0] if stored else None)
        log.error("submission on instance %d by %s not saved: %s", instance_id, link.agency_code, exc)
        raise NotSaved(NOT_SAVED) from exc
    if stored is not None:
        store.place(stored[0])
    return submission_id


def _add_in(
    session: Any, link: PortalLink, instance_id: int, kind: str, make: Any, upload: Upload | None
) -> tuple[tuple[store.StoredFile, rules.UploadCheck, str] | None, int]:
    task = _task(session, link, instance_id)
    if link.role == LinkRole.OFFICE:
        raise Forbidden("the Office approves; it does not submit for a department")
    if kind != SubmissionKind.INPUT and task.role != "lead":
        raise Forbidden(
            f"instance {instance_id}: {link.agency_code} contributes; only the lead reports completion or asks for more time"
        )
    if kind == SubmissionKind.INPUT and task.role != "co":
        raise Forbidden(f"instance {instance_id}: input is what co-agencies send to the lead")
    if task.state != "open":
        raise rules.FormError({"form": "Nhiệm vụ này đã hoàn thành hoặc đã hủy; không cần gửi thêm."})
    pending = [s for s in queries.submissions_of(instance_id, session=session) if s.state == SubmissionState.PENDING and s.kind == kind]
    if pending:
        raise rules.FormError(
            {"form": f"Đã có đề nghị #{pending[0].id} đang chờ Văn phòng duyệt; chờ kết quả trước khi gửi lại."}
        )
    fields: dict[str, Any] = make(task)
    stored = _upload(upload, policy(task.province))
    if kind == SubmissionKind.COMPLETION and stored is None:
        raise rules.FormError({"file": "Đính kèm tệp báo cáo (PDF, DOCX hoặc ảnh)."})
    submission = PortalSubmission(
        instance_id=instance_id,
        agency_code=link.agency_code,
        kind=kind,
        state=SubmissionState.RECEIVED if kind == SubmissionKind.INPUT else SubmissionState.PENDING,
        link_id=link.id or 0,
        submitted_at=utc_now(),
        **fields,
    )
    if stored is not None:
        saved, check, name = stored
        submission.file_path, submission.file_name, submission.file_type, submission.file_size = (
            saved.relative,
            name,
            check.mime,
            saved.size,
        )
        submission.detail = {"sha256": saved.sha256}
    try:
        store.add_submission(submission, actor=_actor(link), directive_id=task.directive_id, session=session)
    except BaseException:
        store.discard(stored[0] if stored else None)
        raise
    assert submission.id is not None
    return stored, submission.id


def _actor(link: PortalLink) -> str:
    who = f" ({link.recipient})" if link.recipient else ""
    return f"portal:{link.agency_code}{who} #link{link.id}"[:120]


def submit_completion(link: PortalLink, instance_id: int, form: Mapping[str, str], upload: Upload | None, *, today: date) -> int:
    def make(task: TaskFacts) -> dict[str, Any]:
        parsed = rules.parse_completion(form, rules.kpi_fields(task.kpis), today=today)
        return {
            "report_number": parsed.report_number,
            "report_date": parsed.report_date,
            "note": parsed.note or None,
            "kpis": parsed.kpis,
        }

    return _add(link, instance_id, SubmissionKind.COMPLETION, make, upload, as_of=today)


def submit_extension(link: PortalLink, instance_id: int, form: Mapping[str, str], *, today: date) -> int:
    def make(task: TaskFacts) -> dict[str, Any]:
        parsed = rules.parse_extension(form, current_due=task.due)
        return {"new_due_date": parsed.new_due, "note": parsed.reason}

    return _add(link, instance_id, SubmissionKind.EXTENSION, make, None, as_of=today)


def submit_input(link: PortalLink, instance_id: int, form: Mapping[str, str], upload: Upload | None, *, today: date) -> int:
    def make(_task: TaskFacts) -> dict[str, Any]:
        return {"note": rules.parse_input(form, has_file=bool(upload and upload.filename)).note or None}

    return _add(link, instance_id, SubmissionKind.INPUT, make, upload, as_of=today)


# ---------------------------------------------------------------- the Office decides


@dataclass
class Decision:
    submission_id: int
    approved: bool
    recorded: directives.Recorded | None
    notified: list[str] = field(default_factory=list)
    notify_errors: list[str] = field(default_factory=list)
    kind: str = SubmissionKind.COMPLETION

    def as_json(self) -> dict[str, Any]:
        recorded = self.recorded
        return {
            "submission_id": self.submission_id,
            "approved": self.approved,
            "instance_id": recorded.instance_id if recorded else None,
            "directive": recorded.directive if recorded else None,
            "clause": recorded.clause if recorded else None,
            "agency": recorded.agency if recorded else None,
            "completed_on": recorded.completed_on if recorded else None,
            "due": recorded.due if recorded else None,
            "notified": self.notified,
            "notify_errors": self.notify_errors,
        }


def decide(submission_id: int, *, approve: bool, reason: str, actor: str, today: date, office: str | None = None) -> Decision:
    """Approve (record through the directives' use cases) or reject (email the department the reason).

    ``office``: the deciding office's code (portal); None for the Prefect form (Office staff).
    """
    reason = rules.parse_decision_reason(reason, approve=approve)
    with session_scope() as session:
        sub = session.get(PortalSubmission, submission_id)
        if sub is None:
            raise NotFoundError(f"submission #{submission_id}: unknown")
        task = queries.task_for(sub.instance_id, agency_code=office or "", office=True, session=session) if office else None
        if office and task is None:
            raise Forbidden(f"submission #{submission_id}: not on a directive coordinated by {office}")
        if sub.state != SubmissionState.PENDING:
            raise InputError(f"submission #{submission_id}: already {view.STATE_VI.get(sub.state, sub.state).lower()}")
        facts = queries.task_for(sub.instance_id, agency_code=sub.agency_code, office=False, session=session)
        kind, instance_id, snapshot = sub.kind, sub.instance_id, queries._submission(sub)
    recorded: directives.Recorded | None = None
    if approve:
        by = f"{actor} (duyệt đề nghị #{submission_id} của {snapshot.agency_code})"[:120]
        if kind == SubmissionKind.COMPLETION:
            assert snapshot.report_date is not None
            evidence = f"{snapshot.report_number} ngày {vn_date(snapshot.report_date)}"
            if snapshot.file_name:
                evidence += f" (tệp {snapshot.file_name}, cổng dondoc, đề nghị #{submission_id})"
            recorded = directives.record_completion(
                instance_id, on=snapshot.report_date, evidence=evidence, actor=by, today=today, kpis=snapshot.kpis or None
            )
        elif kind == SubmissionKind.EXTENSION:
            assert snapshot.new_due is not None
            recorded = directives.record_extension(
                instance_id,
                to=snapshot.new_due,
                reason=f"{snapshot.note} (duyệt qua cổng dondoc, đề nghị #{submission_id})",
                actor=by,
            )
        else:
            raise InputError(f"submission #{submission_id}: an input goes to the lead agency; there is nothing to approve")
    with session_scope() as session:
        directive_id_value = session.execute(
            select(col(Directive.id))
            .join(TaskInstance, col(TaskInstance.directive_id) == col(Directive.id))
            .where(col(TaskInstance.id) == instance_id)
        ).scalar_one()
        state = SubmissionState.APPROVED if approve else SubmissionState.REJECTED
        changed = store.decide(
            submission_id, state=state, actor=actor[:120], reason=reason, now=utc_now(), directive_id=directive_id_value,
            detail={"kind": kind, "instance_id": instance_id}, session=session,
        )  # fmt: skip
        if not changed:
            raise InputError(f"submission #{submission_id}: decided by someone else meanwhile")
    decision = Decision(submission_id, approve, recorded, kind=kind)
    if not approve and facts is not None:
        _email_rejection(decision, snapshot, facts, reason)
    return decision


def _email_rejection(decision: Decision, sub: SubmissionFacts, task: TaskFacts, reason: str) -> None:
    """Tell the department why (its focal contacts), Reply-To the office; a failed send is logged, not hidden."""
    from dondoc.portal.mail import rejection_message, send_to_agency

    with session_scope() as session:
        office_name = queries.agency_name(task.coordinator, session=session)
        agency_name = queries.agency_name(sub.agency_code, session=session)
    title, body = rejection_message(sub, task, reason, office_name=office_name, agency_name=agency_name)
    sent, errors = send_to_agency(sub.agency_code, task.coordinator, title=title, body=body)
    decision.notified, decision.notify_errors = sent, errors
    for error in errors:
        log.warning("rejection email for submission #%d: %s", decision.submission_id, error)


SUBMITTED_EVENT = "dondoc.portal.submitted"


def _emit(event: str, resource: dict[str, str], payload: dict[str, Any]) -> str:
    """Emit a Prefect event when a Prefect API is configured (its id; "" when not emitted): a portal on
    its own has nobody to tell.

    Prefect is imported only here (it is slow to import), and a failure is logged, never raised:
    what the event announces is already recorded.
    """
    try:
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            return ""
        from prefect.events import emit_event

        emitted = emit_event(event=event, resource=resource, payload=payload)
        return str(emitted.id) if emitted is not None else ""
    except Exception as exc:
        log.warning("event %s not emitted: %s", event, exc)
        return ""


def announce(decision: Decision, as_of: date) -> str:
    """The tracking event of an approval: ``dondoc.task.completed`` for a completion, ``dondoc.task.extended``
    for an extension; prefect.yaml's trigger refreshes the directive's tracking run on either, as for
    `dondoc complete`. Reminders stop (or move to the new date) at the next sweep either way. Returns
    the event's id ("" when nothing was emitted)."""
    from dondoc.tracking.view import COMPLETED_EVENT, EXTENDED_EVENT, task_event

    recorded = decision.recorded
    if not decision.approved or recorded is None:
        return ""
    if decision.kind == SubmissionKind.COMPLETION and recorded.completed_on is not None:
        event = COMPLETED_EVENT
    elif decision.kind == SubmissionKind.EXTENSION:
        event = EXTENDED_EVENT
    else:
        return ""
    resource, payload = task_event(recorded, as_of)
    return _emit(event, resource, payload)


def announce_submission(submission_id: int) -> str:
    """``dondoc.portal.submitted``: the review-submission deployment refreshes the queue's table."""
    resource = {"prefect.resource.id": f"dondoc.portal.submission.{submission_id}", "prefect.resource.name": f"#{submission_id}"}
    return _emit(SUBMITTED_EVENT, resource, {"submission_id": submission_id})


def pending_queue() -> list[dict[str, str]]:
    """Every pending submission as table rows (the Prefect artifact of the queue)."""
    with session_scope() as session:
        return view.queue_rows(queries.all_pending(session=session))


# ---------------------------------------------------------------- files and calendar


def file_of(link: PortalLink, submission_id: int) -> tuple[Path, str, str]:
    with session_scope() as session:
        sub = session.get(PortalSubmission, submission_id)
        if sub is None or not sub.file_path:
            raise Forbidden(f"submission #{submission_id}: no file")
        task = _task(session, link, sub.instance_id)
        if link.role != LinkRole.OFFICE and task.role != "lead" and sub.agency_code != link.agency_code:
            raise Forbidden(f"submission #{submission_id}: not this agency's")
        return store.stored_path(sub.file_path), sub.file_name or "tep", sub.file_type or "application/octet-stream"


def calendar_subscription(link: PortalLink, *, base: str | None = None) -> str:
    """A fresh calendar token for the agency's feed (the previous one from this link is revoked), as a webcal URL."""
    from dondoc.calendars.store import FeedSpec, issue_token, revoke_token
    from dondoc.calendars.tokens import list_tokens

    label = f"cổng dondoc, đường dẫn #{link.id}"
    now = utc_now()
    with session_scope() as session:
        for row in list_tokens(key=link.agency_code, session=session):
            if row.label == label and row.revoked_at is None:
                revoke_token(row.id, now=now, session=session)
        _id, token = issue_token(FeedSpec("agency", link.agency_code), label=label, now=now, session=session)
        audit.record(session, "portal.calendar.subscribed", actor=_actor(link), detail={"calendar_token_id": _id})
    root = (base or get_settings().portal_url).rstrip("/")
    scheme, _, rest = root.partition("://")
    path = FeedSpec("agency", link.agency_code).url_path(token)
    return f"webcal://{rest}{path}" if scheme else f"{root}{path}"
