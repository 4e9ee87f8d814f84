"""Pure rules of the portal: its policy section, form parsing and upload checks (no I/O, no clock).

Every problem is reported in Vietnamese against the form field it concerns, so the page can show
it beside that field; nothing is written when any field is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dondoc.domain.dates import vn_date
from dondoc.errors import InputError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG = "image/jpeg"
PNG = "image/png"
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", JPEG: "ảnh JPEG", PNG: "ảnh PNG"}


class PortalPolicy(BaseModel):
    """``portal:`` in the policy file (*policy*: a province changes it without code)."""

    model_config = ConfigDict(extra="forbid")

    link_days: int = Field(180, ge=1, le=730, description="A department's personal link expires after this many days")
    office_link_days: int = Field(30, ge=1, le=365, description="The Office's link expires sooner: it approves")
    max_upload_mb: float = Field(10, gt=0, le=100, description="Largest report file accepted")
    allowed_types: list[str] = Field([PDF, DOCX, JPEG, PNG], description="MIME types accepted, detected from content")
    session_hours: int = Field(8, ge=1, le=72, description="How long a browser stays signed in after opening the link")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def portal_policy(extra: Mapping[str, Any]) -> PortalPolicy:
    """The ``portal`` section of a policy's ``extra`` (unknown top-level keys of the policy file)."""
    try:
        return PortalPolicy.model_validate(extra.get("portal") or {})
    except ValidationError as exc:
        problems = [f"policy portal.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise InputError(problems[0], problems=problems) from exc


class FormError(InputError):
    """Field → message (Vietnamese); the page shows each beside its field."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()), problems=[f"{k}: {v}" for k, v in fields.items()])


def parse_vn_date(value: str) -> date | None:
    """dd/mm/yyyy as people write it, or yyyy-mm-dd from a date picker; None when not a real date."""
    text = value.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar day, no time)
        except ValueError:
            continue
    return None


def _number(value: str) -> float | None:
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        return None


@dataclass(frozen=True)
class KpiField:
    """A KPI the completion form asks for (declared by the assignment or its directive)."""

    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class CompletionForm:
    """\"Báo cáo hoàn thành\" as checked: the report's number and date, a note and the KPI actuals."""

    report_number: str
    report_date: date
    note: str
    kpis: dict[str, float]

    @property
    def evidence(self) -> str:
        return f"{self.report_number} ngày {vn_date(self.report_date)}"


@dataclass(frozen=True)
class ExtensionForm:
    """\"Xin gia hạn\": the new date asked for and why."""

    new_due: date
    reason: str


@dataclass(frozen=True)
class InputForm:
    """A co-agency's input to the lead's task."""

    note: str


def kpi_fields(kpis: Sequence[Mapping[str, Any]]) -> list[KpiField]:
    """The KPI values an assignment (or its directive) asks for, as form fields."""
    out: dict[str, KpiField] = {}
    for k in kpis:
        key = str(k.get("key") or "").strip()
        if key and key not in out:
            label = str(k.get("label") or k.get("text") or k.get("name") or key)
            out[key] = KpiField(key, label, str(k.get("unit") or ""))
    return list(out.values())


def parse_completion(fields: Mapping[str, str], kpis: Sequence[KpiField], *, today: date) -> CompletionForm:
    problems: dict[str, str] = {}
    number = fields.get("report_number", "").strip()
    if not number:
        problems["report_number"] = "Nhập số, ký hiệu văn bản báo cáo (ví dụ 123/BC-SNV)."
    elif len(number) > 120:
        problems["report_number"] = "Số, ký hiệu quá dài (tối đa 120 ký tự)."
    raw_day = fields.get("report_date", "")
    day = parse_vn_date(raw_day)
    if day is None:
        problems["report_date"] = f"Ngày báo cáo «{raw_day.strip()}» không hợp lệ; nhập dạng dd/mm/yyyy."
    elif day > today:
        problems["report_date"] = f"Ngày báo cáo {vn_date(day)} ở tương lai (hôm nay là {vn_date(today)})."
    values: dict[str, float] = {}
    for kpi in kpis:
        raw = fields.get(f"kpi_{kpi.key}", "").strip()
        if not raw:
            continue
        number_value = _number(raw)
        if number_value is None:
            problems[f"kpi_{kpi.key}"] = f"Chỉ tiêu «{kpi.label}»: «{raw}» không phải là số."
        else:
            values[kpi.key] = number_value
    note = fields.get("note", "").strip()
    if len(note) > 2000:
        problems["note"] = "Ghi chú quá dài (tối đa 2.000 ký tự)."
    if problems:
        raise FormError(problems)
    assert day is not None
    return CompletionForm(number, day, note, values)


def parse_extension(fields: Mapping[str, str], *, current_due: date | None) -> ExtensionForm:
    problems: dict[str, str] = {}
    raw_day = fields.get("new_due", "")
    day = parse_vn_date(raw_day)
    if current_due is None:
        problems["new_due"] = "Nhiệm vụ thường xuyên không có hạn để gia hạn."
    elif day is None:
        problems["new_due"] = f"Hạn mới «{raw_day.strip()}» không hợp lệ; nhập dạng dd/mm/yyyy."
    elif day <= current_due:
        problems["new_due"] = f"Hạn mới phải sau hạn hiện tại {vn_date(current_due)}."
    reason = fields.get("reason", "").strip()
    if not reason:
        problems["reason"] = "Nêu lý do xin gia hạn."
    elif len(reason) > 2000:
        problems["reason"] = "Lý do quá dài (tối đa 2.000 ký tự)."
    if problems:
        raise FormError(problems)
    assert day is not None
    return ExtensionForm(day, reason)


def parse_input(fields: Mapping[str, str], *, has_file: bool) -> InputForm:
    note = fields.get("note", "").strip()
    if not note and not has_file:
        raise FormError({"note": "Nhập nội dung đầu vào hoặc đính kèm tệp."})
    if len(note) > 4000:
        raise FormError({"note": "Nội dung quá dài (tối đa 4.000 ký tự)."})
    return InputForm(note)


def parse_decision_reason(value: str, *, approve: bool) -> str:
    reason = value.strip()
    if not approve and not reason:
        raise FormError({"reason": "Nêu lý do từ chối: đơn vị sẽ nhận được lý do này qua thư."})
    if len(reason) > 2000:
        raise FormError({"reason": "Lý do quá dài (tối đa 2.000 ký tự)."})
    return reason


@dataclass(frozen=True)
class UploadCheck:
    mime: str
    extension: str


def check_upload(detected_mime: str | None, detected_ext: str | None, size: int, policy: PortalPolicy) -> UploadCheck:
    """Accept a file by its detected content type (never its name) and its size."""
    allowed = ", ".join(TYPE_NAMES.get(t, t) for t in policy.allowed_types)
    if size == 0:
        raise FormError({"file": "Tệp rỗng; chọn lại tệp báo cáo."})
    if size > policy.max_upload_bytes:
        raise FormError({"file": f"Tệp {size / 1024 / 1024:.1f} MB vượt giới hạn {policy.max_upload_mb:g} MB."})
    if detected_mime is None or detected_mime not in policy.allowed_types or detected_ext is None:
        raise FormError({"file": f"Loại tệp không được chấp nhận; chỉ nhận {allowed}."})
    return UploadCheck(detected_mime, detected_ext)


def safe_file_name(name: str) -> str:
    """A display name for a stored file: the basename, without control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip() or "tep"
    return cleaned[-200:]
