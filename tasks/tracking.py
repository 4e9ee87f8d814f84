"""Tracking tasks: read a directive's snapshot, end one task run per assignment in its official
status, publish the artifacts. The decisions are made in :mod:`dondoc.tracking.view`."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from uuid import uuid4

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State, TaskRunResult
from prefect.context import FlowRunContext
from prefect.states import Cancelled, Completed, Failed
from prefect.task_engine import run_task

from dondoc.tracking.view import (
    AssignmentView,
    DirectiveSnapshot,
    artifact_title,
    as_columns,
    table_description,
)
from tasks.policy import side_effect_task

_STATES = {"COMPLETED": Completed, "FAILED": Failed, "CANCELLED": Cancelled}


class _VerdictIsNotAnError(logging.Filter):
    """Prefect logs every task run that does not end Completed at ERROR ("Finished in state …").
    An assessment's grey or red state is the official status of the agencies' work, not a software
    failure: its "Finished" line is logged at INFO (the overdue verdict itself is a WARNING, above)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR and getattr(record, "task_name", None) == ASSESS_TASK:
            if str(record.msg).startswith("Finished in state"):
                record.levelno, record.levelname = logging.INFO, "INFO"
        return True


ASSESS_TASK = "assess-assignment"
logging.getLogger("prefect.task_runs").addFilter(_VerdictIsNotAnError())


@side_effect_task("load-directive-snapshot")
def load_snapshot(directive: str, as_of: date) -> DirectiveSnapshot:
    """Read-only: the directive's instances and per-assignment progress as of a day."""
    from dondoc.tracking import service

    return service.snapshot(directive, as_of)


@task(name=ASSESS_TASK, cache_policy=NO_CACHE, persist_result=False)  # decides nothing and writes nothing: no retries
def assess_assignment(view: AssignmentView) -> State[None]:
    """Ends in a state named with the official status, whose *type* gives the badge its colour
    class (:data:`dondoc.tracking.view.STATE_TYPE`): overdue is a Failed-type state named "Quá hạn
    chưa hoàn thành" (red), done is Completed (green), anything still open is Cancelled-type (grey).
    Nothing depends on this task's result, so a red verdict stops nothing and retries nothing."""
    if view.state_type == "FAILED":
        get_run_logger().warning("%s: %s", view.state_name, view.message)
    return _STATES[view.state_type](name=view.state_name, message=view.message)


def assess_assignments(snapshot: DirectiveSnapshot) -> dict[str, str]:
    """One task run per assignment, listed in clause order and drawn with the directive's dependencies.

    The UI lists a flow run's task runs newest first, so they are created one after another from the
    last clause to the first. A consolidation's edge to its inputs (2.b under 2.a) is declared with
    ids chosen up front (``run_task(dependencies=…)``), because an input may come later in that
    order; the verdicts are already decided by the snapshot, so nothing has to wait for anything.
    Returns each clause's state name.
    """
    ids = {view.clause: uuid4() for view in snapshot.assignments}
    states: dict[str, str] = {}
    for view in reversed(snapshot.assignments):
        inputs: set[Any] = {TaskRunResult(id=ids[clause]) for clause in view.depends_on if clause in ids}
        state = run_task(
            assess_assignment.with_options(task_run_name=view.task_run_name),
            task_run_id=ids[view.clause],
            parameters={"view": view},
            return_type="state",
            dependencies={"view": inputs} if inputs else None,
        )
        states[view.clause] = str(state.name)
    return states


def tracking_run_state(snapshot: DirectiveSnapshot, result: dict[str, Any]) -> State[dict[str, Any]]:
    """The tracking flow run's final state: named ``3 quá hạn · 12,0 %``, red (Failed-type) when any
    task is overdue, green otherwise; the message carries the counts. Callers read the result with
    :func:`tracking_result` (a red run is a verdict, not an error)."""
    kind = Failed if snapshot.run_state_type == "FAILED" else Completed
    return kind(name=snapshot.run_state_name, message=snapshot.run_state_message, data=result)


def tracking_result(state: State[Any]) -> dict[str, Any]:
    """The result of a tracking subflow whether it ended green or red; a software error is raised."""
    value = state.result(raise_on_failure=False)
    if isinstance(value, BaseException):
        raise value
    if not isinstance(value, dict):
        raise RuntimeError(f"tracking run ended in {state.type.value} {state.name!r} without a result: {state.message}")
    return value


def log_snapshot(snapshot: DirectiveSnapshot) -> None:
    """The run's log: the summary line, then one warning per overdue task (clause order)."""
    logger = get_run_logger()
    for level, line in snapshot.log_lines():
        (logger.warning if level == "WARNING" else logger.info)(line)


@side_effect_task("publish-artifacts")
def publish_artifacts(snapshot: DirectiveSnapshot) -> dict[str, str]:
    """Three artifacts under keys stable per directive, so the UI shows their history day by day."""
    keys = {kind: snapshot.artifact_key(kind) for kind in ("instances", "progress", "summary")}
    info, as_of = snapshot.directive, snapshot.as_of
    create_table_artifact(
        key=keys["instances"],
        table=as_columns(snapshot.table),
        description=table_description(snapshot),
    )
    create_progress_artifact(
        progress=snapshot.progress,
        key=keys["progress"],
        description=f"**{artifact_title('progress', info, as_of)}**\n\n{snapshot.progress_text}",
    )
    create_markdown_artifact(
        key=keys["summary"], markdown=snapshot.summary_markdown, description=f"**{artifact_title('summary', info, as_of)}**"
    )
    return keys


def tag_current_flow_run(tags: list[str]) -> None:
    """Add the tracking, directive and province tags to the running flow run (deployment runs start
    with the deployment's tags only, the daily sweep's subflows with none), so the UI's
    ``/runs?tag=tracking`` link finds every tracking run and runs filter by directive or province."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    wanted = sorted({*context.flow_run.tags, *tags})
    if wanted == sorted(context.flow_run.tags):
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(context.flow_run.id, tags=wanted)


def rename_current_flow_run(name: str) -> None:
    """Rename the running flow run once it knows what it did (the form's run is named before the
    instance behind an id is known)."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None or context.flow_run.name == name:
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(context.flow_run.id, name=name)
