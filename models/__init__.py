"""SQLModel tables of dondoc. Importing this package registers every table on SQLModel.metadata."""

from models.agency import Agency, AgencyGroup, GroupMember, Province
from models.calendar import CalendarEventState as CalendarEventState
from models.calendar import CalendarFeedCache as CalendarFeedCache
from models.calendar import CalendarToken as CalendarToken
from models.directive import Assignment, Directive
from models.instance import AuditEvent, InstanceState, TaskInstance
from models.reminder import DeliveryState as DeliveryState
from models.reminder import ReminderDelivery as ReminderDelivery
from models.reminder import ReminderSweep as ReminderSweep
from models.report import ReportSnapshot as ReportSnapshot

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
