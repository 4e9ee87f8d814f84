"""track-directive: one flow run per directive and day; one task run per assignment, named and
ended in the official status; the directive's artifacts refreshed under stable keys."""

from __future__ import annotations

from typing import Any

from prefect import flow, tags
from prefect.client.schemas.objects import State
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from dondoc.tracking.view import flow_run_name
from flows.form_fields import AS_OF, OptionalFormDate, as_of_or_today, form_field
from tasks.database import migrate_database
from tasks.tracking import (
    assess_assignments,
    load_snapshot,
    log_snapshot,
    publish_artifacts,
    tag_current_flow_run,
    tracking_run_state,
)

DIRECTIVE: Any = form_field("Văn bản", "Số hiệu văn bản (hoặc mã do hệ thống cấp), ví dụ 11677/UBND-HCC", default=...)


def _run_name() -> str:
    parameters = flow_run.parameters
    return flow_run_name(str(parameters["directive"]), as_of_or_today(parameters.get("as_of")))


@flow(name="track-directive", flow_run_name=_run_name, persist_result=False, log_prints=True)
def track_directive(
    directive: str = DIRECTIVE,
    as_of: OptionalFormDate = AS_OF,
) -> State[dict[str, Any]]:
    """Theo dõi một văn bản chỉ đạo: mỗi nhiệm vụ một task, trạng thái theo 4 nhóm của Văn phòng Chính phủ.

    Ends red ("3 quá hạn · 12,0 %", a Failed-type state) when any task is overdue, green otherwise:
    read the result with tasks.tracking.tracking_result.
    """
    migrate_database()
    day = as_of_or_today(as_of)
    snapshot = load_snapshot(directive, day)
    tag_current_flow_run(snapshot.tags)
    with tags(*snapshot.tags):
        # quote(): Prefect need not walk thousands of table cells looking for futures
        keys = publish_artifacts(quote(snapshot))  # type: ignore[call-overload]
        states = assess_assignments(snapshot)  # after the artifacts: the list shows clause 1 on top
    log_snapshot(snapshot)
    result = {
        "directive": snapshot.directive.code,
        "as_of": day.isoformat(),
        "tasks": len(states),
        "overdue_tasks": [view.clause for view in snapshot.overdue],
        "progress": snapshot.progress,
        "counts": snapshot.counts,
        "artifacts": keys,
    }
    return tracking_run_state(snapshot, result)
