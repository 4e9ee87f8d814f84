"""Parameter definitions shared by the flows: they become the deployment forms in the Prefect UI,
so titles are the parameter names and descriptions speak to the coordinator, in Vietnamese."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from dondoc.clock import today_vn

AS_OF: Any = Field(
    default=None,
    description="Ngày tính trạng thái, dạng yyyy-mm-dd (mặc định: hôm nay theo giờ Việt Nam); đặt ngày cũ để chạy lại quá khứ",
)
TODAY: Any = Field(
    default=None,
    description="Ngày thực tế (để trống: hôm nay theo giờ Việt Nam); chỉ dùng khi chạy lại hoặc kiểm thử",
)
PROVINCE: Any = Field(default=None, description="Mã tỉnh, ví dụ dong-nai; để trống: tất cả các tỉnh")


def as_of_or_today(value: object) -> date:
    """A date parameter as given (date or ISO text), or today in Asia/Ho_Chi_Minh.

    Flows never read the wall clock themselves: this asks :func:`dondoc.clock.today_vn`, which
    honours ``DONDOC_TODAY`` (replays and tests fix "today" there).
    """
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)) if value else today_vn()
