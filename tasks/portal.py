"""Tasks of the Office's approval queue in Prefect: decide one submission, publish the queue.
Each calls the portal's use cases (:mod:`dondoc.portal.service`), the same as its web page."""

from __future__ import annotations

from datetime import date

from prefect import get_run_logger
from prefect.artifacts import create_table_artifact

from dondoc.portal.service import Decision
from tasks.directives import _logged
from tasks.policy import side_effect_task

QUEUE_KEY = "dondoc-portal-queue"
ACTOR = "prefect:review-submission"
DECISIONS = {"duyệt": True, "từ chối": False}


@side_effect_task("decide-submission", retries=0)
def decide_submission(submission_id: int, decision: str | None, reason: str, today: date) -> Decision:
    """Not retried: deciding twice is refused, and a user error must fail once with its message."""
    from dondoc.errors import InputError
    from dondoc.portal import service

    if decision not in DECISIONS:
        get_run_logger().error("decision: chọn «duyệt» hoặc «từ chối»")
        raise InputError("decision: chọn «duyệt» hoặc «từ chối»")
    approve = DECISIONS[decision]
    result = _logged(lambda: service.decide(submission_id, approve=approve, reason=reason, actor=ACTOR, today=today))
    get_run_logger().info("Đề nghị #%d: %s", submission_id, "đã duyệt" if approve else "đã từ chối")
    for error in result.notify_errors:
        get_run_logger().warning("Thư báo từ chối: %s", error)
    return result


@side_effect_task("announce-decision", retries=0)
def announce_decision(result: Decision, today: date) -> str:
    """The approval's tracking event (dondoc.task.completed / dondoc.task.extended): the trigger refreshes tracking."""
    from dondoc.portal import service

    return service.announce(result, today)


@side_effect_task("publish-queue")
def publish_queue() -> int:
    """The pending submissions as one table artifact, under a stable key (its history is the queue's)."""
    from dondoc.portal import service

    rows = service.pending_queue()
    create_table_artifact(
        table=rows or [{"Số đề nghị": "", "Nội dung": "Không có đề nghị nào đang chờ duyệt"}],
        key=QUEUE_KEY,
        description=(
            f"{len(rows)} đề nghị của các đơn vị đang chờ Văn phòng duyệt. Để duyệt hoặc từ chối: chạy deployment "
            "«review-submission» với «submission_id» và «decision» (lý do bắt buộc khi từ chối), hoặc mở trang của Văn phòng trên cổng dondoc."
        ),
    )
    return len(rows)
