"""The flows against a real Prefect API (prefect_test_harness): run names, state names, artifacts,
completions, imports and the sweep, read back through the Prefect client."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import pytest

from tests.helpers import poll

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"
T = TypeVar("T")


@pytest.fixture(autouse=True)
def _prefect(prefect_api: None) -> None:
    """Every test here runs against the session's Prefect server (tests/conftest.py)."""


def _task_runs(flow_run_id: UUID) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        return list(client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))))


def test_track_directive_names_runs_states_and_publishes_artifacts(seeded_sqlite: str) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    from flows.track_directive import track_directive
    from tasks.tracking import tracking_result

    state = track_directive("11677/UBND-HCC", date(2023, 12, 6), return_state=True)
    # red, named after the verdict: 1.k and 1.e (hàng tháng) are overdue, nothing due is done yet
    assert state.is_failed()
    assert state.name == "2 quá hạn · 0,0 %"
    assert state.message is not None
    assert state.message.startswith("2/26 nhiệm vụ có cơ quan quá hạn (59 lượt quá hạn chưa hoàn thành); 0/59")
    result = tracking_result(state)
    assert result["tasks"] == 26
    assert result["overdue_tasks"] == ["1.e (hàng tháng)", "1.k"]
    assert result["artifacts"]["instances"] == "dondoc-11677-ubnd-hcc-instances"

    assert state.state_details.flow_run_id is not None
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        assert run.name == "11677/UBND-HCC · 06/12/2023"
        assert {"tracking", "directive:11677/UBND-HCC", "province:dong-nai"} <= set(run.tags)
        assert run.state is not None
        assert (run.state.type.value, run.state.name) == ("FAILED", "2 quá hạn · 0,0 %")
        log_filter = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        poll(
            lambda: [log.message for log in client.read_logs(log_filter=log_filter)],
            lambda logs: any(
                m.startswith("Quá hạn: 1.k · Các sở, ban ngành tỉnh") and m.endswith("0/29 cơ quan đã hoàn thành, 29 quá hạn") for m in logs
            ),
            what="the log line of the overdue task 1.k",
        )

    runs = poll(lambda: _task_runs(flow_run_id), lambda rs: sum(1 for r in rs if r.state and r.state.is_final()) >= 28, what="28 final task runs")
    by_name = {r.name: r for r in runs}
    # the task runs were created from the last clause to the first: newest first is clause order
    assessed = sorted((r for r in runs if " · " in r.name), key=lambda r: r.expected_start_time, reverse=True)
    assert [r.name.split(" · ")[0] for r in assessed][:4] == ["1.a", "1.b", "1.c", "1.d"]
    assert assessed[-1].name.startswith("8 · ")
    overdue = by_name["1.k · Các sở, ban ngành tỉnh và UBND các huyện, thành phố · hạn 04/12/2023"]
    assert overdue.state is not None
    assert (overdue.state.type.value, overdue.state.name) == ("FAILED", "Quá hạn chưa hoàn thành")
    assert overdue.state.message == "0/29 cơ quan đã hoàn thành, 29 quá hạn"  # Sở TT&TT is its co-agency
    consolidation = by_name["2.b · Công an tỉnh · hạn 19/12/2023"]
    assert consolidation.state is not None
    assert (consolidation.state.type.value, consolidation.state.name) == ("CANCELLED", "Đang thực hiện trong hạn")
    assert consolidation.state.message == "0/1 cơ quan đã hoàn thành; đầu vào đã nhận 0/38"
    # the consolidation is drawn under the tasks it consolidates: the graph has the edge
    upstream = {u.id for u in consolidation.task_inputs.get("view", [])}  # type: ignore[union-attr]
    assert by_name["2.a · Các sở, ban ngành tỉnh; cơ quan ngành dọc trên địa bàn tỉnh và UBND các huyện, thành phố · hạn 09/12/2023"].id in upstream
    ongoing = by_name["6 · Sở Tư pháp · thường xuyên"]
    assert ongoing.state is not None
    assert ongoing.state.name == "Thường xuyên"
    assert {"directive:11677/UBND-HCC", "province:dong-nai"} <= set(ongoing.tags)

    with get_client(sync_client=True) as client:
        table = client.read_latest_artifacts(
            artifact_filter=_key_filter("dondoc-11677-ubnd-hcc-instances"),
        )
        progress = client.read_latest_artifacts(artifact_filter=_key_filter("dondoc-11677-ubnd-hcc-progress"))
        summary = client.read_latest_artifacts(artifact_filter=_key_filter("dondoc-11677-ubnd-hcc-summary"))
    assert table[0].type == "table"
    columns = json.loads(str(table[0].data))
    assert len(columns["Mục"]) == 192  # 59 overdue (Sở TT&TT does not lead 1.k) + 133 in progress; ongoing and future periods left out
    assert columns["Trạng thái"][0] == "Quá hạn chưa hoàn thành"
    assert columns["Hạn"][0] == "15/11/2023"
    assert progress[0].type == "progress"
    assert progress[0].data == 0.0
    assert summary[0].type == "markdown"
    assert "## Quá hạn chưa hoàn thành (59)" in str(summary[0].data)


def _key_filter(key: str) -> Any:
    from prefect.client.schemas.filters import ArtifactCollectionFilter, ArtifactCollectionFilterKey

    return ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=[key]))


def test_record_completion_writes_kpis_and_refreshed_tracking_shows_it(seeded_sqlite: str) -> None:
    from dondoc.db import session_scope
    from dondoc.directives.queries import task_rows
    from flows.record_completion import record_completion
    from flows.track_directive import track_directive

    done, kpi = (  # recorded in this order: 5.b on 07/12, then 1.b with its KPI on 08/12
        record_completion(completed_on=on, evidence=evidence, directive="11677/UBND-HCC", clause=clause, agency=agency, kpis=kpis, as_of=on)
        for on, evidence, clause, agency, kpis in (
            (date(2023, 12, 7), "Báo cáo số 3301/BC-STTTT ngày 07/12/2023", "5.b", "dn-so-thong-tin-truyen-thong", {}),
            (date(2023, 12, 8), "Báo cáo số 9/BC-STP ngày 08/12/2023", "1.b", "dn-so-tu-phap", {"processed_on_system_rate": 98.5}),
        )
    )
    assert done["clause"] == "5.b"
    assert done["event_id"]
    with session_scope() as session:
        rows = {r.instance_id: r for r in task_rows(as_of=date(2023, 12, 8), directive="11677/UBND-HCC", session=session)}
    assert rows[done["instance_id"]].status == "done_on_time"
    assert rows[done["instance_id"]].evidence == "Báo cáo số 3301/BC-STTTT ngày 07/12/2023"
    assert kpi["kpis"] == {"processed_on_system_rate": 98.5}

    state = track_directive("11677/UBND-HCC", date(2023, 12, 8), return_state=True)
    assert state.name == "2 quá hạn · 0,0 %"  # 5.b is done but not due until 09/12: progress counts what is due
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    runs = poll(lambda: _task_runs(flow_run_id), lambda rs: any(r.name.startswith("5.b ·") and r.state and r.state.is_final() for r in rs), what="5.b final")
    five_b = next(r for r in runs if r.name.startswith("5.b ·"))
    assert five_b.state is not None
    assert (five_b.state.type.value, five_b.state.name) == ("COMPLETED", "Hoàn thành đúng hạn")
    assert five_b.state.message == "1/1 cơ quan đã hoàn thành"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"directive": "11677/UBND-HCC", "clause": "5.b"}, "còn thiếu: Cơ quan chủ trì"),
        ({"instance_id": "12a"}, "'12a' không phải mã nhiệm vụ"),
        ({"instance_id": 999999}, "instance 999999: no such task instance"),
        ({"directive": "11677/UBND-HCC", "clause": "9.z", "agency": "dn-so-tu-phap"}, "clause '9.z': not in 11677/UBND-HCC"),
    ],
)
def test_record_completion_fails_with_the_clear_error(seeded_sqlite: str, params: dict[str, Any], message: str) -> None:
    from flows.record_completion import record_completion

    state = record_completion(
        completed_on=date(2023, 12, 7), evidence="Báo cáo số 1", as_of=date(2023, 12, 7), return_state=True, **params
    )
    assert state.is_failed()
    with pytest.raises(Exception, match=message):
        state.result()


def test_record_completion_form_takes_dates_as_typed_and_is_named_after_what_it_recorded(seeded_sqlite: str) -> None:
    from prefect import get_client

    from flows.record_completion import record_completion

    state = record_completion(
        completed_on="07/12/2023",  # type: ignore[arg-type]  # what the form sends: text, dd/mm/yyyy
        evidence="Công văn số 3301/STTTT-CNTT ngày 07/12/2023",
        instance_id="",  # type: ignore[arg-type]
        directive="11677/UBND-HCC",
        clause="5.b",
        agency="dn-so-thong-tin-truyen-thong",
        as_of="07/12/2023",  # type: ignore[arg-type]
        return_state=True,
    )
    assert state.is_completed(), state
    assert state.result()["completed_on"] == date(2023, 12, 7)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)  # type: ignore[arg-type]
    assert run.name == "Hoàn thành 11677/UBND-HCC 5.b · dn-so-thong-tin-truyen-thong · 07/12/2023"

    bad = record_completion(completed_on="31/02/2023", evidence="x", instance_id="1", return_state=True)  # type: ignore[arg-type]
    assert bad.is_failed()
    assert "'31/02/2023' không phải ngày hợp lệ" in str(bad.message)


def test_record_completion_form_schema_has_vietnamese_titles_and_no_toggles() -> None:
    from prefect.utilities.callables import parameter_schema

    from flows.record_completion import record_completion

    fields = parameter_schema(record_completion.fn).model_dump()["properties"]
    assert fields["completed_on"]["title"] == "Ngày hoàn thành"
    assert fields["instance_id"]["title"] == "Mã nhiệm vụ"
    for name in ("completed_on", "instance_id", "directive", "clause", "agency", "as_of"):
        assert fields[name]["type"] == "string", name  # a text box: no anyOf, no type toggle, no mm/dd/yyyy picker
        assert "anyOf" not in fields[name]
    assert "format" not in fields["completed_on"]


def test_import_directive_from_content_reports_errors_with_the_given_file_name(seeded_sqlite: str) -> None:
    from flows.import_directive import import_directive

    state = import_directive(content="number: 1/X\nprovince: dong-nai\n", file_name="cong-van-moi.yaml", return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match=r"cong-van-moi\.yaml:\d+") as raised:
        state.result()
    assert "dondoc-import-" not in str(raised.value)


def test_import_directive_from_path_uses_the_same_import(sqlite_db: str) -> None:
    from flows.import_directive import import_directive

    result = import_directive(path=str(SEEDS), as_of=date(2023, 12, 6))
    assert "11677/UBND-HCC" in result["directives"]
    assert result["plans"]["11677/UBND-HCC"]["planned"] > 0


def test_daily_sweep_does_nothing_on_a_day_off(seeded_sqlite: str) -> None:
    from flows.daily_sweep import daily_sweep

    result = daily_sweep(as_of=date(2023, 12, 9), track=False, dry_run=True)
    assert result["skipped"].startswith("09/12/2023 là ngày nghỉ")


def test_daily_sweep_replans_active_directives_then_reminds(seeded_sqlite: str) -> None:
    from flows.daily_sweep import daily_sweep

    result = daily_sweep(province="dong-nai", as_of=date(2023, 12, 6), track=False, dry_run=True)
    assert result["directives"] == ["11677/UBND-HCC"]  # 170/KH-VP starts on 18/01/2024
    assert set(result["plans"]) == {"11677/UBND-HCC"}
    assert isinstance(result["reminders"], dict)
    assert result["tracked"] == []


def test_daily_sweep_tracks_red_directives_without_failing_and_tags_its_subflows(seeded_sqlite: str) -> None:
    """A red tracking run is the agencies' verdict: the sweep goes on, reads it, and reminds."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    from flows.daily_sweep import daily_sweep

    state = daily_sweep(province="dong-nai", as_of=date(2023, 12, 6), track=True, dry_run=True, return_state=True)
    assert state.is_completed(), state
    result = state.result()
    (tracked,) = result["tracked"]
    assert (tracked["directive"], tracked["overdue_tasks"]) == ("11677/UBND-HCC", ["1.e (hàng tháng)", "1.k"])
    assert isinstance(result["reminders"], dict)
    with get_client(sync_client=True) as client:
        (sub,) = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["11677/UBND-HCC · 06/12/2023"])),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
            limit=1,
        )
    assert sub.parent_task_run_id is not None  # the sweep's subflow
    assert "tracking" in sub.tags
    assert sub.state is not None
    assert (sub.state.type.value, sub.state.name) == ("FAILED", "2 quá hạn · 0,0 %")
