"""Province policy (DOMAIN.md: everything marked *policy*), as typed data.

Defaults live in ``dondoc/data/policy.yaml``; a province or a directive overrides any
part of it. Loading the files is the adapter's job (``dondoc.configuration.files``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeadlinePolicy(_Section):
    strict_truoc_ngay: bool = Field(True, description="'trước ngày D' means D-1 (strict) or D")
    roll_day_off_to_next_working_day: bool = Field(False, description="BLDS 2015 Điều 148.5 reading")
    first_cycle_min_days: int = Field(
        7, ge=0, le=92, description="A cycle's first period falls due at least this many days after its start, unless the text says when"
    )


class ReportingCalendar(_Section):
    """Due days for cycles that name no day ("định kỳ hàng quý")."""

    monthly_day: int = Field(15, ge=1, le=28)
    quarterly_day: int = Field(15, ge=1, le=28, description="Day of the quarter's last month")
    half_yearly_day: int = Field(15, ge=1, le=28, description="Day of June and December")
    yearly_day: int = Field(15, ge=1, le=28, description="Day of December")
    first_week_day: int = Field(7, ge=1, le=28, description="'tuần lễ đầu tiên' of a month ends on this day")
    unspecified_cycle: Literal["monthly", "quarterly", "half_yearly", "yearly"] | None = Field(
        "quarterly", description="Reading of 'định kỳ theo quy định' (no cycle named); null flags it as not understood"
    )


class StatusPolicy(_Section):
    due_soon_working_days: int = Field(3, ge=0, description="Open tasks due within this many working days are yellow")


class RatingPolicy(_Section):
    """On-time rate thresholds (percent) for agency and directive colours."""

    xanh: float = 97.0
    vang: float = 90.0
    cam: float = 80.0


class EscalationStep(_Section):
    """Who is told when an instance is overdue by ``after_working_days`` working days."""

    after_working_days: int = Field(ge=1)
    roles: list[Literal["focal", "head", "coordinator", "leadership"]]
    require_explanation: bool = Field(False, description="Marked 'yêu cầu báo cáo giải trình' (NĐ 61/2018)")


class ReminderPolicy(_Section):
    """The reminder ladder (DOMAIN.md §5). Working days exclude weekends and holidays."""

    send_time: str = Field("07:30", pattern=r"^\d{2}:\d{2}$", description="Local time (Asia/Ho_Chi_Minh)")
    lead_before: list[int] = Field([7, 3, 1, 0], description="Working days before due (0 = the last on-time day)")
    lead_before_monthly: list[int] = Field([3, 1, 0], description="Same, for monthly cycles")
    co_agency_before: list[int] = Field([7, 3], description="Co-agencies are reminded of their input")
    escalation: list[EscalationStep] = Field(
        default_factory=lambda: [
            EscalationStep(after_working_days=1, roles=["focal", "head"]),
            EscalationStep(after_working_days=3, roles=["focal", "head", "coordinator"]),
            EscalationStep(after_working_days=7, roles=["focal", "head", "coordinator", "leadership"], require_explanation=True),
        ]
    )
    repeat_every_days: int = Field(7, ge=1, description="After the last step, repeat every N calendar days until resolved")
    first_sweep_lookback_days: int = Field(
        7, ge=0, le=60, description="A province's first sweep also delivers stages that fell due this many days earlier"
    )
    max_catch_up_days: int = Field(31, ge=1, le=366, description="After downtime, look back at most this many days")
    retry_after_minutes: int = Field(10, ge=0, description="First retry of a failed delivery after this many minutes")
    retry_max_minutes: int = Field(720, ge=0, description="Backoff doubles per attempt up to this cap")
    report_failures_after_attempts: int = Field(
        3, ge=1, description="A recipient failing this many times is reported to the directive's coordinating office"
    )
    chat_max_chars: int | None = Field(None, ge=200, description="Split chat digests below this length (default: the channel's limit)")


class ReportPolicy(_Section):
    """Periodic reform reports (DOMAIN.md §6); rating thresholds are in ``rating``."""

    cutoff: Literal["nd09", "calendar"] = Field("nd09", description="NĐ 09/2019 data window (15th to 14th) or calendar periods")
    cutoff_day: int = Field(14, ge=1, le=28, description="Last day of data in the period's last month (NĐ 09/2019: 14)")
    issuer_short: str = Field("VĂN PHÒNG", description="Issuing unit under 'UBND TỈNH …' in the header")
    number_symbol: str = Field("BC-VPUBND", description="Symbol after 'Số: …/'")
    signer_title: list[str] = Field(["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"], description="Title lines above the signature")
    recipients: list[str] = Field(
        ["Sở Nội vụ;", "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Chánh, các Phó Chánh Văn phòng UBND tỉnh;", "Lưu: VT, HCC."],
        description="'Nơi nhận' lines",
    )


class CalendarPolicy(_Section):
    """iCal feeds (issue 6)."""

    refresh_hours: int = Field(6, ge=1, le=168, description="REFRESH-INTERVAL / X-PUBLISHED-TTL suggested to subscribers")
    summary_chars: int = Field(60, ge=20, le=200, description="Task summaries longer than this are cut with '…' in titles")
    alarms: bool = Field(True, description="Add VALARMs on the reminder ladder's pre-due days")


class Policy(_Section):
    reports: ReportPolicy = ReportPolicy()
    deadline: DeadlinePolicy = DeadlinePolicy()
    reporting_calendar: ReportingCalendar = ReportingCalendar()
    horizon_months: int = Field(12, ge=1, le=60, description="Rolling horizon for open-ended cycles")
    status: StatusPolicy = StatusPolicy()
    rating: RatingPolicy = RatingPolicy()
    reminders: ReminderPolicy = ReminderPolicy()
    calendars: CalendarPolicy = CalendarPolicy()
    extra: dict[str, Any] = Field(default_factory=dict, description="Sections owned by other features")


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
