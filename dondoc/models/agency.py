"""Agencies of a province, dated: groups, memberships, successions and province mergers (issue 11)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class Province(SQLModel, table=True):
    __tablename__ = "province"

    code: str = Field(primary_key=True, max_length=64)
    name: str
    registry_as_of: date
    registry_file: str
    note: str | None = None


class Agency(SQLModel, table=True):
    __tablename__ = "agency"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=64)
    province: str = Field(foreign_key="province.code", index=True, max_length=64)
    name: str
    short_name: str | None = None
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kind: str = Field(max_length=32)
    parent_code: str | None = Field(default=None, max_length=64)
    contacts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: date | None = None
    valid_to: date | None = None
    successor_code: str | None = Field(default=None, max_length=64)
    commune_type: str | None = Field(default=None, max_length=16, description="xa | phuong | dac_khu (kind: commune)")
    formed_from: str | None = None
    resolution: str | None = None
    note: str | None = None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class AgencyGroup(SQLModel, table=True):
    """A collective addressee that fans out to its member agencies."""

    __tablename__ = "agency_group"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=64)
    province: str = Field(foreign_key="province.code", index=True, max_length=64)
    name: str
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    includes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    complete: bool = True
    valid_from: date | None = None
    valid_to: date | None = None
    successor_code: str | None = Field(default=None, max_length=64, description="The group that takes over after valid_to")
    note: str | None = None


class GroupMember(SQLModel, table=True):
    """Flattened membership (direct members plus those of included groups)."""

    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "agency_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="agency_group.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    direct: bool = True


class AgencySuccession(SQLModel, table=True):
    """One ended agency and who receives its work from ``effective`` (one row per agency that ends)."""

    __tablename__ = "agency_succession"

    id: int | None = Field(default=None, primary_key=True)
    from_code: str = Field(index=True, unique=True, max_length=64)
    province: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=24)
    effective: date
    to_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    work: str = Field(default="all", max_length=8)
    lead_code: str | None = Field(default=None, max_length=64)
    unconfirmed: bool = False
    source: str | None = None
    note: str | None = None
    registry_file: str

    @property
    def receivers(self) -> list[str]:
        """The agencies that take over the work (every successor, or the named lead)."""
        return [self.lead_code] if self.work == "lead" and self.lead_code else list(self.to_codes)


class ProvinceMerger(SQLModel, table=True):
    """A province that merged into another: its directives continue there from ``effective``."""

    __tablename__ = "province_merger"

    id: int | None = Field(default=None, primary_key=True)
    from_province: str = Field(index=True, unique=True, max_length=64)
    into_province: str = Field(max_length=64, index=True)
    effective: date
    source: str | None = None
    note: str | None = None
