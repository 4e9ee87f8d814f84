"""Stored vocabularies: the values the database keeps, as enums the domain and the tables share.

They are ``StrEnum``s so a stored value compares equal to its member and JSON shows the plain value.
"""

from __future__ import annotations

from enum import StrEnum


class InstanceState(StrEnum):
    """Lifecycle of a task instance; the reported status is derived as of a day (domain.status)."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class InstanceKind(StrEnum):
    ONCE = "once"
    RECURRING = "recurring"
    MILESTONE = "milestone"
    ONGOING = "ongoing"
    UNDATED = "undated"


class DeliveryState(StrEnum):
    PENDING = "pending"  # planned; a crash before the send leaves it here and the next sweep sends it
    SENT = "sent"  # Apprise reported success for this recipient
    FAILED = "failed"  # retried by a later sweep after a backoff, while the stage is still current
    SUPERSEDED = "superseded"  # a newer stage (or completion) replaced it before it could be delivered


class AgencyKind(StrEnum):
    province_committee = "province_committee"
    office = "office"
    office_unit = "office_unit"
    department = "department"
    board = "board"
    inspectorate = "inspectorate"
    police = "police"
    vertical_agency = "vertical_agency"
    district = "district"
    commune = "commune"
    public_service_unit = "public_service_unit"
    press = "press"
    mass_organization = "mass_organization"


#: How people call each kind of agency (DOMAIN.md §1); tables show these, JSON keeps the codes.
AGENCY_KIND_VI: dict[AgencyKind, str] = {
    AgencyKind.province_committee: "UBND tỉnh",
    AgencyKind.office: "Văn phòng",
    AgencyKind.office_unit: "Đơn vị thuộc Văn phòng",
    AgencyKind.department: "Sở, ban, ngành",
    AgencyKind.board: "Ban",
    AgencyKind.inspectorate: "Thanh tra",
    AgencyKind.police: "Công an",
    AgencyKind.vertical_agency: "Cơ quan ngành dọc",
    AgencyKind.district: "UBND cấp huyện",
    AgencyKind.commune: "UBND cấp xã",
    AgencyKind.public_service_unit: "Đơn vị sự nghiệp",
    AgencyKind.press: "Cơ quan báo chí",
    AgencyKind.mass_organization: "Tổ chức chính trị - xã hội",
}


class DirectiveKind(StrEnum):
    chi_thi = "chi_thi"
    cong_van = "cong_van"
    ke_hoach = "ke_hoach"
    quyet_dinh = "quyet_dinh"
    thong_bao = "thong_bao"
    cong_dien = "cong_dien"
    nghi_quyet = "nghi_quyet"


class LinkRole(StrEnum):
    """Whose portal link it is: a department's (its own tasks) or the coordinating Office's (the approval queue)."""

    DEPARTMENT = "department"
    OFFICE = "office"


class SubmissionKind(StrEnum):
    """What a department sends from the portal."""

    COMPLETION = "completion"
    EXTENSION = "extension"
    INPUT = "input"


class SubmissionState(StrEnum):
    """Where a submission stands with the Office."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RECEIVED = "received"  # a co-agency's input: delivered to the lead, nothing to approve


def directive_label(number: str | None, code: str) -> str:
    """How lists, messages, calendars and reports name a directive: its number, else its code marked "(chưa có số)"."""
    return number or f"{code} (chưa có số)"
