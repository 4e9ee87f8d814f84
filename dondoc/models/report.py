"""Frozen report snapshots: a closed period's report, stored so that regenerating it gives the same numbers,
and the per-agency counts of closed periods that all-time figures are summed from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime


class PeriodScope(SQLModel):
    """A province's reporting period and its data window (the columns every stored period shares)."""

    province: str = Field(foreign_key="province.code", max_length=64)
    period_key: str = Field(max_length=16)
    cutoff_mode: str = Field(max_length=16)
    window_start: date
    window_end: date


class ReportSnapshot(PeriodScope, table=True):
    __tablename__ = "report_snapshot"
    __table_args__ = (UniqueConstraint("province", "period_key", "cutoff_mode", name="uq_report_snapshot_period"),)

    id: int | None = Field(default=None, primary_key=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=AwareDateTime)
    created_by: str = Field(max_length=120)


class PeriodCountSnapshot(PeriodScope, table=True):
    """A closed period's settled counts for one province, frozen: what the tasks settled in its window add up to.

    Its per-agency rows are :class:`PeriodCountRow`. ``checked_at`` is how far the audit trail has been
    checked for completions recorded later with a date inside the window (which re-open it)."""

    __tablename__ = "period_count_snapshot"
    __table_args__ = (UniqueConstraint("province", "cutoff_mode", "period_key", name="uq_period_count_snapshot"),)

    id: int | None = Field(default=None, primary_key=True)
    frozen_at: datetime = Field(sa_type=AwareDateTime)
    frozen_by: str = Field(max_length=120)
    checked_at: datetime = Field(sa_type=AwareDateTime)


class PeriodCountRow(SQLModel, table=True):
    """One agency's tasks settled in a frozen period's window (``report_math.Settled``)."""

    __tablename__ = "period_count_row"
    __table_args__ = (UniqueConstraint("snapshot_id", "agency_id", name="uq_period_count_row"),)

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="period_count_snapshot.id")
    agency_id: int = Field(foreign_key="agency.id")
    on_time: int = 0
    late: int = 0
    extended: int = 0
    ongoing: int = 0
    undated: int = 0
