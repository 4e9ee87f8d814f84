"""Directives and the assignments they make."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime
from dondoc.domain.vocabulary import directive_label


class Directive(SQLModel, table=True):
    __tablename__ = "directive"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=80)
    number: str | None = Field(default=None, max_length=80)
    province: str = Field(foreign_key="province.code", index=True, max_length=64)
    issuer_code: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    issued_year: int
    issued_month: int | None = None
    issued_day: int | None = None
    title: str
    source_file: str
    seed_file: str
    signer: str | None = None
    coordinator_code: str = Field(max_length=64)
    start_date: date
    end_date: date | None = None
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kpis: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = None
    content_hash: str = Field(max_length=64)
    imported_at: datetime = Field(sa_type=AwareDateTime)

    @property
    def display_number(self) -> str:
        return directive_label(self.number, self.code)


class Assignment(SQLModel, table=True):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("directive_id", "clause"),)

    id: int | None = Field(default=None, primary_key=True)
    directive_id: int = Field(foreign_key="directive.id", index=True)
    position: int
    clause: str = Field(max_length=40)
    text: str
    summary: str
    lead_code: str = Field(max_length=64)  # the first lead (lists and labels); ``lead_codes`` has them all
    lead_is_group: bool
    lead_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default=sql_text("'[]'")))
    co_agencies: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    deliverable: str | None = None
    deadline_text: str | None = None
    deadline_kind: str = Field(max_length=16)
    deadline_reading: str
    deadline_rule: str | None = None
    deadline_understood: bool = True
    report_to: str | None = Field(default=None, max_length=64)  # the first body; ``report_to_codes`` has them all
    report_to_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default=sql_text("'[]'")))
    report_via: str | None = Field(default=None, max_length=64)
    start_date: date | None = None  # the item's own start when the text gives one
    ad_hoc: str | None = None  # "hoặc đột xuất khi có yêu cầu": recorded and shown, never planned
    repeats: str | None = Field(default=None, max_length=40)  # clause of the same task elsewhere: planned there
    depends_on: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kpis: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = None
    active: bool = True
