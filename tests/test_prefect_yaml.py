"""prefect.yaml: every entrypoint loads, its parameters validate, schedules carry the timezone,
and the completion trigger renders parameters the tracking flow accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
SPEC: dict[str, Any] = yaml.safe_load((PROJECT / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS = {d["name"]: d for d in SPEC["deployments"]}

#: Values a person would type in each deployment's form (required ones included).
SAMPLE_PARAMETERS: dict[str, dict[str, Any]] = {
    "track-directive": {"directive": "11677/UBND-HCC", "as_of": "2023-12-06"},
    "daily-sweep": {"as_of": "2023-12-06"},
    "record-completion": {
        "directive": "11677/UBND-HCC",
        "clause": "5.b",
        "agency": "dn-so-thong-tin-truyen-thong",
        "completed_on": "2023-12-07",
        "evidence": "Báo cáo số 3301/BC-STTTT ngày 07/12/2023",
        "kpis": {"processed_on_system_rate": 98.5},
    },
    "import-directive": {"path": "directives_seed/000_dong-nai_11677-UBND-HCC.yaml"},
}


def test_the_four_deployments_are_declared() -> None:
    assert {"track-directive", "daily-sweep", "record-completion", "import-directive"} <= set(DEPLOYMENTS)


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_entrypoint_loads_and_parameters_validate(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.flows import load_flow_from_entrypoint
    from prefect.utilities.callables import parameter_schema

    monkeypatch.chdir(PROJECT)
    deployment = DEPLOYMENTS[name]
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    if name in SAMPLE_PARAMETERS:  # ours are named like their deployment; others may share a flow
        assert flow.name == name
    schema = parameter_schema(flow).model_dump_for_openapi()
    for field_name, field in schema["properties"].items():
        assert field.get("description"), f"{name}.{field_name}: the UI form needs a description"
    parameters = {**(deployment.get("parameters") or {}), **SAMPLE_PARAMETERS.get(name, {})}
    validated = flow.validate_parameters(parameters)
    assert set(validated) <= set(schema["properties"])
    assert deployment["work_pool"]["name"] == "dondoc"


def test_record_completion_form_takes_kpi_actuals_as_numbers() -> None:
    from prefect.exceptions import ParameterTypeError
    from prefect.flows import load_flow_from_entrypoint

    flow = load_flow_from_entrypoint(str(PROJECT / DEPLOYMENTS["record-completion"]["entrypoint"]))
    validated = flow.validate_parameters(SAMPLE_PARAMETERS["record-completion"])
    assert validated["kpis"] == {"processed_on_system_rate": 98.5}
    with pytest.raises(ParameterTypeError):
        flow.validate_parameters({**SAMPLE_PARAMETERS["record-completion"], "kpis": {"rate": "nhiều"}})


def test_daily_sweep_runs_at_0730_working_mornings_in_vietnam_time() -> None:
    (schedule,) = DEPLOYMENTS["daily-sweep"]["schedules"]
    assert schedule["cron"] == "30 7 * * 1-6"
    assert schedule["timezone"] == "Asia/Ho_Chi_Minh"
    for deployment in SPEC["deployments"]:
        for other in deployment.get("schedules") or []:
            assert other.get("timezone") == "Asia/Ho_Chi_Minh", deployment["name"]


def test_completion_trigger_renders_parameters_the_tracking_flow_accepts() -> None:
    from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
    from prefect.flows import load_flow_from_entrypoint
    from prefect.server.utilities.user_templates import render_user_template_sync

    from dondoc.tracking.view import COMPLETED_EVENT, EXTENDED_EVENT, completion_payload, directive_resource_id

    (spec,) = DEPLOYMENTS["track-directive"]["triggers"]
    trigger = DeploymentEventTrigger.model_validate(spec)
    assert trigger.enabled
    assert trigger.expect == {COMPLETED_EVENT, EXTENDED_EVENT}
    resource_id = directive_resource_id("11677/UBND-HCC")
    pattern = trigger.match.model_dump()["prefect.resource.id"]
    assert resource_id.startswith(pattern.rstrip("*"))

    from datetime import date

    event = {
        "resource": {"prefect.resource.id": resource_id},
        "payload": completion_payload(
            directive="11677/UBND-HCC", clause="5.b", agency="x", instance_id=1, completed_on=date(2023, 12, 7), as_of=date(2023, 12, 7)
        ),
    }
    assert trigger.parameters is not None
    rendered = {k: render_user_template_sync(v, {"event": event}) for k, v in trigger.parameters.items()}
    flow = load_flow_from_entrypoint(str(PROJECT / DEPLOYMENTS["track-directive"]["entrypoint"]))
    assert flow.validate_parameters(rendered) == {"directive": "11677/UBND-HCC", "as_of": date(2023, 12, 7)}
