"""``dondoc serve``: the subscribable HTTP feed (FastAPI + uvicorn).

``GET /calendars/<agency>.ics?token=…`` (also ``/calendars/directive/<code>.ics`` and
``/calendars/province/<code>.ics``). A missing, unknown or revoked token, or a token
issued for another feed, gets the same 404 as an unknown feed: nothing tells a caller
which agencies exist. Responses carry an ETag; ``If-None-Match`` gets 304, and clients
that accept gzip get the feed compressed (a 2,000-event feed shrinks about 15×).

A token checked against the database keeps opening its feed from memory for
:data:`REVALIDATE_SECONDS` (5 s): those requests, 304s included, open no database session.
Then the token and the feed's fingerprint (one aggregate query) are read again; the feed
itself is rebuilt only when the fingerprint changes, and kept in memory already compressed.

The department portal (``dondoc.portal.web``) is mounted at ``/portal``. No token reaches a log:
the access log's request lines go through :class:`RedactTokens` (``?token=…`` and
``/portal/open/<token>`` become ``***``).
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import FastAPI, Query, Request, Response

from dondoc.calendars.store import FeedSpec, Scope, fingerprint, render, token_generation, token_hash, token_opens
from dondoc.clock import today_vn
from dondoc.db import session_scope
from dondoc.errors import DondocError
from dondoc.portal.tokens import redact

MEDIA_TYPE = "text/calendar; charset=utf-8"
Token = Annotated[str | None, Query(description="The feed's subscription token")]
NOT_FOUND = "Không tìm thấy lịch (đường dẫn hoặc mã truy cập không đúng, hoặc đã bị thu hồi).\n"


@dataclass(frozen=True)
class _Entry:
    fingerprint: str
    etag: str
    body: bytes
    gzipped: bytes


#: How long a token checked against the database keeps opening its feed from memory (seconds):
#: a token revoked by another process (``dondoc calendar-token revoke``) stops working, and a
#: change to the feed is served, at most this long afterwards. A revocation in this process
#: (the portal's "Đăng ký lịch") takes effect at once.
REVALIDATE_SECONDS = 5.0


@dataclass(frozen=True)
class _Grant:
    """A token seen to open a feed: which one, for which day, when that was last checked."""

    feed: str
    day: date
    checked: float
    generation: int


class _Feeds:
    """Per-process cache of encoded feeds, keyed by feed; rebuilt when the fingerprint moves.

    A request whose token was checked less than ``revalidate`` seconds ago is answered from
    memory (no database session): the token's hash maps to the feed it opens. Otherwise the
    token and the feed's fingerprint are read again (one indexed look-up, one aggregate).
    """

    def __init__(self, as_of: Callable[[], date], revalidate: float = REVALIDATE_SECONDS) -> None:
        self.as_of = as_of
        self.revalidate = revalidate
        self._entries: dict[str, _Entry] = {}
        self._grants: dict[str, _Grant] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, spec: FeedSpec, token: str | None) -> _Entry | None:
        if not token:
            return None
        day = self.as_of()
        hashed = token_hash(token)
        grant = self._grants.get(hashed)
        if (
            grant is not None
            and grant.feed == spec.cache_key
            and grant.day == day
            and grant.generation == token_generation()
            and time.monotonic() - grant.checked < self.revalidate
        ):
            entry = self._entries.get(spec.cache_key)
            if entry is not None:
                return entry
        self._grants.pop(hashed, None)
        generation, checked = token_generation(), time.monotonic()
        with session_scope() as session:
            if not token_opens(spec, token, session=session):
                return None
            try:
                fp = fingerprint(spec, as_of=day, session=session)
            except DondocError:
                return None
            entry = self._entries.get(spec.cache_key)
        if entry is None or entry.fingerprint != fp:
            with self._lock(spec.cache_key):
                entry = self._entries.get(spec.cache_key)
                if entry is None or entry.fingerprint != fp:
                    with session_scope() as session:
                        feed = render(spec, as_of=day, session=session)
                    body = feed.body.encode("utf-8")
                    entry = _Entry(feed.fingerprint, feed.etag, body, gzip.compress(body, compresslevel=6, mtime=0))
                    self._entries[spec.cache_key] = entry
        self._grants[hashed] = _Grant(spec.cache_key, day, checked, generation)
        return entry


def _matches(if_none_match: str | None, etags: set[str]) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
    return bool(candidates & etags)


def _accepts_gzip(accept_encoding: str | None) -> bool:
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class RedactTokens(logging.Filter):
    """Rewrites uvicorn's access-log request line so subscription and portal tokens never reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            line = args[2]
            if isinstance(line, str):
                args[2] = redact(line)
                record.args = tuple(args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction() -> None:
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


def create_app(
    *, as_of: Callable[[], date] = today_vn, portal: bool = True, revalidate_seconds: float = REVALIDATE_SECONDS
) -> FastAPI:
    """The app; ``as_of`` is the day statuses are computed for (tests and replays pass a fixed day);
    ``revalidate_seconds``: see :data:`REVALIDATE_SECONDS`."""
    install_log_redaction()
    app = FastAPI(title="dondoc calendars", docs_url=None, redoc_url=None, openapi_url=None)
    if portal:
        from dondoc.portal.web import create_portal_app

        app.mount("/portal", create_portal_app(as_of=as_of))
    feeds = _Feeds(as_of, revalidate_seconds)

    def not_found() -> Response:
        return Response(NOT_FOUND, 404, media_type="text/plain; charset=utf-8")

    def respond(request: Request, scope: Scope, key: str, token: str | None) -> Response:
        if not key.endswith(".ics"):
            return not_found()
        entry = feeds.get(FeedSpec(scope, key.removesuffix(".ics")), token)
        if entry is None:
            return not_found()
        zipped = _accepts_gzip(request.headers.get("accept-encoding"))
        etag = f'"{entry.etag}-gz"' if zipped else f'"{entry.etag}"'
        headers = {
            "ETag": etag,
            "Vary": "Accept-Encoding",
            "Cache-Control": "private, max-age=900",
            "Content-Disposition": f'inline; filename="{key.replace("/", "_")}"',
        }
        if _matches(request.headers.get("if-none-match"), {f'"{entry.etag}"', f'"{entry.etag}-gz"'}):
            return Response(status_code=304, headers=headers)
        if zipped:
            headers["Content-Encoding"] = "gzip"
        content = entry.gzipped if zipped else entry.body
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(content))
            return Response(status_code=200, headers=headers, media_type=MEDIA_TYPE)
        return Response(content, status_code=200, headers=headers, media_type=MEDIA_TYPE)

    @app.api_route("/calendars/directive/{code:path}", methods=["GET", "HEAD"])
    def directive_feed(request: Request, code: str, token: Token = None) -> Response:
        return respond(request, "directive", code, token)

    @app.api_route("/calendars/province/{code}", methods=["GET", "HEAD"])
    def province_feed(request: Request, code: str, token: Token = None) -> Response:
        return respond(request, "province", code, token)

    @app.api_route("/calendars/{code}", methods=["GET", "HEAD"])
    def agency_feed(request: Request, code: str, token: Token = None) -> Response:
        return respond(request, "agency", code, token)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def serve(*, host: str, port: int, as_of: date | None = None) -> None:
    import uvicorn

    fixed = as_of

    def day() -> date:
        return fixed if fixed is not None else today_vn()

    uvicorn.run(create_app(as_of=day), host=host, port=port, log_level="info", proxy_headers=True)
