"""Tasks that change dondoc's database (replan, record a completion, import) or announce a change
(the completion event). Each calls the same use case as the CLI (:mod:`dondoc.directives.service`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from prefect import get_run_logger
from prefect.events import emit_event

from dondoc.directives.service import Recorded
from dondoc.directives.store import PlanResult
from dondoc.domain.dates import vn_date
from dondoc.errors import DondocError, InputError
from dondoc.tracking.view import COMPLETED_EVENT, task_event
from tasks.policy import side_effect_task

ACTOR = "prefect"
T = TypeVar("T")


def _logged(call: Callable[[], T], rename: tuple[str, str] | None = None) -> T:
    """Run a use case; a user error is logged one problem per line (the UI shows them), then re-raised."""
    try:
        return call()
    except DondocError as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        if rename:
            problems = [p.replace(*rename) for p in problems]
        for problem in problems:
            get_run_logger().error(problem)
        if rename:
            raise InputError("; ".join(problems), problems=problems) from exc
        raise


@side_effect_task("active-directives")
def active_directives(province: str | None, as_of: date) -> list[str]:
    """Codes of the directives in force on ``as_of`` (started, not ended), optionally one province's."""
    from dondoc.tracking import service

    return service.active_directives(province, as_of)


@side_effect_task("replan")
def replan_directives(codes: list[str], as_of: date) -> dict[str, PlanResult]:
    """Extend each directive's rolling horizon (idempotent: re-running changes nothing)."""
    from dondoc.directives import service as services

    results = {code: services.replan(code, as_of=as_of, actor=ACTOR) for code in codes}
    new = sum(r.inserted for r in results.values())
    get_run_logger().info("Lập lại kế hoạch %d văn bản: %d nhiệm vụ mới", len(codes), new)
    return results


@side_effect_task("find-instance", retries=0)
def find_instance(directive: str, clause: str, agency: str, period: str | None) -> int:
    from dondoc.directives import service as services

    return _logged(lambda: services.find_instance_id(directive, clause, agency, period))


@side_effect_task("record-completion", retries=0)
def record_completion_task(
    instance_id: int, completed_on: date, evidence: str, today: date, kpis: dict[str, float], actor: str, force: bool = False
) -> Recorded:
    """Not retried: a user error (bad date, unknown KPI, already completed without force) must fail once, with its message."""
    from dondoc.directives import service as services

    done = _logged(
        lambda: services.record_completion(
            instance_id, on=completed_on, evidence=evidence, actor=actor, today=today, kpis=kpis, force=force
        )
    )
    get_run_logger().info(
        "Đã ghi nhận hoàn thành #%d (%s %s, %s) ngày %s; hạn %s",
        done.instance_id,
        done.directive,
        done.clause,
        done.agency,
        vn_date(done.completed_on),
        vn_date(done.due),
    )
    return done


@side_effect_task("announce-completion", retries=0)
def announce_completion(recorded: Recorded, as_of: date) -> str:
    """Emit ``dondoc.task.completed`` about the directive; prefect.yaml's trigger refreshes its tracking."""
    resource, payload = task_event(recorded, as_of)
    event = emit_event(event=COMPLETED_EVENT, resource=resource, payload=payload)
    return str(event.id) if event else ""


@side_effect_task("import-directive", retries=0)
def import_directive_task(path: str | None, content: str | None, file_name: str, as_of: date) -> dict[str, Any]:
    """The same validation and all-or-nothing write as ``dondoc import``; problems are logged one per line."""
    from dondoc.directives import service as services

    if content is None:
        assert path is not None
        summary = _logged(lambda: services.import_paths([Path(path)], as_of=as_of, actor=ACTOR))
    else:
        with tempfile.TemporaryDirectory(prefix="dondoc-import-") as folder:
            target = Path(folder) / Path(file_name).name
            target.write_text(content, encoding="utf-8")
            # errors name the file the user pasted, not our temporary copy
            summary = _logged(lambda: services.import_paths([target], as_of=as_of, actor=ACTOR), (str(target), file_name))
    for warning in summary.warnings:
        get_run_logger().warning(warning)
    return {
        "directives": list(summary.directives),
        "assignments": summary.assignments,
        "plans": {code: asdict(plan) for code, plan in summary.plans.items()},
        "warnings": list(summary.warnings),
    }
