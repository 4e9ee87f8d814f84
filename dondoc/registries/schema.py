"""Pydantic models for untrusted registry YAML (directives_seed/agencies/*.yaml).

Two shapes share these models: a full registry (the 2023 files: every agency and group of a
province as of ``as_of``) and a dated change file (the 2025 files: what starts, ends and
succeeds on ``as_of``; agencies not mentioned keep going). docs/agencies.md describes both.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dondoc.domain.dates import vn_date
from dondoc.domain.vocabulary import AgencyKind

CODE_RE = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Code = Annotated[str, Field(min_length=2, max_length=64, pattern=CODE_RE.pattern)]


class CommuneType(StrEnum):
    """Commune-level units from 1/7/2025: xã, phường, đặc khu (NQ 202/2025/QH15, Luật TCCQĐP 2025)."""

    xa = "xa"
    phuong = "phuong"
    dac_khu = "dac_khu"


class SuccessionKind(StrEnum):
    MERGER = "merger"  # A + B → C
    ABSORPTION = "absorption"  # A → B, B continues
    SPLIT = "split"  # A → B, C, … (one district's work → the communes formed from its units)
    RENAME = "rename"  # A → A'
    PROVINCE_MERGER = "province_merger"


class Contact(Strict):
    """One address of a contact; ``url`` is an Apprise URL or a bare e-mail address."""

    role: Literal["focal", "head"]
    channel: Literal["email", "zalo", "telegram", "teams", "webhook", "sms"] = "email"
    address: str = Field(min_length=3)
    name: str | None = None


class AgencyIn(Strict):
    code: Code
    name: str = Field(min_length=3, description="Full official name, with diacritics")
    short_name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    kind: AgencyKind
    parent: Code | None = None
    groups: list[Code] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    valid_from: date | None = None
    valid_to: date | None = None
    successor: Code | None = None
    commune_type: CommuneType | None = None
    formed_from: str | None = Field(default=None, description="'Hình thành từ', verbatim from the resolution")
    resolution: str | None = Field(default=None, description="The resolution and clause that formed the unit")
    note: str | None = None

    @model_validator(mode="after")
    def _dates_and_commune(self) -> AgencyIn:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {vn_date(self.valid_to)} is before valid_from {vn_date(self.valid_from)}")
        if self.commune_type is not None and self.kind is not AgencyKind.commune:
            raise ValueError("commune_type is only for kind: commune")
        return self


class GroupIn(Strict):
    """A collective addressee ("Các sở, ban, ngành tỉnh") that fans out to its members.

    Members are the agencies that list the group in ``groups`` plus the members of
    every group in ``includes``. ``complete: false`` says the registry knows only part
    of the membership (e.g. communes) and ``note`` says why.
    """

    code: Code
    name: str = Field(min_length=3)
    aliases: list[str] = Field(default_factory=list)
    includes: list[Code] = Field(default_factory=list)
    complete: bool = True
    valid_from: date | None = None
    valid_to: date | None = None
    note: str | None = None


class SuccessionIn(Strict):
    """Agencies in ``from`` and not in ``to`` end the day before ``effective``; their work passes on."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    kind: SuccessionKind
    effective: date
    from_: list[Code] = Field(alias="from", min_length=1)
    to: list[Code] = Field(default_factory=list)
    work: Literal["all", "lead"] = Field(
        default="all", description="split: every successor gets the ongoing work, or only `lead`"
    )
    lead: Code | None = None
    unconfirmed: bool = Field(default=False, description="The successor list is partial or unknown (work is never dropped)")
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> SuccessionIn:
        if self.work == "lead" and (self.lead is None or self.lead not in self.to):
            raise ValueError("work: lead needs `lead:` naming one of the `to` agencies")
        if self.work == "all" and self.lead is not None:
            raise ValueError("`lead:` is only for work: lead")
        if not self.to and not self.unconfirmed:
            raise ValueError("no successor in `to`: name the successors, or mark the succession `unconfirmed: true` with a note")
        if set(self.from_) <= set(self.to):
            raise ValueError("every agency in `from` is also in `to`: nothing ends")
        return self


class ProvinceMergerIn(Strict):
    """A province that merged into this one: its directives continue here from ``effective``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    from_: Code = Field(alias="from")
    effective: date
    source: str | None = None
    note: str | None = None


class EndedGroupIn(Strict):
    """A group whose last day is ``last_day``; ``successor`` takes over the items it led."""

    code: Code
    last_day: date
    successor: Code | None = None


class RegistryIn(Strict):
    province: Code
    province_name: str
    as_of: date = Field(description="The date the registry describes, or the effective date of the changes it lists")
    sources: list[str] = Field(default_factory=list)
    note: str | None = None
    province_mergers: list[ProvinceMergerIn] = Field(default_factory=list)
    ended_groups: list[EndedGroupIn] = Field(default_factory=list)
    groups: list[GroupIn] = Field(default_factory=list)
    agencies: list[AgencyIn]
    successions: list[SuccessionIn] = Field(default_factory=list)
