"""daily-sweep: every working morning, for a province (or all): replan the rolling horizon of each
directive in force, track each one, then run the reminder step."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from pydantic import Field

from dondoc.configuration.files import load_calendar
from dondoc.domain.dates import vn_date
from dondoc.tracking.view import day_off_reason
from flows.form_fields import AS_OF, PROVINCE, OptionalFormDate, as_of_or_today
from flows.track_directive import track_directive
from tasks.database import migrate_database
from tasks.directives import active_directives, replan_directives
from tasks.reminders import reminder_step
from tasks.tracking import tracking_result

TRACK: Any = Field(
    title="Theo dõi từng văn bản",
    json_schema_extra={"title": "Theo dõi từng văn bản"},
    default=True,
    description="Chạy theo dõi từng văn bản (tắt khi chạy lại nhiều ngày liên tiếp để giảm số lượt chạy)",
)
DRY_RUN: Any = Field(
    title="Nhắc việc thử",
    json_schema_extra={"title": "Nhắc việc thử"},
    default=False,
    description="Nhắc việc thử: tính ai cần nhắc nhưng không gửi",
)


def _run_name() -> str:
    parameters = flow_run.parameters
    where = parameters.get("province") or "tất cả các tỉnh"
    return f"Quét hằng ngày · {where} · {vn_date(as_of_or_today(parameters.get('as_of')))}"


@flow(name="daily-sweep", flow_run_name=_run_name, persist_result=False)
def daily_sweep(
    province: str | None = PROVINCE,
    as_of: OptionalFormDate = AS_OF,
    track: bool = TRACK,
    dry_run: bool = DRY_RUN,
) -> dict[str, Any]:
    """Quét hằng ngày lúc 07:30 ngày làm việc: lập kế hoạch, theo dõi từng văn bản, nhắc việc."""
    migrate_database()
    day = as_of_or_today(as_of)
    reason = day_off_reason(day, load_calendar())
    if reason:
        get_run_logger().info(reason)
        return {"as_of": day.isoformat(), "skipped": reason}
    codes = active_directives(province, day)
    plans = replan_directives(codes, day)
    # a tracking run ends red when something is overdue: a verdict to show, not an error to stop on.
    # The subflows run in this flow run's process, whose heartbeat shows it is alive; their own
    # heartbeat threads would only cost a wait of up to 1 s at the end of each (issue 13).
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        tracked = [tracking_result(track_directive(code, day, return_state=True)) for code in codes] if track else []
    reminders = reminder_step(as_of=day, province=province, dry_run=dry_run)
    return {
        "as_of": day.isoformat(),
        "directives": codes,
        "plans": {code: asdict(plan) for code, plan in plans.items()},
        "tracked": tracked,
        "reminders": reminders,
    }
