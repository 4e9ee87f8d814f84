"""SQLModel tables of dondoc. Importing this package registers every table on SQLModel.metadata."""

from models.agency import Agency, AgencyGroup, GroupMember, Province
from models.directive import Assignment, Directive
from models.instance import AuditEvent, InstanceState, TaskInstance

__all__ = [
    "Agency",
    "AgencyGroup",
    "Assignment",
    "AuditEvent",
    "Directive",
    "GroupMember",
    "InstanceState",
    "Province",
    "TaskInstance",
]
