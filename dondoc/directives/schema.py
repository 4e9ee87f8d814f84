"""Pydantic models for untrusted YAML input: directives (registries: dondoc.registries.schema).

These are the *input* shapes (what a coordinator writes); the SQLModel tables in
``models/`` are the stored shapes. Keeping them apart lets validation errors name
the file, line and field before anything touches the database.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from dondoc.domain.vocabulary import DirectiveKind
from dondoc.registries.schema import Code, Strict

PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class KpiTargetIn(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="Stable snake_case metric key, e.g. digitized_rate")
    label: str
    target: float
    unit: str = "%"
    comparator: Literal[">=", "<=", "=="] = ">="
    level: Literal["province", "department", "district", "commune", "any"] = "any"
    agency: Code | None = Field(default=None, description="When the target names one agency")


class AssignmentIn(Strict):
    clause: str = Field(min_length=1, max_length=40, description="Clause reference: 1.k, 4.2.a, PL 2.4")
    text: str = Field(min_length=5, description="Original Vietnamese wording, verbatim")
    summary: str = Field(min_length=3, max_length=160)
    lead: Code = Field(description="One agency code or one group code (a group fans out)")
    co_agencies: list[Code] = Field(default_factory=list)
    deliverable: str | None = None
    deadline: str | None = Field(
        default=None,
        description="Deadline phrase verbatim from the text; omitted when the text gives none (ongoing)",
    )
    report_to: Code | None = None
    report_via: Code | None = None
    depends_on: list[str] = Field(default_factory=list)
    kpis: list[KpiTargetIn] = Field(default_factory=list)
    note: str | None = None


class DirectiveIn(Strict):
    number: str | None = Field(default=None, description="Number and symbol, e.g. 11677/UBND-HCC; null when blank")
    province: Code
    issuer: Code
    kind: DirectiveKind
    issued: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD: the text may leave day or month blank")
    title: str
    source_file: str
    signer: str | None = None
    coordinator: Code
    start: date | None = None
    end: date | None = None
    recipients: list[str] = Field(default_factory=list)
    kpis: list[KpiTargetIn] = Field(default_factory=list)
    assignments: list[AssignmentIn] = Field(min_length=1)
    note: str | None = None

    @field_validator("issued")
    @classmethod
    def _partial_date(cls, value: str) -> str:
        match = PARTIAL_DATE_RE.match(value)
        if not match:
            raise ValueError("issued must be YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        date(year or 1, month or 1, day or 1)  # raises for impossible dates
        return value
