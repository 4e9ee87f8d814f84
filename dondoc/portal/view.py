"""What the portal pages show, computed from plain facts (pure: status and colour as of a day)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dondoc.domain.dates import VN_TZ, period_phrase, vn_date
from dondoc.domain.policy import Policy
from dondoc.domain.status import COLOUR_HEX, STATUS_VI, Colour, InstanceFacts, Status, colour_of, status_of
from dondoc.domain.vocabulary import directive_label
from dondoc.domain.workdays import WorkCalendar
from dondoc.portal.facts import QueueItem, SubmissionFacts, TaskFacts
from dondoc.portal.rules import TYPE_NAMES, KpiField, kpi_fields

KIND_VI = {"completion": "Báo cáo hoàn thành", "extension": "Xin gia hạn", "input": "Đầu vào phối hợp"}
STATE_VI = {
    "pending": "Chờ Văn phòng duyệt",
    "approved": "Đã duyệt",
    "rejected": "Bị từ chối",
    "received": "Đã gửi đơn vị chủ trì",
}
_URGENCY = {Status.OVERDUE: 0, Status.IN_PROGRESS: 1, Status.UNDATED: 2, Status.ONGOING: 3, Status.NOT_YET_OPEN: 4}


@dataclass(frozen=True)
class Card:
    instance_id: int
    role: str
    directive: str
    directive_label: str
    directive_title: str
    clause: str
    summary: str
    text: str
    deadline_text: str
    lead_name: str
    period_vi: str
    status: Status
    status_vi: str
    colour: Colour
    colour_hex: str
    due_vi: str
    original_due_vi: str
    days_vi: str
    completed_vi: str
    evidence: str
    extended_reason: str
    kpis: list[KpiField]
    waits_vi: str
    pending: list[SubmissionFacts]
    inputs: list[SubmissionFacts]
    due: date | None

    @property
    def badge_text(self) -> str:
        """Dark text on the yellow badge (white on yellow is unreadable in sunlight)."""
        return "#1f2328" if self.colour == Colour.VANG else "#ffffff"

    @property
    def can_complete(self) -> bool:
        return self.role == "lead" and self.status in (Status.OVERDUE, Status.IN_PROGRESS, Status.UNDATED, Status.ONGOING)

    @property
    def can_extend(self) -> bool:
        return self.role == "lead" and self.due is not None and self.status in (Status.OVERDUE, Status.IN_PROGRESS)

    @property
    def has_pending(self) -> bool:
        return bool(self.pending)


def days_vi(due: date | None, as_of: date, status: Status) -> str:
    if due is None or status not in (Status.OVERDUE, Status.IN_PROGRESS):
        return ""
    left = (due - as_of).days
    if left > 0:
        return f"còn {left} ngày"
    if left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-left} ngày"


def card(
    task: TaskFacts,
    *,
    as_of: date,
    calendar: WorkCalendar,
    policy: Policy,
    submissions: Sequence[SubmissionFacts] = (),
    waits: tuple[int, int] | None = None,
) -> Card:
    status = status_of(InstanceFacts(task.kind, task.state, task.opens_on, task.due, task.completed_on), as_of)
    colour = colour_of(status, task.due, as_of, calendar, policy)
    waits_vi = ""
    if waits is not None:
        done, total = waits
        waits_vi = f"Đầu vào đã nhận {done}/{total}" + (f"; còn chờ {total - done} đơn vị" if total > done else "")
    return Card(
        task.instance_id,
        task.role,
        task.directive,
        directive_label(task.directive_number, task.directive),
        task.directive_title,
        task.clause,
        task.summary,
        task.text,
        task.deadline_text or "",
        task.lead_name,
        period_phrase(task.period),
        status,
        STATUS_VI[status],
        colour,
        COLOUR_HEX[colour],
        vn_date(task.due, "không có hạn"),
        vn_date(task.original_due, "") if task.original_due and task.original_due != task.due else "",
        days_vi(task.due, as_of, status),
        vn_date(task.completed_on, ""),
        task.evidence or "",
        task.extended_reason or "",
        kpi_fields(task.kpis),
        waits_vi,
        [s for s in submissions if s.state == "pending"],
        [s for s in submissions if s.kind == "input"],
        task.due,
    )


def most_urgent_first(cards: Sequence[Card]) -> list[Card]:
    """Overdue (longest overdue first), then in time by due date, then undated and ongoing."""
    return sorted(cards, key=lambda c: (_URGENCY.get(c.status, 5), c.due or date.max, c.directive, c.clause, c.instance_id))


QUEUE_COLUMNS = ("Số đề nghị", "Loại", "Đơn vị", "Văn bản · mục", "Hạn hiện tại", "Nội dung", "Gửi lúc", "Văn phòng duyệt")


def queue_rows(items: Sequence[QueueItem]) -> list[dict[str, str]]:
    """The approval queue as table rows (the Prefect artifact); oldest first, as the portal shows it."""
    rows: list[dict[str, str]] = []
    for item in items:
        s, t = item.submission, item.task
        if s.kind == "completion":
            what = f"Báo cáo {s.report_number} ngày {vn_date(s.report_date)}" + (f" (tệp {s.file_name})" if s.file_name else "")
        else:
            what = f"Gia hạn đến {vn_date(s.new_due)}: {s.note or ''}".strip()
        values = (
            str(s.id),
            KIND_VI.get(s.kind, s.kind),
            item.agency_name,
            f"{t.directive_number or t.directive} · {t.clause}",
            vn_date(t.due, "không có hạn"),
            what,
            vn_time(s.submitted_at),
            t.coordinator,
        )
        rows.append(dict(zip(QUEUE_COLUMNS, values, strict=True)))
    return rows


def vn_time(instant: datetime | None) -> str:
    """An instant (stored UTC; SQLite drops the zone) as people here read it: dd/mm/yyyy HH:MM, Asia/Ho_Chi_Minh."""
    if instant is None:
        return ""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def size_vi(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def type_vi(mime: str | None) -> str:
    return TYPE_NAMES.get(mime or "", mime or "")
