"""Pydantic models for untrusted YAML input: directives (registries: dondoc.registries.schema).

These are the *input* shapes (what a coordinator writes); the SQLModel tables in
``models/`` are the stored shapes. Keeping them apart lets validation errors name
the file, line and field before anything touches the database.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from dondoc.domain.vocabulary import DirectiveKind
from dondoc.registries.schema import Code, Strict

PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _one_or_many(value: Any) -> Any:
    """``lead: X`` and ``lead: [X, Y]`` both mean a list (a document may name several leads)."""
    return [value] if isinstance(value, str) else value


#: An agency or group as a directive names it: its registry code, or the name the document writes
#: ("Sở KH&CN", "UBND các xã, phường"), resolved at import through names, short names and aliases.
AgencyRef = Annotated[str, Field(min_length=2, max_length=300)]
AgencyRefs = Annotated[list[AgencyRef], BeforeValidator(_one_or_many)]
#: Header fields a draft leaves ``null`` until the reviewer fills them; import refuses them while null.
REVIEWED_FIELDS = ("province", "issuer", "coordinator", "issued")


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
    lead: AgencyRefs = Field(
        min_length=1,
        description="One lead or a list of leads, each an agency or a group (a group fans out), by code or as written",
    )
    co_agencies: list[AgencyRef] = Field(default_factory=list)
    deliverable: str | None = None
    deadline: str | None = Field(
        default=None,
        description="Deadline phrase verbatim from the text; omitted when the text gives none (ongoing)",
    )
    start: date | None = Field(default=None, description="The day the work starts when the text says so (else the directive's start)")
    report_to: AgencyRefs = Field(default_factory=list, description="The bodies the lead reports to (one or several)")
    report_via: AgencyRef | None = Field(default=None, description="The agency reports pass through ('báo cáo UBND tỉnh (qua Sở Nội vụ)')")
    repeats: str | None = Field(
        default=None,
        max_length=40,
        description="Clause of the same task stated elsewhere (body ↔ appendix): linked, planned once, under that clause",
    )
    depends_on: list[str] = Field(default_factory=list)
    kpis: list[KpiTargetIn] = Field(default_factory=list)
    note: str | None = None
    lines: list[int] | None = Field(default=None, description="Draft only: [first, last] line in the source document")
    flags: list[str] = Field(default_factory=list, description="Draft only: what the drafter asks the reviewer to check")


class DirectiveIn(Strict):
    number: str | None = Field(default=None, description="Number and symbol, e.g. 11677/UBND-HCC; null when blank")
    province: Code
    issuer: AgencyRef
    kind: DirectiveKind
    issued: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD: the text may leave day or month blank")
    title: str
    source_file: str
    signer: str | None = None
    coordinator: AgencyRef
    start: date | None = None
    end: date | None = None
    recipients: list[str] = Field(default_factory=list)
    kpis: list[KpiTargetIn] = Field(default_factory=list)
    assignments: list[AssignmentIn] = Field(min_length=1)
    note: str | None = None
    flags: list[str] = Field(default_factory=list, description="Draft only: what the drafter asks the reviewer to check")

    @field_validator("issued")
    @classmethod
    def _partial_date(cls, value: str) -> str:
        match = PARTIAL_DATE_RE.match(value)
        if not match:
            raise ValueError("issued must be YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        date(year or 1, month or 1, day or 1)  # raises for impossible dates
        return value
