"""reform-report: the periodic administrative-reform report of a province (báo cáo CCHC định kỳ).

Builds the report (a closed period's report is frozen on first run and read back after), writes
md/docx/xlsx/csv/png, and shows the Markdown, with its chart, as an artifact on the flow run."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from pydantic import Field

from dondoc.domain.dates import vn_date
from dondoc.domain.periods import PeriodKind
from dondoc.reports.service import default_period, province_codes
from dondoc.settings import get_settings
from flows.form_fields import AS_OF, as_of_or_today
from tasks.reports import build_report_task, publish_report_artifact, write_report_files

PROVINCE: Any = Field(default=None, description="Mã tỉnh, ví dụ dong-nai; để trống: mỗi tỉnh có văn bản một báo cáo")
PERIOD: Any = Field(
    default=None,
    description="Kỳ báo cáo: 2023-11 (tháng), 2023-Q4 (quý), 2024-H1 (6 tháng), 2024 (năm); để trống: kỳ gần nhất đã chốt số liệu",
)
KIND: Any = Field(default="quarter", description="Loại kỳ khi để trống «period»: month, quarter, half, year")
CALENDAR: Any = Field(default=False, description="Lấy số liệu theo kỳ dương lịch thay vì từ ngày 15 đến ngày 14 (NĐ 09/2019)")
OUT_DIR: Any = Field(default=None, description="Thư mục lưu tệp; để trống: <thư mục dữ liệu>/reports/<tỉnh>")
FORMATS: Any = Field(default=["all"], description="Định dạng: md, docx, xlsx, csv, png hoặc all")


def _run_name() -> str:
    p = flow_run.parameters
    return f"Báo cáo CCHC · {p.get('province') or 'tất cả các tỉnh'} · {p.get('period') or p.get('kind')} · {vn_date(as_of_or_today(p.get('as_of')))}"


@flow(name="reform-report", flow_run_name=_run_name, persist_result=False)
def reform_report(
    province: str | None = PROVINCE,
    period: str | None = PERIOD,
    kind: Literal["month", "quarter", "half", "year"] = KIND,
    as_of: date | None = AS_OF,
    calendar_periods: bool = CALENDAR,
    out_dir: str | None = OUT_DIR,
    formats: list[str] = FORMATS,
) -> list[str]:
    """Báo cáo CCHC định kỳ: tổng hợp 4 nhóm, theo văn bản, theo cơ quan, quá hạn, chậm trễ, chỉ tiêu; chốt khi hết kỳ."""
    day = as_of_or_today(as_of)
    written: list[str] = []
    for code in [province] if province else province_codes():
        key = period or default_period(code, day, PeriodKind(kind), calendar_periods)
        folder = Path(out_dir) if out_dir else get_settings().data_dir / "reports" / code
        report = build_report_task(code, key, day, calendar_periods)
        files = write_report_files(report, folder, day, list(formats))
        publish_report_artifact(report, files)
        get_run_logger().info("Báo cáo %s %s: %d tệp trong %s", code, key, len(files), folder)
        written.extend(files)
    return written
