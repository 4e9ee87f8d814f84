"""Digests: one message per recipient per day, across directives, most urgent first.

Rendering is Jinja2 templates (``templates/``): HTML for email, plain text for chat (split
under the channel's limit) and for ``dondoc remind --dry-run``. An email's text/plain
alternative is made by Apprise 2.2 from the HTML (``NotifyEmail.prepare_emails`` always converts
the HTML body; it takes no text part of ours), so the HTML carries everything a line says,
stage label included (docs/reminders.md, "What the email's text part contains").
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from dondoc.domain.dates import period_phrase, vn_date
from dondoc.domain.reminders import Reminder, days_left
from dondoc.domain.vocabulary import directive_label as label_of_directive
from dondoc.reminders.contacts import Contact
from dondoc.reminders.links import PortalContext
from dondoc.reminders.queries import LineFacts
from dondoc.reminders.store import Key

TASK_WORDS = 14
CHAT_MARGIN = 40  # room for the "(1/3)" part marker and the channel's own decorations



@lru_cache(maxsize=16_384)  # a summary or title recurs in thousands of lines of a sweep
def few_words(text: str, limit: int = TASK_WORDS) -> str:
    words = text.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


def days_vi(left: int) -> str:
    if left > 0:
        return f"còn {left} ngày"
    if left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-left} ngày"


def stage_vi(reminder: Reminder) -> str:
    key = reminder.stage.key
    if key.startswith("co-before"):
        return "Nhắc phối hợp"
    if key.startswith("before"):
        return "Sắp đến hạn"
    if key == "due-day":
        return "Đến hạn"
    if reminder.stage.require_explanation:
        return "Quá hạn — giải trình"
    return "Quá hạn"


@dataclass(frozen=True)
class Line:
    instance_id: int
    directive_label: str
    clause: str
    task: str
    due: date
    days: int
    role_vi: str
    stage_vi: str
    require_explanation: bool
    how_to: str
    period_vi: str
    report_vi: str = ""  # "Báo cáo: UBND tỉnh, Sở Nội vụ (qua Công an tỉnh)" for the lead
    link: str | None = None  # the task on the recipient's portal page (issue 12)

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def due_vi(self) -> str:
        return vn_date(self.due)

    @property
    def how_to_before_link(self) -> str:
        """The how-to text without its trailing link (the HTML shows the link as an anchor)."""
        return self.how_to.removesuffix(self.link) if self.link and self.how_to.endswith(self.link) else self.how_to

    @property
    def days_vi(self) -> str:
        return days_vi(self.days)


#: Recipients who oversee many agencies: their digest has one line per task, naming the agencies.
OVERSEERS = frozenset({"coordinator", "leadership"})


#: What makes two lines of an overseer's digest one task (``merge_agencies``): directive label, clause,
#: period, due date, stage label, explanation required, co-agency line.
TaskIdentity = tuple[str, str, str, date, str, bool, bool]


def merge_agencies(lines: Sequence[tuple[Line, str]]) -> list[Line]:
    """One line per task for an overseer (the coordinating office, the leadership): the lines of the
    same directive, clause, period, due date, stage and role, one per lead agency, become one line
    that names every agency with its task id ("chủ trì: 30 cơ quan — Sở A (#661), …"). Order kept."""
    merged: dict[TaskIdentity, list[tuple[Line, str]]] = {}
    for line, agency in lines:
        co = line.role_vi.startswith("phối hợp")
        same_task = (line.directive_label, line.clause, line.period_vi, line.due, line.stage_vi, line.require_explanation, co)
        merged.setdefault(same_task, []).append((line, agency))
    out: list[Line] = []
    for group in merged.values():
        first = group[0][0]
        if len(group) == 1:
            out.append(first)
            continue
        who = ", ".join(f"{agency} (#{line.instance_id})" for line, agency in group)
        out.append(
            replace(
                first,
                role_vi=f"chủ trì: {len(group)} cơ quan — {who}",
                how_to="Mỗi cơ quan chủ trì báo cáo hoàn thành bằng mã nhiệm vụ của mình (số # bên cạnh tên cơ quan).",
            )
        )
    return out


@dataclass(frozen=True)
class Group:
    label: str
    title: str
    lines: list[Line]


@dataclass
class Digest:
    contact: Contact
    day: date
    addressees: list[str]
    groups: list[Group]
    keys: list[Key] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)  # coordinating offices of the lines (footer)
    reply_to: str | None = None  # the office's address: a department's reply reaches the Office

    @property
    def lines(self) -> list[Line]:
        return [line for g in self.groups for line in g.lines]

    @property
    def require_explanation(self) -> bool:
        return any(line.require_explanation for line in self.lines)

    @property
    def identity(self) -> str:
        """Stable id of this digest for this recipient and day: the same lines resent give the same id.

        Sent as the email's ``Message-ID`` (and the ``X-Dondoc-Digest-Id`` header) so a resend after a
        dropped connection is recognised by mail clients as the same message; see docs/reliability.md.
        """
        keys = sorted(f"{k.instance_id}|{k.stage}|{k.due_date.isoformat()}" for k in self.keys)
        payload = "\n".join([self.contact.key, self.day.isoformat(), *keys])
        return f"<{hashlib.sha256(payload.encode()).hexdigest()[:32]}.{self.day:%Y%m%d}@dondoc>"

    @property
    def subject(self) -> str:
        count = overdue = 0
        explain = False
        for group in self.groups:  # one pass (a dry run asks every digest's subject)
            count += len(group.lines)
            for line in group.lines:
                overdue += line.days < 0  # Line.overdue
                explain = explain or line.require_explanation
        return subject_line(self.day, count, overdue, explain)


@lru_cache(maxsize=4_096)  # thousands of digests of a sweep share a day and a few counts
def subject_line(day: date, lines: int, overdue: int, explain: bool) -> str:
    """A digest's subject line: its day, how many lines, how many overdue, and whether an explanation is due."""
    text = f"[dondoc] Nhắc việc ngày {vn_date(day)}: {lines} nhiệm vụ"
    if overdue:
        text += f", {overdue} quá hạn"
    if explain:
        text += " — YÊU CẦU BÁO CÁO GIẢI TRÌNH"
    return text




_OWN_ROLES = frozenset({"focal", "head"})  # the agency's own people; coordinator and leadership see the lead named


def report_vi(facts: LineFacts, names: dict[str, str]) -> str:
    """Whom the lead reports to, and through whom, by name; empty when the item says nothing."""
    if not facts.report_to and not facts.report_via:
        return ""
    bodies = ", ".join(names.get(c, c) for c in facts.report_to) or "—"
    via = f" (qua {names.get(facts.report_via, facts.report_via)})" if facts.report_via else ""
    return f"Báo cáo: {bodies}{via}"


def directive_label(facts: LineFacts) -> str:
    return label_of_directive(facts.directive_number, facts.directive)


def _line(reminder: Reminder, facts: LineFacts, day: date, names: dict[str, str] | None = None, link: str | None = None) -> Line:
    if reminder.audience == "co":
        role = f"phối hợp với {facts.lead_name}"
        how_to = f"Gửi ý kiến/đầu vào cho {facts.lead_name} trước hạn (đơn vị chủ trì báo cáo hoàn thành nhiệm vụ #{facts.instance_id})."
        if link:
            how_to = f"Gửi đầu vào cho {facts.lead_name} tại: {link}"
    elif link and reminder.role in {"focal", "head"}:
        role = "chủ trì"
        how_to = f"Báo cáo hoàn thành hoặc xin gia hạn tại: {link}"
    else:
        role = "chủ trì" if reminder.role in _OWN_ROLES else f"chủ trì: {facts.lead_name}"
        how_to = (
            f"Báo cáo hoàn thành: dondoc complete {facts.instance_id} --on <dd/mm/yyyy> --evidence \"<số, ngày văn bản>\" "
            f"(hoặc biểu mẫu record-completion, instance_id={facts.instance_id})"
        )
        if link:
            how_to += f"; đề nghị của các đơn vị chờ duyệt tại: {link}"
    label = directive_label(facts)
    return Line(
        facts.instance_id,
        label,
        facts.clause,
        few_words(facts.summary),
        reminder.due_date,
        days_left(reminder.due_date, day),
        role,
        stage_vi(reminder),
        reminder.stage.require_explanation,
        how_to,
        period_phrase(facts.period),
        report_vi(facts, names or {}) if reminder.audience != "co" else "",
        link,
    )


def build_digests(
    day: date,
    routed: Iterable[tuple[Reminder, Contact]],
    facts: dict[int, LineFacts],
    names: dict[str, str],
    portal: PortalContext | None = None,
) -> list[Digest]:
    """Group routed reminders by contact; inside, by directive; lines and directives most urgent first.

    ``portal``: the recipients' portal links, and the offices named in the footer and Reply-To.
    """
    digests: list[Digest] = []
    made: dict[tuple[int, str, bool, str, date, str | None], Line] = {}  # the same line in every digest, bar its portal link
    lead_names = {iid: f.lead_name for iid, f in facts.items()}
    for ckey, contact, items in _by_contact(routed):
        seen: dict[tuple[int, str], Line] = {}
        keys: dict[Key, None] = {}
        addressees: dict[str, None] = {}
        overseer = True
        for reminder in items:
            iid, role, stage = reminder.instance_id, reminder.role, reminder.stage
            keys[Key(iid, ckey, stage.key, reminder.due_date)] = None
            addressees[names.get(reminder.addressee, reminder.addressee)] = None
            overseer = overseer and role in OVERSEERS
            dedupe = (iid, reminder.audience)
            if dedupe not in seen:
                link = portal.url(reminder, contact, iid) if portal else None  # per recipient (issue 12)
                once = (iid, reminder.audience, role in _OWN_ROLES, stage.key, reminder.due_date, link)
                line = made.get(once)
                if line is None:
                    line = made[once] = _line(reminder, facts[iid], day, names, link)
                seen[dedupe] = line
        by_directive: dict[str, list[Line]] = {}
        titles: dict[str, str] = {}
        directives: dict[str, None] = {}
        for (iid, _aud), line in seen.items():
            label = line.directive_label
            same = by_directive.get(label)
            if same is None:
                same = by_directive[label] = []
                titles[label] = few_words(facts[iid].directive_title, 20)
            same.append(line)
            directives[facts[iid].directive] = None
        groups = []
        for label, lines in by_directive.items():
            if len(lines) > 1:
                lines.sort(key=lambda x: (x.days, x.directive_label, x.clause, lead_names[x.instance_id], x.instance_id))
            if overseer:
                lines = merge_agencies([(line, lead_names[line.instance_id]) for line in lines])
            groups.append(Group(label, titles[label], lines))
        if len(groups) > 1:
            groups.sort(key=lambda g: (g.lines[0].days, g.label))
        offices = list(dict.fromkeys(portal.offices[d] for d in directives if d in portal.offices)) if portal else []
        reply_to = next((portal.reply_to[d] for d in directives if d in portal.reply_to), None) if portal else None
        digests.append(Digest(contact, day, list(addressees), groups, list(keys), offices, reply_to))
    return digests


def _by_contact(routed: Iterable[tuple[Reminder, Contact]]) -> list[tuple[str, Contact, list[Reminder]]]:
    """(contact key, contact, its reminders in order) by contact key: one digest each (the contact is the first seen)."""
    by_contact: dict[str, list[Reminder]] = {}
    contact_of: dict[str, Contact] = {}
    key_of: dict[int, str] = {}  # id(contact) → its key: a book's few thousand contacts carry every reminder
    for reminder, contact in routed:
        ckey = key_of.get(id(contact))
        if ckey is None:
            ckey = key_of[id(contact)] = contact.key
        bucket = by_contact.get(ckey)
        if bucket is None:
            bucket = by_contact[ckey] = []
            contact_of[ckey] = contact
        bucket.append(reminder)
    return [(ckey, contact_of[ckey], by_contact[ckey]) for ckey in sorted(by_contact)]


class DigestSummary(NamedTuple):
    """What a dry run that renders nothing reports about a digest, without building its lines:
    the same recipient, subject and line count as ``build_digests`` gives (issue 13)."""

    contact: Contact
    subject: str
    lines: int
    instances: list[int]


def summarise_digests(day: date, routed: Iterable[tuple[Reminder, Contact]], facts: dict[int, LineFacts]) -> list[DigestSummary]:
    """``build_digests`` counted, not built: one line per (instance, audience) of a contact, from its first
    reminder; an overseer's lines of the same task (``TaskIdentity``) count once, as ``merge_agencies`` makes them."""
    out: list[DigestSummary] = []
    labels: dict[int, str] = {}  # id(stage) → its label: a sweep's reminders share a few hundred stage objects
    tasks_of: dict[int, tuple[str, str, str]] = {}  # instance → its label, clause and period phrase (every overseer asks)
    for _ckey, contact, items in _by_contact(routed):
        # the first reminder of each (instance, audience): the last one written over it, walking backwards
        picked = {(r.instance_id, r.audience): r for r in reversed(items)}
        firsts: Collection[Reminder] = picked.values()
        if all(r.role in OVERSEERS for r in items):
            # TaskIdentity, with the instance's three parts as one tuple
            tasks: dict[tuple[tuple[str, str, str], date, str, bool, bool], Reminder] = {}
            for reminder in firsts:
                iid, _addressee, _role, audience, stage, due = reminder
                task = tasks_of.get(iid)
                if task is None:
                    f = facts[iid]
                    task = tasks_of[iid] = (directive_label(f), f.clause, period_phrase(f.period))
                label = labels.get(id(stage))
                if label is None:
                    label = labels[id(stage)] = stage_vi(reminder)
                tasks.setdefault((task, due, label, stage.require_explanation, audience == "co"), reminder)
            firsts = tasks.values()
        overdue = sum(1 for r in firsts if r.due_date < day)  # Line.days < 0
        explain = any(r.stage.require_explanation for r in firsts)
        instances = sorted({iid for iid, _audience in picked})
        out.append(DigestSummary(contact, subject_line(day, len(firsts), overdue, explain), len(firsts), instances))
    return out


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("dondoc.reminders", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def _context(digest: Digest, groups: Sequence[Group]) -> dict[str, object]:
    names = ", ".join(digest.addressees)
    overdue = sum(1 for line in digest.lines if line.overdue)
    intro = f"Tính đến ngày {vn_date(digest.day)}, có {len(digest.lines)} nhiệm vụ cần chú ý"
    intro += f" ({overdue} nhiệm vụ đã quá hạn)." if overdue else "."
    footer = (
        "Thư nhắc việc tự động của dondoc (đôn đốc thực hiện văn bản chỉ đạo). "
        "Nhiệm vụ đã hoàn thành, được gia hạn hoặc hủy sẽ không được nhắc nữa."
    )
    if digest.offices:
        offices = ", ".join(digest.offices)
        footer = f"Thư nhắc việc tự động của dondoc, gửi thay mặt {offices} (đơn vị theo dõi, đôn đốc). " + footer.split(". ", 1)[1]
        if digest.reply_to:
            footer += f" Trả lời thư này để liên hệ {offices}."
    return {
        "subject": digest.subject,
        "greeting": f"Kính gửi: {names}",
        "intro": intro,
        "groups": groups,
        "footer": footer,
    }


def render_html(digest: Digest) -> str:
    return _env().get_template("digest.html.j2").render(_context(digest, digest.groups))


def render_text(digest: Digest, groups: Sequence[Group] | None = None) -> str:
    return _env().get_template("digest.txt.j2").render(_context(digest, digest.groups if groups is None else groups))


def render_chat(digest: Digest, max_chars: int) -> list[str]:
    """Plain-text parts, each under ``max_chars`` (minus a margin), split between lines, never inside one."""
    budget = max(200, max_chars - CHAT_MARGIN)
    whole = render_text(digest)
    if len(whole) <= budget:
        return [whole]
    parts: list[str] = []
    current: list[Group] = []

    def flush() -> None:
        if current:
            parts.append(render_text(digest, list(current)))
            current.clear()

    for group in digest.groups:
        for line in group.lines:
            candidate = [*current]
            if candidate and candidate[-1].label == group.label:
                candidate[-1] = Group(group.label, group.title, [*candidate[-1].lines, line])
            else:
                candidate.append(Group(group.label, group.title, [line]))
            if current and len(render_text(digest, candidate)) > budget:
                flush()
                current.append(Group(group.label, group.title, [line]))
            else:
                current[:] = candidate
    flush()
    parts = [p if len(p) <= budget else p[: budget - 1] + "…" for p in parts]
    return [f"({i}/{len(parts)}) {p}" for i, p in enumerate(parts, 1)] if len(parts) > 1 else parts


def render_undeliverable(greeting_name: str, day: date, items: Sequence[dict[str, object]]) -> str:
    return _env().get_template("undeliverable.txt.j2").render(greeting_name=greeting_name, day_vi=vn_date(day), items=items)
