"""Emails about the portal: the rejection notice, and the personalisation every department email gets
(display names, Reply-To the coordinating office). Delivery goes through the one Apprise adapter."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from dondoc.configuration.settings import get_settings
from dondoc.domain.dates import vn_date
from dondoc.domain.vocabulary import directive_label
from dondoc.portal.facts import SubmissionFacts, TaskFacts
from dondoc.reminders import notify
from dondoc.reminders.contacts import ContactBook, load_contacts

EMAIL_SCHEMES = ("mailto", "mailtos")


def _named(value: str, name: str | None) -> str:
    if not name or "<" in value or "," in value:
        return value
    return f"{name} <{value}>"


def personalise(url: str, *, to_name: str | None = None, from_name: str | None = None, reply_to: str | None = None) -> str:
    """An Apprise email URL with display names and a Reply-To (pure; other URLs come back unchanged).

    Values already in the contact file win: a province that set ``reply=`` keeps it.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in EMAIL_SCHEMES:
        return url
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "to" in query:
        query["to"] = _named(query["to"], to_name)
    if "from" in query:
        query["from"] = _named(query["from"], from_name)
    if reply_to and "reply" not in query:
        query["reply"] = reply_to
    return urlunsplit(parts._replace(query=urlencode(query, safe="@<>", quote_via=quote)))


def email_address(book: ContactBook, agency: str, role: str) -> str | None:
    """The first email address of an agency's contacts in a role (the Office's, for Reply-To)."""
    for contact in book.lookup(agency, role):
        if contact.channel.kind == "email" and contact.key.startswith("email:"):
            return contact.key.removeprefix("email:")
    return None


def rejection_message(
    sub: SubmissionFacts, task: TaskFacts, reason: str, *, office_name: str, agency_name: str
) -> tuple[str, str]:
    what = {"completion": "báo cáo hoàn thành", "extension": "đề nghị gia hạn"}.get(sub.kind, "đề nghị")
    label = directive_label(task.directive_number, task.directive)
    title = f"[dondoc] {office_name} chưa chấp nhận {what} — {label}, mục {task.clause}"
    lines = [
        f"Kính gửi: {agency_name}",
        "",
        f"{office_name} chưa chấp nhận {what} #{sub.id} của đơn vị đối với nhiệm vụ:",
        f"  {label}, mục {task.clause}: {task.summary}",
        f"  Hạn: {vn_date(task.due, 'không có hạn')}",
    ]
    if sub.report_number:
        lines.append(f"  Báo cáo: {sub.report_number} ngày {vn_date(sub.report_date)}")
    if sub.new_due:
        lines.append(f"  Hạn đề nghị: {vn_date(sub.new_due)}")
    lines += [
        "",
        f"Lý do: {reason}",
        "",
        "Đề nghị đơn vị bổ sung, hoàn thiện và gửi lại qua đường dẫn cá nhân trong thư nhắc việc.",
        f"Trả lời thư này để trao đổi với {office_name}.",
        "",
        f"(Thư tự động của dondoc thay mặt {office_name}.)",
    ]
    return title, "\n".join(lines)


def send_to_agency(
    agency: str, office: str, *, title: str, body: str, book: ContactBook | None = None
) -> tuple[list[str], list[str]]:
    """Deliver a plain-text message to an agency's focal contacts; returns (delivered to, errors)."""
    book = book if book is not None else load_contacts(get_settings().contacts)
    reply = email_address(book, office, "coordinator")
    sent: list[str] = []
    errors: list[str] = []
    targets = book.lookup(agency, "focal")
    if not targets:
        errors.append(f"{agency}: no focal contact in the contact book")
    for contact in targets:
        if contact.url is None:
            errors.append(f"{contact.display}: {contact.problem}")
            continue
        outcome = notify.send(personalise(contact.url, to_name=contact.name, reply_to=reply), title=title, body=body, html=False)
        if outcome.ok:
            sent.append(contact.display)
        else:
            errors.append(f"{contact.display}: {outcome.error}")
    return sent, errors
