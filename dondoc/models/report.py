"""Frozen report snapshots: a closed period's report, stored so that regenerating it gives the same numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime


class ReportSnapshot(SQLModel, table=True):
    __tablename__ = "report_snapshot"
    __table_args__ = (UniqueConstraint("province", "period_key", "cutoff_mode", name="uq_report_snapshot_period"),)

    id: int | None = Field(default=None, primary_key=True)
    province: str = Field(foreign_key="province.code", max_length=64)
    period_key: str = Field(max_length=16)
    cutoff_mode: str = Field(max_length=16)
    window_start: date
    window_end: date
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=AwareDateTime)
    created_by: str = Field(max_length=120)
