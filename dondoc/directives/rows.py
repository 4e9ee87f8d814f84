"""Read models of task instances: plain data that the CLI, the tracking view and the flows share.

Pure (no database import): :mod:`dondoc.directives.queries` fills them, pure code reads them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from dondoc.domain.status import STATUS_VI, Status
from dondoc.domain.vocabulary import directive_label

ROLE_LEAD = "chủ trì"
ROLE_CO = "phối hợp"


@dataclass(frozen=True)
class TaskRow:
    instance_id: int
    directive: str
    directive_number: str | None
    province: str
    clause: str
    summary: str
    agency: str
    agency_name: str
    role: str
    lead_agency: str
    lead_name: str
    period: str
    kind: str
    due: date | None
    original_due: date | None
    deadline_text: str | None
    report_to: tuple[str, ...]  # the bodies the lead reports to (never the lead itself)
    status: str
    status_vi: str
    colour: str
    completed_on: date | None
    evidence: str | None
    extended: bool
    due_on_day_off: bool
    report_via: str | None = None  # "báo cáo UBND tỉnh (qua Công an tỉnh)"
    ad_hoc: str | None = None  # "… hoặc đột xuất khi có yêu cầu": recorded, shown, never planned

    def as_json(self) -> dict[str, Any]:
        # field by field, not dataclasses.asdict: every value is immutable, and asdict's deep copy of
        # 26 fields was most of the time of `dondoc tasks` after the query (~0.1 ms a row)
        data = {name: getattr(self, name) for name in _TASK_ROW_FIELDS}
        for key in ("due", "original_due", "completed_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


_TASK_ROW_FIELDS = tuple(f.name for f in fields(TaskRow))


@dataclass(frozen=True)
class DirectiveHead:
    """What a progress table says of its directive (``dondoc status``, the tracking snapshot)."""

    id: int
    code: str
    number: str | None
    province: str
    title: str
    issued_year: int
    issued_month: int | None
    issued_day: int | None

    @property
    def display_number(self) -> str:
        return directive_label(self.number, self.code)

    @property
    def issued_on_or_after(self) -> date:
        """The earliest day the directive can have been issued (its day or month may be blank)."""
        return date(self.issued_year, self.issued_month or 1, self.issued_day or 1)


@dataclass(frozen=True)
class AssignmentProgress:
    clause: str
    summary: str
    lead: str
    deadline_text: str | None
    reading: str
    next_due: date | None
    counts: dict[str, int]
    total: int
    done: int
    inputs_done: int | None
    inputs_total: int | None
    depends_on: list[str]
    status: Status

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["next_due"] = self.next_due.isoformat() if self.next_due else None
        data["status"] = str(self.status)
        data["status_vi"] = STATUS_VI[self.status]
        return data


@dataclass(frozen=True)
class ClausePlan:
    """What one clause plans: `dondoc import --check` shows it before anything is written."""

    directive: str
    clause: str
    leads: tuple[str, ...]
    periods: tuple[str, ...]
    instances: int
    first_due: date | None
    last_due: date | None
    repeats: str | None
    ad_hoc: str | None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["leads"], data["periods"] = list(self.leads), list(self.periods)
        for key in ("first_due", "last_due"):
            data[key] = data[key].isoformat() if data[key] else None
        return data
