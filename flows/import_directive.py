"""import-directive: a directive YAML (a path on the server, or its content pasted in the form),
validated and written by the same code as `dondoc import`, with the same errors."""

from __future__ import annotations

from typing import Any

from prefect import flow
from pydantic import Field

from dondoc.errors import InputError
from flows.form_fields import AS_OF, OptionalFormDate, as_of_or_today
from tasks.database import migrate_database
from tasks.directives import import_directive_task

PATH: Any = Field(
    title="Đường dẫn tệp",
    json_schema_extra={"title": "Đường dẫn tệp"},
    default=None,
    description="Đường dẫn tệp YAML (hoặc thư mục) trên máy chạy dondoc, ví dụ directives_seed/000_dong-nai_11677-UBND-HCC.yaml",
)
CONTENT: Any = Field(
    title="Nội dung tệp YAML",
    json_schema_extra={"title": "Nội dung tệp YAML"},
    default=None,
    description="Hoặc dán nội dung tệp YAML vào đây",
)
FILE_NAME: Any = Field(
    title="Tên tệp",
    json_schema_extra={"title": "Tên tệp"},
    default="van-ban.yaml",
    description="Tên tệp dùng trong thông báo lỗi khi dán nội dung",
)


@flow(name="import-directive", flow_run_name="Nhập văn bản · {file_name}", persist_result=False)
def import_directive(
    path: str | None = PATH,
    content: str | None = CONTENT,
    file_name: str = FILE_NAME,
    as_of: OptionalFormDate = AS_OF,
) -> dict[str, Any]:
    """Nhập một văn bản chỉ đạo (kiểm tra toàn bộ trước, ghi tất cả hoặc không ghi gì)."""
    migrate_database()
    if bool(path) == bool(content):
        raise InputError("import-directive: give either path or content (exactly one)")
    return import_directive_task(path or None, content or None, file_name, as_of_or_today(as_of))
