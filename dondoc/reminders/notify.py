"""The one adapter to Apprise: describe a contact URL, and deliver one digest to one contact.

Facts measured with Apprise 2.2 that shape this module (see docs/reminders.md):

- One ``Apprise`` object per digest: a reused object waits ~5.5 s between emails.
- ``notify()`` returns an ``AppriseResult`` with one entry per service (2.x; 1.x returned a
  bool). A digest goes to exactly one contact, so "success" is that contact's own result.
- Email: Apprise sends one message per To address and copies the whole Cc/Bcc list onto each,
  so Cc/Bcc recipients get duplicates. Contacts must therefore name one To address and no Cc/Bcc
  (checked in :func:`describe`). We send no attachments (a non-ASCII attachment filename
  yields an invalid header).
- Zalo works only as ``zalo://`` (Zalo Bot API), not Official Account messages; Microsoft Teams
  needs ``workflows://`` (Power Automate), the old connector webhooks are retired.

Secrets live in the URLs (SMTP passwords, bot tokens); only the privacy form
(``url(privacy=True)``) is ever logged or shown.

A digest's ``Message-ID`` is stable (see :func:`send` and docs/reliability.md): Apprise 2.2 has no
option for it (a ``Message-ID`` passed in ``headers`` is *added*, and Apprise appends its own random
one after it: two Message-ID headers), so this module wraps the ``make_msgid`` that Apprise's email
plugin calls, once, at import.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import apprise
import apprise.plugins.email.base as _email_base
from apprise.plugins.email import NotifyEmail

from dondoc.reminders import smtp_tls

log = logging.getLogger(__name__)
smtp_tls.install()  # one TLS context per set of checks, not one per email (issue 13)

ChannelKind = Literal["email", "chat", "invalid"]
_SECRET_IN_TEXT = re.compile(r"(://[^:/@\s]*:)[^@\s]+@")


@dataclass(frozen=True)
class Channel:
    """What dondoc needs to know about a contact URL (no secret in any field)."""

    key: str  # stable ledger key: "email:addr" or "<scheme>:<hash>"
    display: str  # privacy URL, safe for logs
    kind: ChannelKind
    max_chars: int
    problem: str | None = None


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def redact(text: str) -> str:
    """Mask ``user:password@`` in free text (error messages can echo a URL)."""
    return _SECRET_IN_TEXT.sub(r"\1****@", text)


def describe(url: str) -> Channel:
    plugin: Any = apprise.Apprise.instantiate(url)
    scheme = url.split("://", 1)[0].lower() if "://" in url else "?"
    if plugin is None:
        return Channel(f"invalid:{_hash(url)}", f"{scheme}://…", "invalid", 0, "URL không hợp lệ hoặc kênh không được hỗ trợ")
    display = str(plugin.url(privacy=True))
    if isinstance(plugin, NotifyEmail):
        targets = list(getattr(plugin, "targets", []))
        cc: set[str] = set(getattr(plugin, "cc", set()))
        bcc: set[str] = set(getattr(plugin, "bcc", set()))
        address = targets[0][1] if targets and isinstance(targets[0], tuple) else str(targets[0]) if targets else ""
        problem = None
        if len(targets) != 1:
            problem = f"mỗi địa chỉ email là một dòng riêng (URL này có {len(targets)} người nhận To)"
        elif cc or bcc:
            problem = (
                "không dùng cc/bcc: Apprise gửi một thư cho mỗi người To và chép cả danh sách Cc/Bcc vào từng thư (trùng lặp)"
            )
        return Channel(f"email:{address.lower()}", display, "email", int(plugin.body_maxlen), problem)
    return Channel(f"{scheme}:{_hash(url)}", display, "chat", int(plugin.body_maxlen))


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str | None = None


#: Mail header carrying a digest's stable identity (see :attr:`dondoc.reminders.digest.Digest.identity`),
#: the same value as its ``Message-ID``; kept as a plain header for mail rules and the fault probes.
DIGEST_HEADER = "X-Dondoc-Digest-Id"

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_MSG_ID = re.compile(rf"<{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*>")  # RFC 5322 msg-id (dot-atom form)
_message_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("dondoc_message_id", default=None)


def _install_message_id_hook() -> None:
    """Make Apprise's email plugin use :data:`_message_id` when it is set (its own random id otherwise).

    Apprise 2.2 builds every email in the staticmethod ``NotifyEmail.prepare_emails`` with
    ``base["Message-ID"] = make_msgid(domain=smtp_host)`` — a name looked up in its module at call
    time, so the wrapper installed over it there is the one narrow place to choose the id. The
    value lives in a context variable: it applies only inside :func:`_stable_message_id` in the
    calling thread (Apprise copies the context into its worker threads), never to other mail.
    """
    current: Callable[..., str] = vars(_email_base)["make_msgid"]  # fails loudly if Apprise renames it
    original: Callable[..., str] = getattr(current, "__wrapped__", current)  # installed once, even if reloaded

    def make_msgid(idstring: str | None = None, domain: str | None = None) -> str:
        return _message_id.get() or original(idstring=idstring, domain=domain)

    make_msgid.__wrapped__ = original  # type: ignore[attr-defined]
    vars(_email_base)["make_msgid"] = make_msgid


_install_message_id_hook()


@contextmanager
def _stable_message_id(message_id: str | None) -> Iterator[None]:
    token = _message_id.set(message_id)
    try:
        yield
    finally:
        _message_id.reset(token)


def send(
    url: str,
    *,
    title: str,
    body: str,
    html: bool,
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
) -> Outcome:
    """Deliver one message to one contact with a fresh Apprise object; never raises for delivery errors.

    ``headers`` are extra mail headers and ``message_id`` (``<left@right>``) the email's
    ``Message-ID`` instead of a random one, so a resend is recognised as the same message; both are
    ignored by chat channels. A header named ``Message-ID`` is refused: Apprise would add a second one.
    """
    if headers and any(name.strip().lower() == "message-id" for name in headers):
        raise ValueError("pass the Message-ID as message_id=…, not in headers (Apprise would write two)")
    if message_id is not None and not _MSG_ID.fullmatch(message_id):
        raise ValueError(f"not an RFC 5322 msg-id: {message_id!r} (expected <left@right>)")
    notifier = apprise.Apprise()
    plugin: Any = apprise.Apprise.instantiate(url)
    if plugin is None or not notifier.add(plugin):
        return Outcome(False, "URL không hợp lệ hoặc kênh không được hỗ trợ")
    if headers and isinstance(plugin, NotifyEmail):
        plugin.headers.update(headers)
    try:
        with _stable_message_id(message_id if isinstance(plugin, NotifyEmail) else None):
            result: Any = notifier.notify(
                body=body,
                title=title,
                body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT,
            )
    except Exception as exc:  # an adapter error must become a failed delivery, not a crashed sweep
        return Outcome(False, redact(f"{type(exc).__name__}: {exc}"))
    services = list(result) if not isinstance(result, bool) else []
    ok = bool(result) and (not services or all(bool(s) for s in services))
    if ok:
        return Outcome(True)
    logs = result.logs() if hasattr(result, "logs") else []
    errors = [redact(str(e.message)) for e in logs if str(getattr(e, "level", "")).upper() in {"WARNING", "ERROR", "CRITICAL"}]
    detail = "; ".join(dict.fromkeys(errors)) or f"Apprise: {getattr(getattr(result, 'status', None), 'name', 'FAILURE')}"
    return Outcome(False, detail[:500])
