"""reform-report: the periodic administrative-reform report of a province (báo cáo CCHC định kỳ).

Builds the report (a period closed by the real day is frozen on first run and read back after),
writes md/docx/xlsx/csv/png, and shows the Markdown, with its chart, as an artifact on the flow run.
With ``new_only`` (the schedules set it) and no ``period``, it reports every period closed since the
last stored one, per each province's cut-off policy, and logs when there is nothing new."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from pydantic import Field

from dondoc.configuration.settings import get_settings
from dondoc.domain.dates import vn_date
from dondoc.domain.periods import PeriodKind
from flows.form_fields import AS_OF, TODAY, OptionalFormDate, as_of_or_today
from tasks.database import migrate_database
from tasks.reports import build_report_task, plan_reports_task, publish_report_artifact, write_report_files

PROVINCE: Any = Field(
    title="Tỉnh",
    json_schema_extra={"title": "Tỉnh"},
    default=None,
    description="Mã tỉnh, ví dụ dong-nai; để trống: mỗi tỉnh có văn bản một báo cáo",
)
PERIOD: Any = Field(
    title="Kỳ báo cáo",
    json_schema_extra={"title": "Kỳ báo cáo"},
    default=None,
    description="Kỳ báo cáo: 2023-11 (tháng), 2023-Q4 (quý), 2024-H1 (6 tháng), 2024 (năm); để trống: kỳ gần nhất đã chốt số liệu",
)
KIND: Any = Field(
    title="Loại kỳ",
    json_schema_extra={"title": "Loại kỳ"},
    default="quarter",
    description="Loại kỳ khi để trống «period»: month, quarter, half, year",
)
CALENDAR: Any = Field(
    title="Theo kỳ dương lịch",
    json_schema_extra={"title": "Theo kỳ dương lịch"},
    default=False,
    description="Lấy số liệu theo kỳ dương lịch thay vì từ ngày 15 đến ngày 14 (NĐ 09/2019)",
)
OUT_DIR: Any = Field(
    title="Thư mục lưu báo cáo",
    json_schema_extra={"title": "Thư mục lưu báo cáo"},
    default=None,
    description="Thư mục lưu tệp; để trống: <thư mục dữ liệu>/reports/<tỉnh>",
)
FORMATS: Any = Field(
    title="Định dạng",
    json_schema_extra={"title": "Định dạng"},
    default=["all"],
    description="Định dạng: md, docx, xlsx, csv, png hoặc all",
)
NEW_ONLY: Any = Field(
    title="Chỉ các kỳ chưa có báo cáo",
    json_schema_extra={"title": "Chỉ các kỳ chưa có báo cáo"},
    default=False,
    description="Chỉ lập báo cáo các kỳ đã chốt số liệu mà chưa có báo cáo lưu (lịch chạy tự động dùng); không áp dụng khi đã chọn «period»",
)


KIND_VI = {"month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm"}


def _run_name() -> str:
    p = flow_run.parameters
    kind = KIND_VI.get(str(p.get("kind")), str(p.get("kind")))
    what = p.get("period") or (f"các kỳ {kind} mới chốt" if p.get("new_only") else f"{kind} gần nhất đã chốt")
    return f"Báo cáo CCHC · {p.get('province') or 'tất cả các tỉnh'} · {what} · {vn_date(as_of_or_today(p.get('as_of')))}"


@flow(name="reform-report", flow_run_name=_run_name, persist_result=False)
def reform_report(
    province: str | None = PROVINCE,
    period: str | None = PERIOD,
    kind: Literal["month", "quarter", "half", "year"] = KIND,
    as_of: OptionalFormDate = AS_OF,
    calendar_periods: bool = CALENDAR,
    out_dir: str | None = OUT_DIR,
    formats: list[str] = FORMATS,
    new_only: bool = NEW_ONLY,
    today: OptionalFormDate = TODAY,
) -> list[str]:
    """Báo cáo CCHC định kỳ: tổng hợp 4 nhóm, theo văn bản, theo cơ quan, quá hạn, chậm trễ, chỉ tiêu; chốt khi hết kỳ."""
    migrate_database()
    real_day = as_of_or_today(today)  # the real day: only a period closed by then is frozen
    day = as_of or real_day
    logger = get_run_logger()
    written: list[str] = []
    for job in plan_reports_task(province, period, PeriodKind(kind), day, real_day, calendar_periods, new_only):
        if not job.periods:
            logger.info(
                "%s: nothing new to report: %s, the last %s closed by %s (cut-off policy of the province), "
                "is already frozen and stored; run with `period` to re-issue it",
                job.province,
                job.already_stored,
                kind,
                vn_date(min(day, real_day)),
            )
            continue
        folder = Path(out_dir) if out_dir else get_settings().data_dir / "reports" / job.province
        for key in job.periods:
            report = build_report_task(job.province, key, day, calendar_periods, real_day)
            files = write_report_files(report, folder, day, list(formats))
            publish_report_artifact(report, files)
            state = "đã chốt" if report.frozen else f"tạm tính đến {vn_date(report.as_of)}, chưa lưu"
            logger.info("Báo cáo %s %s (%s): %d tệp trong %s", job.province, key, state, len(files), folder)
            written.extend(files)
    return written
