"""What the coordinator's UI says about a directive on a day: pure functions, no Prefect, no session.

The Prefect layer (``tasks/tracking.py``, ``flows/``) only carries these values to the UI: a
task-run name and a state named with the official status for each assignment, a flow-run name,
and three artifacts under stable keys (instance table, progress, Markdown summary).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from dondoc.directives.rows import AssignmentProgress, TaskRow
from dondoc.domain.dates import vn_date
from dondoc.domain.numbers import percent_vi
from dondoc.domain.periods import period_vi
from dondoc.domain.status import COUNTED, OFFICIAL_ORDER, STATUS_VI, Status, assignment_status, days_overdue
from dondoc.domain.text import slug
from dondoc.domain.vocabulary import directive_label
from dondoc.domain.workdays import WorkCalendar
from dondoc.errors import InputError

#: Event emitted when a completion is recorded; the trigger in prefect.yaml listens for it.
COMPLETED_EVENT = "dondoc.task.completed"
#: Emitted when an extension is recorded (the portal's approval): the same payload, ``completed_on`` empty.
EXTENDED_EVENT = "dondoc.task.extended"
#: Resource ids of directives in Prefect events: ``dondoc.directive.<code>``.
DIRECTIVE_RESOURCE_PREFIX = "dondoc.directive."
#: How many overdue lines the Markdown summary lists before pointing to the table.
SUMMARY_OVERDUE_LIMIT = 40
#: Rows of the instance table artifact (a directive years old can have thousands of overdue rows).
TABLE_LIMIT = 500

_SHOWN = frozenset({*COUNTED, Status.ONGOING, Status.UNDATED})

#: Tag of every tracking flow run (deployment runs, the daily sweep's subflows, the trigger's
#: refreshes): ``dondoc stack up`` prints the UI link ``/runs?tag=tracking`` that filters on it.
TRACKING_TAG = "tracking"

#: The Prefect state *type* each official status ends in, so the UI's badge colour carries the
#: official colour class: done → COMPLETED (green), overdue → FAILED (red), everything still open
#: or not counted (in progress, ongoing, not yet open, undated, cancelled) → CANCELLED (grey,
#: neither). The state *name* is always the official status. Only final types are used, so a
#: tracking run never leaves a task run waiting. FAILED here is a verdict on the agencies, not a
#: software failure: the assessment task has no retries, nothing waits on its result (the graph's
#: edges are declared, see tasks/tracking.py), and the daily sweep reads its subflows' states
#: instead of raising on them.
STATE_TYPE: dict[Status, str] = {
    **dict.fromkeys((Status.DONE_ON_TIME, Status.DONE_LATE), "COMPLETED"),
    Status.OVERDUE: "FAILED",
    **dict.fromkeys(
        (Status.IN_PROGRESS, Status.ONGOING, Status.NOT_YET_OPEN, Status.UNDATED, Status.CANCELLED, Status.NOT_ISSUED), "CANCELLED"
    ),
}


@dataclass(frozen=True)
class TrackedDirective:
    code: str
    number: str | None
    title: str
    province: str

    @property
    def display(self) -> str:
        return directive_label(self.number, self.code)


@dataclass(frozen=True)
class AssignmentView:
    """One Prefect task run: its name, the state it ends in, and what it waits for."""

    clause: str
    task_run_name: str
    status: Status
    message: str
    depends_on: tuple[str, ...] = ()

    @property
    def state_name(self) -> str:
        return STATUS_VI[self.status]

    @property
    def state_type(self) -> str:
        """``COMPLETED`` / ``FAILED`` / ``CANCELLED``: see :data:`STATE_TYPE`."""
        return STATE_TYPE[self.status]


@dataclass(frozen=True)
class DirectiveSnapshot:
    directive: TrackedDirective
    as_of: date
    assignments: tuple[AssignmentView, ...]
    table: list[dict[str, str]]
    table_total: int
    progress: float
    progress_text: str
    summary_markdown: str
    counts: dict[str, int] = field(default_factory=dict)
    anything_due: bool = True

    @property
    def tags(self) -> list[str]:
        return tracking_tags(self.directive.code, self.directive.province)

    @property
    def overdue(self) -> tuple[AssignmentView, ...]:
        """The assignments with an overdue agency, in clause order."""
        return tuple(v for v in self.assignments if v.status == Status.OVERDUE)

    @property
    def run_state_name(self) -> str:
        """The tracking flow run's final state name: ``3 quá hạn · 12,0 %`` (overdue tasks, progress);
        ``0 quá hạn · chưa có việc đến hạn`` before anything falls due (0 % would read as a failure)."""
        done = percent_vi(self.progress) if self.anything_due else "chưa có việc đến hạn"
        return f"{len(self.overdue)} quá hạn · {done}"

    @property
    def run_state_type(self) -> str:
        """FAILED (red) when any task is overdue, else COMPLETED (green)."""
        return "FAILED" if self.overdue else "COMPLETED"

    @property
    def run_state_message(self) -> str:
        overdue_instances = self.counts.get(str(Status.OVERDUE), 0)
        head = (
            f"{len(self.overdue)}/{len(self.assignments)} nhiệm vụ có cơ quan quá hạn "
            f"({overdue_instances} lượt quá hạn chưa hoàn thành)"
            if self.overdue
            else f"Không có nhiệm vụ quá hạn ({len(self.assignments)} nhiệm vụ)"
        )
        return f"{head}; {self.progress_text}"

    def log_lines(self) -> list[tuple[str, str]]:
        """(level, line) for the tracking run's log: the summary, then one warning per overdue task."""
        lines = [("INFO", f"{self.directive.display} · {vn_date(self.as_of)}: {self.run_state_message}")]
        lines += [("WARNING", f"Quá hạn: {v.task_run_name}: {v.message}") for v in self.overdue]
        return lines

    def artifact_key(self, kind: str) -> str:
        return artifact_key(self.directive.code, kind)


# --- names -------------------------------------------------------------------------------------


def flow_run_name(directive: str, as_of: date) -> str:
    """``11677/UBND-HCC · 06/12/2023``: one tracking run per directive and day."""
    return f"{directive} · {vn_date(as_of)}"


def artifact_key(directive: str, kind: str) -> str:
    """Stable per directive, so the UI keeps each artifact's history: ``dondoc-11677-ubnd-hcc-instances``."""
    return f"dondoc-{slug(directive)}-{slug(kind)}"


def tracking_tags(directive: str, province: str) -> list[str]:
    return [TRACKING_TAG, f"directive:{directive}", f"province:{province}"]


#: Artifact kinds and their Vietnamese titles (the UI shows an artifact's key, which Prefect
#: restricts to lowercase ASCII, so the description starts with this title).
ARTIFACT_TITLES: dict[str, str] = {
    "instances": "Bảng theo dõi nhiệm vụ",
    "progress": "Tiến độ thực hiện",
    "summary": "Tóm tắt và danh sách quá hạn",
}


def artifact_title(kind: str, directive: TrackedDirective, as_of: date) -> str:
    """``Bảng theo dõi nhiệm vụ · 11677/UBND-HCC · 06/12/2023``."""
    return f"{ARTIFACT_TITLES[kind]} · {directive.display} · {vn_date(as_of)}"


def directive_resource_id(directive: str) -> str:
    return DIRECTIVE_RESOURCE_PREFIX + directive


def _shown_due(rows: Sequence[TaskRow]) -> date | None:
    """The due date that matters now: earliest open one, else the latest fulfilled, else the next to open."""
    open_dues = [r.due for r in rows if r.due and not r.completed_on and Status(r.status) != Status.NOT_YET_OPEN]
    if open_dues:
        return min(open_dues)
    done_dues = [r.due for r in rows if r.due and r.completed_on]
    if done_dues:
        return max(done_dues)
    future = [r.due for r in rows if r.due]
    return min(future) if future else None


def task_run_name(clause: str, lead: str, due: date | None, *, ongoing: bool = False) -> str:
    """``2.a · Các sở, ban ngành tỉnh… · hạn 09/12/2023``."""
    if due:
        when = f"hạn {vn_date(due)}"
    else:
        when = "thường xuyên" if ongoing else "chưa xác định hạn"
    return f"{clause} · {lead} · {when}"


# --- per assignment ----------------------------------------------------------------------------


def assignment_message(rows: Sequence[TaskRow], inputs_done: int | None = None, inputs_total: int | None = None) -> str:
    """``12/30 cơ quan đã hoàn thành, 3 quá hạn``; for consolidations also how many inputs arrived."""
    shown = [r for r in rows if Status(r.status) in _SHOWN]
    if not shown:
        upcoming = [r for r in rows if Status(r.status) == Status.NOT_YET_OPEN]
        if upcoming:
            first = min((r.due for r in upcoming if r.due), default=None)
            text = f"Chưa đến kỳ: {len({r.agency for r in upcoming})} cơ quan, kỳ đầu hạn {vn_date(first)}"
        else:
            text = "Không có cơ quan nào phải thực hiện"
    else:
        done = sum(1 for r in shown if r.completed_on)
        agencies = {r.agency for r in shown}
        unit = "cơ quan" if len(agencies) == len(shown) else "lượt (cơ quan × kỳ)"
        text = f"{done}/{len(shown)} {unit} đã hoàn thành"
        overdue = sum(1 for r in shown if Status(r.status) == Status.OVERDUE)
        if overdue:
            text += f", {overdue} quá hạn"
    if inputs_total is not None:
        text += f"; đầu vào đã nhận {inputs_done or 0}/{inputs_total}"
    return text


def assignment_views(progress: Sequence[AssignmentProgress], rows: Sequence[TaskRow]) -> tuple[AssignmentView, ...]:
    """One view per active assignment, in the directive's clause order (the task-run list shows them
    so); ``depends_on`` carries the consolidations' inputs for the run graph."""
    by_clause: dict[str, list[TaskRow]] = {}
    for row in rows:
        by_clause.setdefault(row.clause, []).append(row)
    views = []
    for p in progress:
        mine = by_clause.get(p.clause, [])
        status = assignment_status(Counter(Status(r.status) for r in mine))
        ongoing = bool(mine) and all(r.kind == "ongoing" for r in mine)
        views.append(
            AssignmentView(
                clause=p.clause,
                task_run_name=task_run_name(p.clause, p.lead, _shown_due(mine), ongoing=ongoing),
                status=status,
                message=assignment_message(mine, p.inputs_done, p.inputs_total),
                depends_on=tuple(d for d in p.depends_on if d != p.clause),
            )
        )
    return tuple(views)


# --- artifacts ---------------------------------------------------------------------------------


_TABLE_ORDER = {Status.OVERDUE: 0, Status.IN_PROGRESS: 1, Status.DONE_LATE: 2, Status.DONE_ON_TIME: 3}


def table_rows(rows: Iterable[TaskRow], limit: int = TABLE_LIMIT) -> tuple[list[dict[str, str]], int]:
    """The dated instances that are open, due or done as of the day, most urgent first: overdue
    (oldest first), in progress (soonest first), then done (latest first). Ongoing instances are
    summarised per assignment by the task runs; future periods are left out. Returns the first
    ``limit`` rows and how many there were in all (the UI slows down on thousands of rows)."""
    chosen = [r for r in rows if Status(r.status) in _TABLE_ORDER]

    def urgency(r: TaskRow) -> tuple[int, int, str, str]:
        status = Status(r.status)
        due = r.due.toordinal() if r.due else 0
        return _TABLE_ORDER[status], (-due if status in (Status.DONE_LATE, Status.DONE_ON_TIME) else due), r.clause, r.agency_name

    out = []
    for r in sorted(chosen, key=urgency)[:limit]:
        note = f"gia hạn (hạn gốc {vn_date(r.original_due)})" if r.extended else ""
        if r.due_on_day_off:
            note = ", ".join(n for n in (note, "hạn rơi vào ngày nghỉ") if n)
        out.append(
            {
                "Mục": r.clause,
                "Cơ quan chủ trì": r.agency_name,
                "Kỳ": period_vi(r.period),
                "Hạn": vn_date(r.due),
                "Trạng thái": STATUS_VI[Status(r.status)],
                "Hoàn thành ngày": vn_date(r.completed_on) if r.completed_on else "",
                "Căn cứ hoàn thành": r.evidence or "",
                "Ghi chú": note,
                "Mã": str(r.instance_id),
            }
        )
    return out, len(chosen)


def table_description(snapshot: DirectiveSnapshot) -> str:
    day = vn_date(snapshot.as_of)
    title = artifact_title("instances", snapshot.directive, snapshot.as_of)
    text = f"**{title}**\n\nNhiệm vụ quá hạn, đang thực hiện và đã hoàn thành tính đến {day}, khẩn nhất trước"
    if snapshot.table_total > len(snapshot.table):
        text += (
            f" ({len(snapshot.table)}/{snapshot.table_total} dòng đầu; đầy đủ: "
            f"dondoc tasks --directive {snapshot.directive.code} --as-of {day})"
        )
    return text + ". Nhiệm vụ thường xuyên: xem từng task run."


def as_columns(table: Sequence[dict[str, str]]) -> dict[str, list[str]]:
    """Column-wise form of a table: each header stored once (the instance table of a large directive
    is thousands of rows; row-wise JSON repeats every Vietnamese header in every row)."""
    if not table:
        return {}
    return {key: [row[key] for row in table] for key in table[0]}


def progress_of(rows: Iterable[TaskRow], as_of: date) -> tuple[float, str]:
    """% of the instances due by ``as_of`` that are done, and the sentence saying it."""
    due = [r for r in rows if r.due and r.due <= as_of and Status(r.status) != Status.CANCELLED]
    if not due:
        return 0.0, f"Đến {vn_date(as_of)} chưa có nhiệm vụ nào đến hạn"
    done = sum(1 for r in due if r.completed_on)
    pct = round(100.0 * done / len(due), 1)
    return pct, f"{done}/{len(due)} nhiệm vụ đã đến hạn đã hoàn thành ({percent_vi(pct)}) tính đến {vn_date(as_of)}"


def status_counts(rows: Iterable[TaskRow]) -> dict[str, int]:
    counts = Counter(Status(r.status) for r in rows)
    return {str(s): counts[s] for s in OFFICIAL_ORDER if counts[s] and s in _SHOWN}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(directive: TrackedDirective, rows: Sequence[TaskRow], as_of: date) -> str:
    """A short report: progress, counts by official category, and the overdue list (longest first)."""
    _, progress_text = progress_of(rows, as_of)
    counts = status_counts(rows)
    lines = [
        f"# {directive.display} · tình hình thực hiện đến {vn_date(as_of)}",
        "",
        f"*{_md(directive.title)}*",
        "",
        f"**Tiến độ:** {progress_text}.",
        "",
        "| Trạng thái | Số nhiệm vụ |",
        "|---|---:|",
    ]
    for status in (*COUNTED, Status.ONGOING, Status.UNDATED):
        if counts.get(str(status)):
            lines.append(f"| {STATUS_VI[status]} | {counts[str(status)]} |")
    overdue = sorted(
        (r for r in rows if Status(r.status) == Status.OVERDUE),
        key=lambda r: (r.due or as_of, r.clause, r.agency_name),
    )
    lines += ["", f"## {STATUS_VI[Status.OVERDUE]} ({len(overdue)})", ""]
    if not overdue:
        lines.append("Không có nhiệm vụ quá hạn.")
    else:
        lines += ["| Mục | Cơ quan chủ trì | Hạn | Quá hạn |", "|---|---|---|---:|"]
        for r in overdue[:SUMMARY_OVERDUE_LIMIT]:
            lines.append(f"| {_md(r.clause)} | {_md(r.agency_name)} | {vn_date(r.due)} | {days_overdue(r.due, as_of)} ngày |")
        if len(overdue) > SUMMARY_OVERDUE_LIMIT:
            lines.append("")
            lines.append(f"… và {len(overdue) - SUMMARY_OVERDUE_LIMIT} nhiệm vụ quá hạn khác (xem bảng chi tiết).")
    return "\n".join(lines) + "\n"


def build_snapshot(
    directive: TrackedDirective, progress: Sequence[AssignmentProgress], rows: Sequence[TaskRow], as_of: date
) -> DirectiveSnapshot:
    pct, text = progress_of(rows, as_of)
    table, table_total = table_rows(rows)
    return DirectiveSnapshot(
        directive=directive,
        as_of=as_of,
        assignments=assignment_views(progress, rows),
        table=table,
        table_total=table_total,
        progress=pct,
        progress_text=text,
        anything_due=any(r.due and r.due <= as_of and Status(r.status) != Status.CANCELLED for r in rows),
        summary_markdown=summary_markdown(directive, rows, as_of),
        counts=status_counts(rows),
    )


# --- sweeps, completions, replays ---------------------------------------------------------------


def is_active(start: date, end: date | None, as_of: date) -> bool:
    """A directive is swept from its start date until its end date (open-ended when none)."""
    return start <= as_of and (end is None or as_of <= end)


def day_off_reason(day: date, calendar: WorkCalendar) -> str | None:
    """Why the sweep does nothing on ``day`` (a weekend or holiday), or None on a working day."""
    if calendar.is_working_day(day):
        return None
    name = calendar.holiday_name(day)
    what = name or ("thứ Bảy" if day.weekday() == 5 else "Chủ nhật" if day.weekday() == 6 else "ngày nghỉ")
    return f"{vn_date(day)} là ngày nghỉ ({what}): không quét, không nhắc việc"


def completion_run_name(directive: str, clause: str, agency: str, completed_on: date) -> str:
    """``Hoàn thành 11677/UBND-HCC 5.b · dn-so-thong-tin-truyen-thong · 07/12/2023``: what the run recorded."""
    return f"Hoàn thành {directive} {clause} · {agency} · {vn_date(completed_on)}"


def completion_target(
    instance_id: int | None, directive: str | None, clause: str | None, agency: str | None
) -> int | tuple[str, str, str]:
    """Either an instance id, or (directive, clause, agency): say which field is missing."""
    if instance_id is not None:
        return instance_id
    if directive and clause and agency:
        return directive, clause, agency
    fields = (("Văn bản", directive), ("Mục", clause), ("Cơ quan chủ trì", agency))
    missing = [title for title, value in fields if not value]
    raise InputError(
        f"Ghi nhận hoàn thành: nhập Mã nhiệm vụ, hoặc đủ Văn bản, Mục và Cơ quan chủ trì (còn thiếu: {', '.join(missing)}); "
        "tra cứu ở cột «Mã» của bảng theo dõi hoặc bằng `dondoc tasks --directive <số hiệu>`"
    )


@dataclass(frozen=True)
class ReplayDay:
    day: date
    track: bool


def replay_plan(start: date, end: date, calendar: WorkCalendar) -> list[ReplayDay]:
    """Every working day in [start, end] gets a sweep; tracking runs on the first working day of each
    week (the Monday briefing) and on the last day, so flow runs stay a few per directive per month."""
    if end < start:
        raise InputError(f"--to {vn_date(end)} is before --from {vn_date(start)}")
    working = calendar.working_days_in(start, end)
    plan: list[ReplayDay] = []
    seen_weeks: set[tuple[int, int]] = set()
    for i, day in enumerate(working):
        week = day.isocalendar()[:2]
        track = week not in seen_weeks or i == len(working) - 1
        seen_weeks.add(week)
        plan.append(ReplayDay(day, track))
    return plan


def completion_payload(
    *, directive: str, clause: str, agency: str, instance_id: int, completed_on: date | None, as_of: date
) -> dict[str, Any]:
    """The event payload; ``directive`` and ``as_of`` become the refreshed tracking run's parameters."""
    return {
        "directive": directive,
        "as_of": as_of.isoformat(),
        "instance_id": instance_id,
        "clause": clause,
        "agency": agency,
        "completed_on": completed_on.isoformat() if completed_on else None,
    }


class RecordedTask(Protocol):
    """What a recorded completion or extension says about its task (``directives.service.Recorded``)."""

    @property
    def instance_id(self) -> int: ...
    @property
    def directive(self) -> str: ...
    @property
    def clause(self) -> str: ...
    @property
    def agency(self) -> str: ...
    @property
    def completed_on(self) -> date | None: ...


_RECORDED_FIELDS = ("directive", "clause", "agency", "instance_id", "completed_on")


def task_event(recorded: RecordedTask, as_of: date) -> tuple[dict[str, str], dict[str, Any]]:
    """The Prefect event's resource (the directive) and payload for a recorded completion or extension."""
    resource = {"prefect.resource.id": directive_resource_id(recorded.directive), "prefect.resource.name": recorded.directive}
    payload = completion_payload(**{name: getattr(recorded, name) for name in _RECORDED_FIELDS}, as_of=as_of)
    return resource, payload
