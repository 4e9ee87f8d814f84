"""A local SMTP sink (aiosmtpd) for the demo contacts: every message is stored as a .eml file.

``dondoc mailbox`` runs it; the seeds' demo contacts point at ``mailto://localhost:2525``, so
a replay "delivers" into ``<data folder>/mailbox/<recipient>/<time>-<n>.eml``.
"""

from __future__ import annotations

import itertools
import re
import threading
from pathlib import Path
from typing import Any

from dondoc.clock import utc_now

_SAFE = re.compile(r"[^A-Za-z0-9@._-]+")


class MailboxHandler:
    """aiosmtpd handler: writes one copy per recipient (what each recipient would find in their inbox)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data: bytes = envelope.original_content or envelope.content
        stamp = utc_now().strftime("%Y%m%dT%H%M%S")
        for rcpt in envelope.rcpt_tos:
            with self._lock:
                n = next(self._counter)
                self.received += 1
            target = self.folder / _SAFE.sub("_", rcpt.lower())
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{stamp}-{n:06d}.eml").write_bytes(data)
        return "250 Message accepted for delivery"


def start(folder: Path, host: str = "127.0.0.1", port: int = 2525) -> Any:
    """Start the sink in a background thread; returns the aiosmtpd Controller (call ``.stop()``)."""
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(MailboxHandler(folder), hostname=host, port=port)
    controller.start()
    return controller
