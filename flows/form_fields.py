"""Parameter definitions shared by the flows: they become the deployment forms in the Prefect UI,
so every field has a Vietnamese title and a description that speaks to the coordinator.

Dates are typed as text, dd/mm/yyyy, and validated: the UI's date picker shows mm/dd/yyyy in
every browser language (04/12 would read as 12 April). Optional values are plain text boxes
whose empty value means "not given" (an ``X | None`` parameter makes the form show a type toggle
before anything can be typed). Values arriving as ISO text (the completion trigger) or as
``date``/``int`` objects (flows calling flows) are accepted too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from dondoc.clock import today_vn
from dondoc.domain.dates import parse_vn_date

#: dd/mm/yyyy (what people type), or yyyy-mm-dd (what the completion trigger sends).
DATE_PATTERN = r"^\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\s*$"
OPTIONAL_DATE_PATTERN = r"^\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})?\s*$"
OPTIONAL_ID_PATTERN = r"^\s*\d*\s*$"


def _to_date(value: object) -> object:
    """Text → date (dd/mm/yyyy or ISO); empty → None; anything else is left to pydantic."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    return parse_vn_date(text) if text else None


def _to_id(value: object) -> object:
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{text!r} không phải mã nhiệm vụ (một số, ví dụ 674); để trống nếu chọn theo văn bản, mục, cơ quan")
    return int(text)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


FormDate = Annotated[
    date,
    BeforeValidator(_to_date),
    WithJsonSchema({"type": "string", "pattern": DATE_PATTERN, "examples": ["04/12/2023"]}),
]
OptionalFormDate = Annotated[
    date | None,
    BeforeValidator(_to_date),
    WithJsonSchema({"type": "string", "pattern": OPTIONAL_DATE_PATTERN, "examples": ["06/12/2023"]}),
]
OptionalFormId = Annotated[
    int | None,
    BeforeValidator(_to_id),
    WithJsonSchema({"type": "string", "pattern": OPTIONAL_ID_PATTERN, "examples": ["674"]}),
]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none), WithJsonSchema({"type": "string"})]

def form_field(title: str, description: str, default: Any = "") -> Any:
    """A form field with a Vietnamese title (Prefect names every field after its parameter unless
    the schema's extra says otherwise); ``default=...`` makes it required."""
    return Field(
        default=default,
        validate_default=default is not ...,
        title=title,
        description=description,
        json_schema_extra={"title": title},
    )


AS_OF: Any = form_field(
    "Tính đến ngày",
    "Ngày tính trạng thái, dạng dd/mm/yyyy, ví dụ 06/12/2023 (để trống: hôm nay theo giờ Việt Nam); đặt ngày cũ để chạy lại quá khứ",
)
TODAY: Any = form_field(
    "Ngày thực tế", "Ngày thực tế, dạng dd/mm/yyyy (để trống: hôm nay theo giờ Việt Nam); chỉ dùng khi chạy lại hoặc kiểm thử"
)
PROVINCE: Any = form_field("Tỉnh", "Mã tỉnh, ví dụ dong-nai; để trống: tất cả các tỉnh", default=None)


def as_of_or_today(value: object) -> date:
    """A date parameter as given (date, dd/mm/yyyy or ISO text), or today in Asia/Ho_Chi_Minh.

    Flows never read the wall clock themselves: this asks :func:`dondoc.clock.today_vn`, which
    honours ``DONDOC_TODAY`` (replays and tests fix "today" there).
    """
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    return parse_vn_date(text) if text else today_vn()
