"""review-submission: the Office's approval queue in the Prefect UI.

Without a submission it only publishes the queue (a table artifact, refreshed on a schedule and
whenever the portal receives a submission). With one, it approves or rejects it through the same
use case as the portal's Office page: an approval records the completion or extension and
announces it (the trigger refreshes the directive's tracking); a rejection emails the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from prefect import flow
from prefect.runtime import flow_run
from pydantic import Field

from flows.form_fields import as_of_or_today
from tasks.database import migrate_database
from tasks.portal import announce_decision, decide_submission, publish_queue

SUBMISSION_ID: Any = Field(
    default=None, description="Số đề nghị cần duyệt (cột «Số đề nghị» trong bảng «dondoc-portal-queue»); để trống: chỉ cập nhật bảng"
)
DECISION: Any = Field(default=None, description="«duyệt» để ghi nhận kết quả; «từ chối» để trả lại đơn vị (kèm lý do)")
REASON: Any = Field(default="", description="Lý do; bắt buộc khi từ chối, được gửi qua thư cho đơn vị")
AS_OF: Any = Field(default=None, description="Coi ngày này là hôm nay (chỉ dùng khi nhập lại dữ liệu cũ); mặc định hôm nay")


def _run_name() -> str:
    p = flow_run.parameters
    if p.get("submission_id") is None:
        return "Bảng đề nghị chờ duyệt"
    return f"Đề nghị #{p['submission_id']}: {p.get('decision') or '?'}"


@flow(name="review-submission", flow_run_name=_run_name, persist_result=False)
def review_submission(
    submission_id: int | None = SUBMISSION_ID,
    decision: Literal["duyệt", "từ chối"] | None = DECISION,
    reason: str = REASON,
    as_of: date | None = AS_OF,
) -> dict[str, Any]:
    """Duyệt hoặc từ chối một đề nghị của đơn vị gửi qua cổng dondoc; cập nhật bảng đề nghị chờ duyệt."""
    migrate_database()
    today = as_of_or_today(as_of)
    decided: dict[str, Any] | None = None
    if submission_id is not None:
        result = decide_submission(submission_id, decision, reason, today)
        decided = {**result.as_json(), "event_id": announce_decision(result, today)}
    return {"decided": decided, "pending": publish_queue()}
