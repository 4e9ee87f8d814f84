"""track-directive: one flow run per directive and day; one task run per assignment, named and
ended in the official status; the directive's artifacts refreshed under stable keys."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, tags
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote
from pydantic import Field

from dondoc.tracking.view import flow_run_name
from flows.form_fields import AS_OF, as_of_or_today
from tasks.database import migrate_database
from tasks.tracking import assess_assignment, load_snapshot, publish_artifacts, tag_current_flow_run


def _run_name() -> str:
    parameters = flow_run.parameters
    return flow_run_name(str(parameters["directive"]), as_of_or_today(parameters.get("as_of")))


@flow(name="track-directive", flow_run_name=_run_name, persist_result=False, log_prints=True)
def track_directive(
    directive: str = Field(..., description="Số hiệu văn bản (hoặc mã do hệ thống cấp), ví dụ 11677/UBND-HCC"),
    as_of: date | None = AS_OF,
) -> dict[str, Any]:
    """Theo dõi một văn bản chỉ đạo: mỗi nhiệm vụ một task, trạng thái theo 4 nhóm của Văn phòng Chính phủ."""
    migrate_database()
    day = as_of_or_today(as_of)
    snapshot = load_snapshot(directive, day)
    tag_current_flow_run(snapshot.tags)
    futures: dict[str, PrefectFuture[Any]] = {}
    with tags(*snapshot.tags):
        for view in snapshot.assignments:  # dependency order: a consolidation after its inputs
            upstream = [futures[c] for c in view.depends_on if c in futures]
            named = assess_assignment.with_options(task_run_name=view.task_run_name)
            futures[view.clause] = named.submit(view, wait_for=upstream, return_state=False)
        for future in futures.values():
            future.wait()
        # quote(): Prefect need not walk thousands of table cells looking for futures
        keys = publish_artifacts(quote(snapshot))  # type: ignore[call-overload]
    return {
        "directive": snapshot.directive.code,
        "as_of": day.isoformat(),
        "tasks": len(snapshot.assignments),
        "progress": snapshot.progress,
        "counts": snapshot.counts,
        "artifacts": keys,
    }
