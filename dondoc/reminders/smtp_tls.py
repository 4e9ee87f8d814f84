"""One TLS context per set of certificate checks, instead of one per email.

Apprise 2.2 (``apprise.plugins.email.smtp.AppriseSMTPController.__enter__``) calls
``ssl.create_default_context()`` for every SMTP connection, i.e. for every digest, and for a
plain-SMTP relay that never starts TLS too. That call loads the system's CA store: 40–60 ms of CPU
on these machines, more than everything else Apprise and dondoc do for a message, and it held
1,000 digests to about 27 per second on two cores (docs/performance.md).

``install()`` gives Apprise's SMTP module a context that is only made when a connection really
starts TLS (``wrap_socket``), from a cache of real contexts keyed by the two settings Apprise
changes (``check_hostname``, ``verify_mode``). Every connection still gets exactly the checks
Apprise asked for; contexts are not changed after they are made, so threads share them safely.
Any other use of the context fails loudly instead of being ignored.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any

_lock = threading.Lock()
_contexts: dict[tuple[bool, ssl.VerifyMode], ssl.SSLContext] = {}


def context_for(check_hostname: bool, verify_mode: ssl.VerifyMode) -> ssl.SSLContext:
    """The shared default context with these checks (made once)."""
    key = (check_hostname, verify_mode)
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = ssl.create_default_context()
            context.check_hostname = check_hostname  # before verify_mode: CERT_NONE needs check_hostname off
            context.verify_mode = verify_mode
            _contexts[key] = context
        return context


class LazyContext:
    """Stands for ``ssl.create_default_context()`` until a socket is wrapped."""

    __slots__ = ("check_hostname", "verify_mode")

    def __init__(self) -> None:
        self.check_hostname = True
        self.verify_mode = ssl.CERT_REQUIRED

    def wrap_socket(self, sock: Any, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        return context_for(self.check_hostname, ssl.VerifyMode(self.verify_mode)).wrap_socket(sock, *args, **kwargs)


class _SSLModule:
    """The ``ssl`` module as Apprise's SMTP module sees it: everything is ``ssl``'s but the context factory."""

    def __getattr__(self, name: str) -> Any:
        return getattr(ssl, name)

    @staticmethod
    def create_default_context(*args: Any, **kwargs: Any) -> Any:
        if args or kwargs:  # not how Apprise 2.2 calls it: keep the standard behaviour
            return ssl.create_default_context(*args, **kwargs)
        return LazyContext()


def install() -> None:
    """Idempotent; affects only Apprise's SMTP connections."""
    from apprise.plugins.email import smtp

    if not isinstance(getattr(smtp, "ssl", None), _SSLModule):
        setattr(smtp, "ssl", _SSLModule())  # noqa: B010  (the module's own name for ``ssl``)
