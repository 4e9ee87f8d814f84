"""Portal links in digests (issue 12): each line opens its task on the recipient's personal page.

Departments (focal and head contacts) get their agency's link per recipient, the coordinating
office its approval page; the leadership's digest keeps no link. Links are issued on first need
and reused while they live (``dondoc.portal.store.ensure_links``); a dry run issues nothing and
shows a placeholder. The footer and Reply-To name the coordinating office of the lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session

from dondoc.clock import utc_now
from dondoc.domain.reminders import Reminder
from dondoc.models.portal import LinkRole
from dondoc.reminders.contacts import Contact, ContactBook

DRY_RUN_TOKEN = "<đường-dẫn-cá-nhân>"
ACTOR = "reminders"


def link_role(role: str) -> str | None:
    if role in {"focal", "head"}:
        return LinkRole.DEPARTMENT
    if role == "coordinator":
        return LinkRole.OFFICE
    return None


@dataclass
class PortalContext:
    """What a digest needs from the portal: the URL per (addressee, role, contact), the offices per directive."""

    urls: dict[tuple[str, str, str], str] = field(default_factory=dict)
    offices: dict[str, str] = field(default_factory=dict)  # directive code → coordinating office's name
    reply_to: dict[str, str] = field(default_factory=dict)  # directive code → the office's email address

    def url(self, reminder: Reminder, contact: Contact, instance_id: int) -> str | None:
        role = link_role(reminder.role)
        base = self.urls.get((reminder.addressee, role, contact.key)) if role else None
        if base is None:
            return None
        return f"{base}?task={instance_id}" if role == LinkRole.DEPARTMENT else base


def portal_context(
    session: Session,
    routed: Iterable[tuple[Reminder, Contact]],
    *,
    coordinators: dict[str, str],
    office_names: dict[str, str],
    book: ContactBook,
    dry_run: bool,
) -> PortalContext:
    """Issue (or reuse) the links the digests will carry; ``coordinators``: directive code → office code.

    Links live in real time: a replay of a past day issues links valid from now, not from that day.
    """
    from dondoc.portal import service, store
    from dondoc.portal.mail import email_address

    policy = service.policy()
    wanted: dict[tuple[str, str, str], int] = {}
    for reminder, contact in routed:
        role = link_role(reminder.role)
        if role is not None:
            wanted[(reminder.addressee, role, contact.key)] = policy.office_link_days if role == LinkRole.OFFICE else policy.link_days
    if dry_run:
        tokens = {key: DRY_RUN_TOKEN for key in wanted}
    else:
        tokens = store.ensure_links(wanted, now=utc_now(), actor=ACTOR, session=session)
    context = PortalContext({key: service.link_url(token) for key, token in tokens.items()})
    for directive, office in coordinators.items():
        context.offices[directive] = office_names.get(office, office)
        address = email_address(book, office, "coordinator")
        if address:
            context.reply_to[directive] = address
    return context
