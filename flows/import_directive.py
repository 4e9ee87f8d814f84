"""import-directive: a directive YAML (a path on the server, or its content pasted in the form),
validated and written by the same code as `dondoc import`, with the same errors — or a document
(DOCX, PDF, text), drafted by the same code as `dondoc draft` and published for review, not imported."""

from __future__ import annotations

from typing import Any

from prefect import flow
from pydantic import Field

from dondoc.errors import InputError
from flows.form_fields import AS_OF, OptionalFormDate, as_of_or_today
from tasks.database import migrate_database
from tasks.directives import import_directive_task
from tasks.intake import draft_document_task, publish_draft

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
    description="Hoặc dán nội dung tệp YAML vào đây (ví dụ bản nháp đã duyệt)",
)
DOCUMENT: Any = Field(
    title="Văn bản gốc",
    json_schema_extra={"title": "Văn bản gốc"},
    default=None,
    description="Hoặc đường dẫn văn bản gốc (DOCX, PDF có lớp chữ, TXT, Markdown): hệ thống lập bản nháp để Văn phòng duyệt, chưa nhập",
)
PROVINCE: Any = Field(
    title="Tỉnh",
    json_schema_extra={"title": "Tỉnh"},
    default=None,
    description="Mã tỉnh của văn bản gốc, ví dụ dong-nai (để trống: nhận từ cơ quan ban hành)",
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
    document: str | None = DOCUMENT,
    province: str | None = PROVINCE,
    file_name: str = FILE_NAME,
    as_of: OptionalFormDate = AS_OF,
) -> dict[str, Any]:
    """Nhập một văn bản chỉ đạo (kiểm tra toàn bộ trước, ghi tất cả hoặc không ghi gì), hoặc lập bản nháp từ văn bản gốc để duyệt."""
    if sum(bool(v) for v in (path, content, document)) != 1:
        raise InputError("import-directive: give exactly one of path, content (a directive YAML) or document (a file to draft)")
    if document:
        draft = draft_document_task(document, province or None)
        return {"draft_artifact": publish_draft(draft), "assignments": draft["assignments"], "review": draft["review"], "imported": False}
    migrate_database()
    return import_directive_task(path or None, content or None, file_name, as_of_or_today(as_of))
