"""record-completion: the coordinator's form for "this task is done", with its evidence and KPI
actuals. Writes through the same use case as `dondoc complete`, then announces the change; the
trigger in prefect.yaml refreshes that directive's tracking run."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from prefect import flow
from prefect.runtime import flow_run
from pydantic import Field

from dondoc.domain.dates import vn_date
from dondoc.tracking.view import completion_target
from flows.form_fields import as_of_or_today
from tasks.database import migrate_database
from tasks.directives import announce_completion, find_instance, record_completion_task

INSTANCE_ID: Any = Field(default=None, description="Mã nhiệm vụ (cột «Mã» trong bảng theo dõi, hoặc `dondoc tasks`); hoặc điền 3 ô văn bản, mục, cơ quan")
DIRECTIVE: Any = Field(default=None, description="Số hiệu văn bản, ví dụ 11677/UBND-HCC (khi không có mã nhiệm vụ)")
CLAUSE: Any = Field(default=None, description="Mục trong văn bản, ví dụ 2.a")
AGENCY: Any = Field(default=None, description="Mã cơ quan chủ trì, ví dụ dn-so-thong-tin-truyen-thong (xem `dondoc agencies`)")
PERIOD: Any = Field(default=None, description="Kỳ (với nhiệm vụ định kỳ, ví dụ 2023-12); để trống: kỳ sớm nhất chưa hoàn thành")
COMPLETED_ON: Any = Field(..., description="Ngày hoàn thành (ngày của văn bản, báo cáo đã thực hiện nhiệm vụ)")
EVIDENCE: Any = Field(..., description="Căn cứ: số, ký hiệu và ngày của báo cáo/văn bản, ví dụ «Báo cáo số 123/BC-STTTT ngày 04/12/2023»")
KPIS: Any = Field(default={}, description="Chỉ tiêu đã đạt, dạng {\"mã chỉ tiêu\": giá trị}, ví dụ {\"processed_on_system_rate\": 98.5}")
FORCE: Any = Field(default=False, description="Ghi đè lần ghi nhận hoàn thành trước (ngày và căn cứ cũ vẫn lưu trong nhật ký)")
AS_OF: Any = Field(default=None, description="Coi ngày này là hôm nay (chỉ dùng khi nhập lại dữ liệu cũ); mặc định hôm nay")


def _run_name() -> str:
    p = flow_run.parameters
    what = f"#{p['instance_id']}" if p.get("instance_id") else f"{p.get('directive')} {p.get('clause')} · {p.get('agency')}"
    return f"Hoàn thành {what} · {vn_date(as_of_or_today(p.get('completed_on')))}"


@flow(name="record-completion", flow_run_name=_run_name, persist_result=False)
def record_completion(
    completed_on: date = COMPLETED_ON,
    evidence: str = EVIDENCE,
    instance_id: int | None = INSTANCE_ID,
    directive: str | None = DIRECTIVE,
    clause: str | None = CLAUSE,
    agency: str | None = AGENCY,
    period: str | None = PERIOD,
    kpis: dict[str, float] = KPIS,
    as_of: date | None = AS_OF,
    force: bool = FORCE,
) -> dict[str, Any]:
    """Ghi nhận một nhiệm vụ đã hoàn thành (kèm căn cứ và số liệu chỉ tiêu), rồi cập nhật theo dõi văn bản."""
    migrate_database()
    today = as_of_or_today(as_of)
    target = completion_target(instance_id, directive, clause, agency)
    chosen = target if isinstance(target, int) else find_instance(*target, period)
    recorded = record_completion_task(chosen, completed_on, evidence, today, dict(kpis or {}), "prefect:record-completion", force)
    event_id = announce_completion(recorded, today)
    return {**asdict(recorded), "event_id": event_id}
