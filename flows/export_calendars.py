"""export-calendars: refresh the iCal deadline feeds after the morning sweep.

Writes one .ics file per agency, directive and province (the files `dondoc serve` and any web
server can hand out), and, when a CalDAV server is named, publishes each agency's calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from pydantic import Field

from dondoc.configuration.settings import get_settings
from dondoc.domain.dates import vn_date
from flows.form_fields import AS_OF, PROVINCE, OptionalFormDate, as_of_or_today
from tasks.calendars import publish_caldav, write_calendar_files
from tasks.database import migrate_database

OUT_DIR: Any = Field(
    title="Thư mục lưu lịch",
    json_schema_extra={"title": "Thư mục lưu lịch"},
    default=None,
    description="Thư mục lưu tệp .ics; để trống: <thư mục dữ liệu>/calendars",
)
CALDAV_URL: Any = Field(
    title="Máy chủ CalDAV",
    json_schema_extra={"title": "Máy chủ CalDAV"},
    default=None,
    description="Địa chỉ máy chủ CalDAV (để trống: không đẩy lên CalDAV)",
)
CALDAV_USER: Any = Field(
    title="Tài khoản CalDAV", json_schema_extra={"title": "Tài khoản CalDAV"}, default=None, description="Tài khoản CalDAV"
)
CALDAV_PASSWORD_ENV: Any = Field(
    title="Biến môi trường chứa mật khẩu",
    json_schema_extra={"title": "Biến môi trường chứa mật khẩu"},
    default=None,
    description="Tên biến môi trường trên máy worker chứa mật khẩu CalDAV (không nhập mật khẩu ở đây)",
)


def _run_name() -> str:
    p = flow_run.parameters
    return f"Lịch hạn · {p.get('province') or 'tất cả các tỉnh'} · {vn_date(as_of_or_today(p.get('as_of')))}"


@flow(name="export-calendars", flow_run_name=_run_name, persist_result=False)
def export_calendars(
    province: str | None = PROVINCE,
    as_of: OptionalFormDate = AS_OF,
    out_dir: str | None = OUT_DIR,
    caldav_url: str | None = CALDAV_URL,
    caldav_user: str | None = CALDAV_USER,
    caldav_password_env: str | None = CALDAV_PASSWORD_ENV,
) -> dict[str, Any]:
    """Xuất lịch hạn nhiệm vụ (.ics) cho từng cơ quan, văn bản, tỉnh; đẩy lên CalDAV nếu có."""
    migrate_database()
    day = as_of_or_today(as_of)
    folder = Path(out_dir) if out_dir else get_settings().data_dir / "calendars"
    files = write_calendar_files(folder, day, province)
    logger = get_run_logger()
    logger.info("%d lịch .ics trong %s (%d sự kiện)", len(files), folder, sum(f["events"] for f in files))
    published: list[dict[str, Any]] = []
    if caldav_url:
        published = publish_caldav(caldav_url, caldav_user, caldav_password_env, day, province)
        logger.info("CalDAV %s: %d lịch cơ quan", caldav_url, len(published))
    return {"files": files, "caldav": published}
