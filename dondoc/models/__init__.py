"""SQLModel tables of dondoc. Importing this package registers every table on SQLModel.metadata."""

from dondoc.models.agency import Agency, AgencyGroup, AgencySuccession, GroupMember, Province, ProvinceMerger
from dondoc.models.calendar import CalendarEventState as CalendarEventState
from dondoc.models.calendar import CalendarFeedCache as CalendarFeedCache
from dondoc.models.calendar import CalendarToken as CalendarToken
from dondoc.models.directive import Assignment, Directive
from dondoc.models.instance import AuditEvent, InstanceState, TaskInstance
from dondoc.models.lease import Lease as Lease
from dondoc.models.portal import PortalLink as PortalLink
from dondoc.models.portal import PortalSubmission as PortalSubmission
from dondoc.models.reminder import DeliveryState as DeliveryState
from dondoc.models.reminder import ReminderDelivery as ReminderDelivery
from dondoc.models.reminder import ReminderSweep as ReminderSweep
from dondoc.models.report import PeriodCountRow as PeriodCountRow
from dondoc.models.report import PeriodCountSnapshot as PeriodCountSnapshot
from dondoc.models.report import ReportSnapshot as ReportSnapshot

__all__ = [
    "Agency",
    "AgencyGroup",
    "AgencySuccession",
    "Assignment",
    "AuditEvent",
    "Directive",
    "GroupMember",
    "InstanceState",
    "Province",
    "ProvinceMerger",
    "TaskInstance",
]
