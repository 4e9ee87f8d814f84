"""The Office's queue in Prefect: the review-submission flow publishes the queue and decides through the
portal's use case (real Prefect API: tests/conftest.py's session harness)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from dondoc.db import session_scope
from dondoc.models import TaskInstance
from dondoc.portal import service as portal
from tests.test_portal_service import AS_OF, PDF, TU_PHAP, instance

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _prefect(prefect_api: None) -> None:
    """Runs against the session's Prefect server."""


def submit(clause: str) -> int:
    issued = portal.issue_link(TU_PHAP, office=False, recipient=None, label=None, actor="test", base="http://x")
    link = portal.open_link(issued.url.rsplit("/", 1)[1])
    assert link is not None
    form = {"report_number": "9/BC-STU_PHAP", "report_date": "05/12/2023"}
    return portal.submit_completion(link, instance(clause, TU_PHAP), form, portal.Upload(io.BytesIO(PDF), "bc.pdf"), today=AS_OF)


def test_queue_artifact_then_approve_and_a_refused_rejection(seeded_sqlite: str) -> None:
    from prefect import get_client

    from flows.review_submission import review_submission
    from tasks.portal import QUEUE_KEY

    first, second = submit("1.k"), submit("2.a")
    state = review_submission(as_of=AS_OF, return_state=True)
    assert state.is_completed()
    assert state.result()["pending"] == 2
    with get_client(sync_client=True) as client:
        artifact = client.read_latest_artifacts()
        queue = [a for a in artifact if a.key == QUEUE_KEY]
    assert queue
    assert "9/BC-STU_PHAP" in str(queue[0].data)

    approved = review_submission(submission_id=first, decision="duyệt", as_of=AS_OF)
    assert approved["decided"]["approved"] is True
    assert approved["decided"]["event_id"]  # dondoc.task.completed: the trigger refreshes tracking
    assert approved["pending"] == 1
    with session_scope() as session:
        row = session.get(TaskInstance, instance("1.k", TU_PHAP))
        assert row is not None
        assert (row.state, row.completed_on) == ("done", date(2023, 12, 5))

    refused = review_submission(submission_id=second, decision="từ chối", reason="", as_of=AS_OF, return_state=True)
    assert refused.is_failed()
    assert "Nêu lý do từ chối" in str(refused.message) or "lý do" in str(refused.message)
    missing = review_submission(submission_id=second, as_of=AS_OF, return_state=True)
    assert missing.is_failed()


def test_an_approved_extension_emits_the_tracking_event(seeded_sqlite: str) -> None:
    """As an approved completion emits dondoc.task.completed, an approved extension emits dondoc.task.extended,
    which track-directive's trigger also expects: the Prefect server receives it with the parameters it renders."""
    from prefect import get_client
    from prefect.events.filters import EventFilter, EventNameFilter

    from dondoc.tracking.view import EXTENDED_EVENT, directive_resource_id
    from flows.review_submission import review_submission
    from tests.helpers import poll

    issued = portal.issue_link(TU_PHAP, office=False, recipient=None, label=None, actor="test", base="http://x")
    link = portal.open_link(issued.url.rsplit("/", 1)[1])
    assert link is not None
    iid = instance("2.a", TU_PHAP)  # due 09/12/2023
    sid = portal.submit_extension(link, iid, {"new_due": "31/12/2023", "reason": "Chờ hướng dẫn của Bộ"}, today=AS_OF)
    approved = review_submission(submission_id=sid, decision="duyệt", as_of=AS_OF)
    event_id = approved["decided"]["event_id"]
    assert event_id
    with session_scope() as session:
        row = session.get(TaskInstance, iid)
        assert row is not None
        assert (row.state, row.due_date) == ("open", date(2023, 12, 31))

    def received() -> list[object]:
        with get_client(sync_client=True) as client:
            return [
                e
                for e in client.read_events(EventFilter(event=EventNameFilter(name=[EXTENDED_EVENT])), limit=50).events
                if str(e.id) == event_id
            ]

    (event,) = poll(received, lambda found: len(found) == 1, timeout=30, what="dondoc.task.extended on the Prefect server")
    assert event.resource.id == directive_resource_id("11677/UBND-HCC")  # type: ignore[attr-defined]
    assert event.payload["directive"] == "11677/UBND-HCC"  # type: ignore[attr-defined]
    assert event.payload["as_of"] == AS_OF.isoformat()  # type: ignore[attr-defined]
    assert (event.payload["instance_id"], event.payload["completed_on"]) == (iid, None)  # type: ignore[attr-defined]
