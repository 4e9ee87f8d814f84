"""End to end on a real `prefect server start` (SQLite, temp PREFECT_HOME, free port): deploy
prefect.yaml, run the tracking through the worker, record a completion through the
record-completion deployment, and see the trigger refresh the directive's tracking."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from dondoc.orchestration import stack as prefect_stack
from tests.helpers import poll

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]
T = TypeVar("T")


@pytest.fixture
def stack(seeded_sqlite: str, tmp_path: Path) -> Iterator[prefect_stack.Stack]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    running = prefect_stack.start_server(tmp_path / "prefect", prefect_stack.free_port())
    try:
        prefect_stack.deploy(running)
        prefect_stack.start_worker(running)
        with temporary_settings(updates={PREFECT_API_URL: running.api_url}):
            yield running
    finally:
        stopped = prefect_stack.stop(running)
        assert any("Prefect server" in s for s in stopped)
        assert not prefect_stack.healthy(running.url)


def _task_runs(client: Any, flow_run_id: Any) -> list[Any]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    return list(client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))))


def test_deployed_tracking_completion_and_trigger(stack: prefect_stack.Stack) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterName
    from prefect.deployments import run_deployment

    with get_client(sync_client=True) as client:
        names = {d.name for d in client.read_deployments()}
        assert {"track-directive", "daily-sweep", "record-completion", "import-directive"} <= names
        sweep = client.read_deployment_by_name("daily-sweep/daily-sweep")
        assert sweep.schedules[0].schedule.timezone == "Asia/Ho_Chi_Minh"  # type: ignore[union-attr]

    tracked = run_deployment(
        "track-directive/track-directive", parameters={"directive": "11677/UBND-HCC", "as_of": "2023-12-06"}, timeout=120
    )
    assert tracked.state is not None
    # red because 1.k and 1.e (hàng tháng) are overdue: a verdict, named after it
    assert (tracked.state.type.value, tracked.state.name) == ("FAILED", "2 quá hạn · 0,0 %"), tracked.state
    assert tracked.name == "11677/UBND-HCC · 06/12/2023"
    assert {"tracking", "directive:11677/UBND-HCC"} <= set(tracked.tags)

    with get_client(sync_client=True) as client:
        wanted = {
            "1.k · Các sở, ban ngành tỉnh và UBND các huyện, thành phố · hạn 04/12/2023",
            "5.b · Sở TT&TT · hạn 09/12/2023",
            "1.a · Các sở, ban ngành tỉnh và UBND các huyện, thành phố · thường xuyên",
        }
        # the server's recorder writes task runs in batches (flushed at least every 5 s): wait for the ones asserted on, finished
        runs = poll(
            lambda: _task_runs(client, tracked.id),
            lambda rs: len(rs) >= 28 and wanted <= {r.name for r in rs if r.state is not None and r.state.is_final()},
            timeout=60,
            what="task runs of the tracking run",
        )
        states = {r.name: (r.state.name, r.state.message) for r in runs if r.state}
        assert states["1.k · Các sở, ban ngành tỉnh và UBND các huyện, thành phố · hạn 04/12/2023"] == (
            "Quá hạn chưa hoàn thành",
            "0/29 cơ quan đã hoàn thành, 29 quá hạn",  # Sở TT&TT is 1.k's co-agency, not a lead
        )
        assert states["5.b · Sở TT&TT · hạn 09/12/2023"] == ("Đang thực hiện trong hạn", "0/1 cơ quan đã hoàn thành")
        assert states["1.a · Các sở, ban ngành tỉnh và UBND các huyện, thành phố · thường xuyên"][0] == "Thường xuyên"
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["dondoc-11677-ubnd-hcc-summary"]))
        )
        assert any("## Quá hạn chưa hoàn thành (59)" in str(a.data) for a in artifacts)
        table = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["dondoc-11677-ubnd-hcc-instances"]))
        )
        assert len(json.loads(str(table[0].data))["Mục"]) == 192  # 59 overdue (Sở TT&TT does not lead 1.k) + 133 in progress

    recorded = run_deployment(
        "record-completion/record-completion",
        parameters={
            "directive": "11677/UBND-HCC",
            "clause": "5.b",
            "agency": "dn-so-thong-tin-truyen-thong",
            "completed_on": "07/12/2023",  # as typed in the form
            "evidence": "Công văn số 3301/STTTT-CNTT ngày 07/12/2023",
            "as_of": "07/12/2023",
        },
        timeout=120,
    )
    assert recorded.state is not None
    assert recorded.state.is_completed(), recorded.state
    with get_client(sync_client=True) as client:
        assert (
            client.read_flow_run(recorded.id).name == "Hoàn thành 11677/UBND-HCC 5.b · dn-so-thong-tin-truyen-thong · 07/12/2023"
        )

    # the event `dondoc.task.completed` fires the trigger: a tracking run for that directive and day
    refreshed_name = "11677/UBND-HCC · 07/12/2023"
    with get_client(sync_client=True) as client:
        refreshed = poll(
            lambda: client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[refreshed_name]))),
            lambda rs: bool(rs) and rs[0].state is not None and rs[0].state.is_final(),
            timeout=90,
            what="the tracking run refreshed by the trigger",
        )[0]
        assert refreshed.state is not None
        assert refreshed.state.name == "2 quá hạn · 0,0 %"  # 5.b done, but not due until 09/12
        assert refreshed.deployment_id == tracked.deployment_id
        runs = poll(
            lambda: _task_runs(client, refreshed.id),
            lambda rs: any(r.name.startswith("5.b ·") and r.state and r.state.is_final() for r in rs),
            timeout=30,
            what="5.b in the refreshed run",
        )
        five_b = next(r for r in runs if r.name.startswith("5.b ·"))
        assert five_b.state is not None
        assert (five_b.state.name, five_b.state.message) == ("Hoàn thành đúng hạn", "1/1 cơ quan đã hoàn thành")

    # the server began its SQLite writes IMMEDIATE (dondoc/orchestration/prefect_server.py) and logs
    # retryable errors (SERVER_SETTINGS): no request was answered 503 for a busy database
    log = (Path(stack.home) / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "Encountered retryable exception" not in log
    assert "database is locked" not in log
