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
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import apprise
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
            problem = "không dùng cc/bcc: Apprise gửi một thư cho mỗi người To và chép cả danh sách Cc/Bcc vào từng thư (trùng lặp)"
        return Channel(f"email:{address.lower()}", display, "email", int(plugin.body_maxlen), problem)
    return Channel(f"{scheme}:{_hash(url)}", display, "chat", int(plugin.body_maxlen))


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str | None = None


#: Mail header carrying a digest's stable identity (see :attr:`dondoc.reminders.digest.Digest.identity`).
#: Not ``Message-ID``: Apprise 2.2 always appends its own random Message-ID after custom headers, and
#: a message with two Message-ID headers is rejected by some servers ("550 … not 2").
DIGEST_HEADER = "X-Dondoc-Digest-Id"


def send(url: str, *, title: str, body: str, html: bool, headers: Mapping[str, str] | None = None) -> Outcome:
    """Deliver one message to one contact with a fresh Apprise object; never raises for delivery errors.

    ``headers`` are extra mail headers (ignored by chat channels).
    """
    notifier = apprise.Apprise()
    plugin: Any = apprise.Apprise.instantiate(url)
    if plugin is None or not notifier.add(plugin):
        return Outcome(False, "URL không hợp lệ hoặc kênh không được hỗ trợ")
    if headers and isinstance(plugin, NotifyEmail):
        plugin.headers.update(headers)
    try:
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
