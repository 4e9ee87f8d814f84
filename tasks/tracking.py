"""Tracking tasks: read a directive's snapshot, end one task run per assignment in its official
status, publish the artifacts. The decisions are made in :mod:`dondoc.tracking.view`."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State
from prefect.context import FlowRunContext
from prefect.states import Completed

from dondoc.domain.dates import vn_date
from dondoc.tracking.view import (
    AssignmentView,
    DirectiveSnapshot,
    as_columns,
    table_description,
)
from tasks.policy import side_effect_task


@side_effect_task("load-directive-snapshot")
def load_snapshot(directive: str, as_of: date) -> DirectiveSnapshot:
    """Read-only: the directive's instances and per-assignment progress as of a day."""
    from dondoc.tracking import service

    return service.snapshot(directive, as_of)


@task(cache_policy=NO_CACHE, persist_result=False)  # decides nothing and writes nothing: no retries
def assess_assignment(view: AssignmentView) -> State[None]:
    """Ends in a Completed state named with the official status ("Quá hạn chưa hoàn thành", …).

    Completed, not Failed, even when overdue: in Prefect "Failed" means the software failed (it
    would page an operator, retry, and stop the consolidation that waits for this task).
    """
    return Completed(name=view.state_name, message=view.message)


@side_effect_task("publish-artifacts")
def publish_artifacts(snapshot: DirectiveSnapshot) -> dict[str, str]:
    """Three artifacts under keys stable per directive, so the UI shows their history day by day."""
    day = vn_date(snapshot.as_of)
    name = snapshot.directive.display
    keys = {kind: snapshot.artifact_key(kind) for kind in ("instances", "progress", "summary")}
    create_table_artifact(
        key=keys["instances"],
        table=as_columns(snapshot.table),
        description=table_description(snapshot),
    )
    create_progress_artifact(progress=snapshot.progress, key=keys["progress"], description=f"{name}: {snapshot.progress_text}")
    create_markdown_artifact(
        key=keys["summary"], markdown=snapshot.summary_markdown, description=f"{name}: tóm tắt và danh sách quá hạn, {day}"
    )
    return keys


def tag_current_flow_run(tags: list[str]) -> None:
    """Add the directive and province tags to the running flow run (deployment runs start with the
    deployment's tags only), so the UI can filter runs by directive or province."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    wanted = sorted({*context.flow_run.tags, *tags})
    if wanted == sorted(context.flow_run.tags):
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(context.flow_run.id, tags=wanted)
