"""record-completion: the coordinator's form for "this task is done", with its evidence and KPI
actuals. Writes through the same use case as `dondoc complete`, then announces the change; the
trigger in prefect.yaml refreshes that directive's tracking run.

The form: dates typed dd/mm/yyyy and validated; the task chosen by its id (the «Mã» column of the
tracking table) or by directive + clause + agency, each a plain text box (no type toggle); the run
renamed after what it recorded ("Hoàn thành 11677/UBND-HCC 5.b · dn-so-… · 07/12/2023").
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow
from prefect.runtime import flow_run

from dondoc.domain.dates import vn_date
from dondoc.tracking.view import completion_run_name, completion_target
from flows.form_fields import FormDate, OptionalFormDate, OptionalFormId, OptionalText, as_of_or_today, form_field
from tasks.database import migrate_database
from tasks.directives import announce_completion, find_instance, record_completion_task
from tasks.tracking import rename_current_flow_run

INSTANCE_ID: Any = form_field(
    "Mã nhiệm vụ",
    "Số ở cột «Mã» của bảng theo dõi (hoặc `dondoc tasks`), ví dụ 674; để trống nếu chọn theo văn bản, mục và cơ quan",
)
DIRECTIVE: Any = form_field("Văn bản", "Số hiệu văn bản, ví dụ 11677/UBND-HCC (khi không nhập mã nhiệm vụ)")
CLAUSE: Any = form_field("Mục", "Mục trong văn bản, ví dụ 2.a (khi không nhập mã nhiệm vụ)")
AGENCY: Any = form_field(
    "Cơ quan chủ trì",
    "Mã cơ quan chủ trì, ví dụ dn-so-thong-tin-truyen-thong (xem `dondoc agencies`; khi không nhập mã nhiệm vụ)",
)
PERIOD: Any = form_field("Kỳ", "Kỳ của nhiệm vụ định kỳ, ví dụ 2023-12; để trống: kỳ sớm nhất chưa hoàn thành")
COMPLETED_ON: Any = form_field(
    "Ngày hoàn thành", "Ngày của văn bản, báo cáo đã thực hiện nhiệm vụ, dạng dd/mm/yyyy, ví dụ 04/12/2023", default=...
)
EVIDENCE: Any = form_field(
    "Căn cứ hoàn thành",
    "Số, ký hiệu và ngày của báo cáo/văn bản, ví dụ «Báo cáo số 123/BC-STTTT ngày 04/12/2023»",
    default=...,
)
KPIS: Any = form_field(
    "Chỉ tiêu đã đạt",
    "Dạng {\"mã chỉ tiêu\": giá trị}, ví dụ {\"processed_on_system_rate\": 98.5}; để {} nếu không có",
    default={},
)
FORCE: Any = form_field(
    "Ghi đè",
    "Ghi đè lần ghi nhận hoàn thành trước (ngày và căn cứ cũ vẫn lưu trong nhật ký)",
    default=False,
)
AS_OF: Any = form_field(
    "Ngày ghi nhận", "Coi ngày này là hôm nay, dạng dd/mm/yyyy (chỉ dùng khi nhập lại dữ liệu cũ); để trống: hôm nay"
)


def _run_name() -> str:
    p = flow_run.parameters
    what = f"#{p['instance_id']}" if str(p.get("instance_id") or "").strip() else f"{p.get('directive')} {p.get('clause')} · {p.get('agency')}"
    try:
        day = vn_date(as_of_or_today(p.get("completed_on")))
    except ValueError:
        day = str(p.get("completed_on"))  # the parameter check fails the run with the clear message
    return f"Hoàn thành {what} · {day}"


@flow(name="record-completion", flow_run_name=_run_name, persist_result=False)
def record_completion(
    completed_on: FormDate = COMPLETED_ON,
    evidence: str = EVIDENCE,
    instance_id: OptionalFormId = INSTANCE_ID,
    directive: OptionalText = DIRECTIVE,
    clause: OptionalText = CLAUSE,
    agency: OptionalText = AGENCY,
    period: OptionalText = PERIOD,
    kpis: dict[str, float] = KPIS,
    as_of: OptionalFormDate = AS_OF,
    force: bool = FORCE,
) -> dict[str, Any]:
    """Ghi nhận một nhiệm vụ đã hoàn thành (kèm căn cứ và số liệu chỉ tiêu), rồi cập nhật theo dõi văn bản."""
    migrate_database()
    today = as_of_or_today(as_of)
    target = completion_target(instance_id, directive, clause, agency)
    chosen = target if isinstance(target, int) else find_instance(*target, period)
    recorded = record_completion_task(chosen, completed_on, evidence, today, dict(kpis or {}), "prefect:record-completion", force)
    rename_current_flow_run(completion_run_name(recorded.directive, recorded.clause, recorded.agency, completed_on))
    event_id = announce_completion(recorded, today)
    return {**asdict(recorded), "event_id": event_id}
