"""The portal's pages (FastAPI, server-rendered Jinja2, mounted at ``/portal`` by ``dondoc serve``).

A personal link ``/portal/open/<token>`` is checked once, then replaced by a signed session cookie
(Starlette's SessionMiddleware, itsdangerous) holding only the link's id; every request re-reads
that link so a revocation or an expiry takes effect at once. The token leaves the address bar at
the first redirect and never reaches a log (``dondoc.calendars.server`` redacts request lines).
Every form is CSRF-protected (starlette-wtf, WTForms' session CSRF: a token bound to the session,
time-signed, carried in each form's hidden ``csrf_token`` field): the pages submit without JavaScript.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import BackgroundTasks, FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.middleware.sessions import SessionMiddleware
from starlette_wtf import CSRFError, CSRFProtectMiddleware, csrf_protect, csrf_token  # type: ignore[import-untyped]

from dondoc.configuration.settings import get_settings
from dondoc.domain.dates import vn_date
from dondoc.errors import DondocError
from dondoc.models.portal import LinkRole, PortalLink
from dondoc.portal import rules, service, store, view

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "dondoc_portal"
FORM_MARGIN = 256 * 1024  # the form's text fields and multipart framing around the file
CSRF_FIELD = "csrf_token"
CSRF_FAILED = "Biểu mẫu đã hết hiệu lực hoặc thiếu mã xác thực nên chưa được gửi. Mở lại trang nhiệm vụ, nhập lại và bấm gửi lại."
NOT_FOUND = "Không tìm thấy trang: đường dẫn không đúng, đã hết hạn hoặc đã bị thu hồi. Đề nghị liên hệ Văn phòng UBND tỉnh để được cấp đường dẫn mới."


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters["vn"] = lambda d, empty="—": vn_date(d, empty)
    env.filters["vn_time"] = view.vn_time
    env.filters["size_vi"] = view.size_vi
    env.filters["type_vi"] = view.type_vi
    env.globals["KIND_VI"] = view.KIND_VI
    env.globals["STATE_VI"] = view.STATE_VI
    env.globals["csrf_input"] = csrf_input
    return templates


def csrf_input(request: Request) -> Markup:
    """The hidden field carrying the session's CSRF token (starlette-wtf keeps the secret in the session)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token(request))


@dataclass
class Cached:
    """A cached page: the change stamp it is known fresh at, the codes it reads, and its content."""

    stamp: int
    reads: frozenset[str]
    content: Any


class PageCache:
    """Department pages per (agency, day, base URL), rendered once and kept with their gzip form (the
    page is the same for every recipient of an agency: it holds no per-session secret), and the
    Office's queue per office (as data: its forms carry each session's CSRF token).

    An entry stays valid across writes that do not concern it: when the change stamp moved,
    :func:`dondoc.portal.service.stale` reads the new audit rows and only a row whose audience meets
    the entry's codes (dondoc.portal.freshness) forces a new render. 200 phones opening the same
    morning's digest cost one render, and a submission of agency A does not re-render B's page.
    """

    def __init__(self, size: int = 2048) -> None:
        self._pages: OrderedDict[tuple[object, ...], Cached] = OrderedDict()
        self._building: weakref.WeakValueDictionary[tuple[object, ...], asyncio.Lock] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[object, ...]) -> Cached | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is not None:
                self._pages.move_to_end(key)
            return entry

    def put(self, key: tuple[object, ...], entry: Cached) -> Cached:
        with self._lock:
            self._pages[key] = entry
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return entry

    async def fetch(self, key: tuple[object, ...], stamp: int, build: Callable[[], Cached]) -> Cached:
        """The entry for ``key``, fresh at ``stamp``: kept if no newer write concerns it, else rebuilt.

        One request per key checks or rebuilds while the others wait for its result (the morning's
        200 phones after a write cost one render, not 200 renders fighting for the database).
        """
        entry = self.get(key)
        if entry is not None and entry.stamp >= stamp:
            return entry
        lock = self._building.get(key)
        if lock is None:
            lock = self._building.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self.get(key)
            if entry is not None and entry.stamp < stamp:
                if await run_in_threadpool(service.stale, entry.stamp, stamp, entry.reads):
                    entry = None
                else:
                    entry.stamp = stamp
            if entry is None:
                entry = self.put(key, await run_in_threadpool(build))
            return entry


def gzipped(body: bytes) -> tuple[bytes, bytes]:
    """A page and its gzip form (a phone on 3G downloads ~10× less)."""
    return body, gzip.compress(body, compresslevel=6, mtime=0)


@csrf_protect  # type: ignore[untyped-decorator]
async def verify_csrf(request: Request) -> None:
    """Raises CSRFError (403) unless the posted form (or the X-CSRFToken header) carries the session's token."""


def create_portal_app(*, as_of: Callable[[], date]) -> FastAPI:
    settings = get_settings()
    secure = settings.portal_url.startswith("https://")
    policy = service.policy()
    app = FastAPI(title="dondoc portal", docs_url=None, redoc_url=None, openapi_url=None)
    secret = store.secret()
    # The pages send no Referer (no-referrer: a token must never leak), so the https Referer check is
    # off; the token is bound to the session cookie (SameSite=Lax) and time-limited like the session.
    app.add_middleware(
        CSRFProtectMiddleware,
        csrf_secret=secret,
        csrf_field_name=CSRF_FIELD,
        csrf_time_limit=policy.session_hours * 3600,
        csrf_ssl_strict=False,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=policy.session_hours * 3600,
        path="/portal",
        same_site="lax",
        https_only=secure,
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    templates = _templates()

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"as_of": as_of(), **context}, status_code=status)

    def not_found(request: Request) -> HTMLResponse:
        return page(request, "message.html.j2", 404, title="Không tìm thấy", message=NOT_FOUND)

    @app.exception_handler(CSRFError)
    def csrf_failed(request: Request, _exc: Exception) -> HTMLResponse:
        return page(request, "message.html.j2", 403, title="Chưa gửi được", message=CSRF_FAILED, back=home(request))

    def link_of(request: Request) -> PortalLink | None:
        link = service.current_link(request.session.get("link"))
        if link is None:
            request.session.clear()
        return link

    def home(request: Request) -> str:
        return str(request.url_for("index"))

    @app.get("/open/{token}", name="open")
    def open_link(request: Request, token: str, task: int | None = None) -> Response:
        link = service.open_link(token)
        if link is None:
            return not_found(request)
        request.session.clear()
        request.session["link"] = link.id
        target = request.url_for("task", instance_id=task) if task is not None else request.url_for("index")
        return RedirectResponse(str(target), status_code=303, headers={"Referrer-Policy": "no-referrer"})

    pages = PageCache()

    async def index(request: Request) -> Response:
        """Async, and a plain Starlette route (no FastAPI parameter machinery): a cache hit costs one
        indexed statement on a kept connection, cheaper than a hop to the threadpool."""
        shown = request.query_params.get("decided", "")
        decided = int(shown) if shown.isdigit() else None
        link, stamp = service.current_link_and_stamp(request.session.get("link"))
        if link is None:
            request.session.clear()
            return not_found(request)
        if link.role == LinkRole.OFFICE:

            def office_data() -> Cached:
                data = service.office_page(link)
                return Cached(stamp, data.reads, data)

            office = await pages.fetch(("office", link.agency_code), stamp, office_data)
            return page(request, "office.html.j2", office=office.content, link=link, decided=decided)
        day = as_of()

        def department() -> Cached:
            dept = service.department_page(link, as_of=day)
            rendered = page(request, "department.html.j2", dept=dept, link=link)
            return Cached(stamp, dept.reads, gzipped(bytes(rendered.body)))

        cached = await pages.fetch(("department", link.agency_code, day, str(request.base_url)), stamp, department)
        entry: tuple[bytes, bytes] = cached.content
        headers = {"Cache-Control": "private, no-store", "Vary": "Accept-Encoding"}
        if "gzip" in (request.headers.get("accept-encoding") or ""):
            return HTMLResponse(entry[1], headers={**headers, "Content-Encoding": "gzip"})
        return HTMLResponse(entry[0], headers=headers)

    app.router.add_route("/", index, methods=["GET"], name="index")

    @app.get("/task/{instance_id}", name="task")
    def task(request: Request, instance_id: int, sent: int | None = None) -> Response:
        link = link_of(request)
        if link is None:
            return not_found(request)
        try:
            data = service.task_page(link, instance_id, as_of=as_of())
        except service.Forbidden:
            return not_found(request)
        return page(request, "task.html.j2", t=data, link=link, sent=sent, errors={}, form={})

    def submitted(request: Request, instance_id: int, run: Callable[[PortalLink], int], form: dict[str, str]) -> Response:
        """Run a submission; on success redirect (and tell Prefect the queue changed), on a form error show the fields."""
        link = link_of(request)
        if link is None:
            return not_found(request)
        try:
            sid = run(link)
        except service.Forbidden:
            return not_found(request)
        except (rules.FormError, service.NotSaved) as exc:
            errors, status = (exc.fields, 400) if isinstance(exc, rules.FormError) else ({"form": str(exc)}, 503)
            try:
                data = service.task_page(link, instance_id, as_of=as_of())
            except service.Forbidden:
                return not_found(request)
            return page(request, "task.html.j2", status, t=data, link=link, sent=None, errors=errors, form=form)
        return RedirectResponse(
            str(request.url_for("task", instance_id=instance_id)) + f"?sent={sid}",
            status_code=303,
            background=BackgroundTask(service.announce_submission, sid),
        )

    def upload_of(value: object) -> service.Upload | None:
        if isinstance(value, StarletteUpload) and value.filename:
            return service.Upload(value.file, value.filename)
        return None

    async def posted(request: Request) -> tuple[dict[str, str], service.Upload | None] | Response:
        length = int(request.headers.get("content-length") or 0)
        if length > policy.max_upload_bytes + FORM_MARGIN:
            message = f"Tệp vượt giới hạn {policy.max_upload_mb:g} MB; chọn tệp nhỏ hơn hoặc nén lại rồi gửi lại."
            return page(request, "message.html.j2", 413, title="Tệp quá lớn", message=message, back=home(request))
        raw = await request.form(max_files=1, max_fields=100)  # parsed once, with limits; the CSRF check reads it
        await verify_csrf(request)
        fields = {k: v for k, v in raw.items() if isinstance(v, str)}
        return fields, upload_of(raw.get("file"))

    async def submit(request: Request, instance_id: int, action: Callable[[Any, dict[str, str], Any], Any]) -> Response:
        """One posted form (size checked first), handed to ``action(link, form, upload)`` off the event loop."""
        got = await posted(request)
        if isinstance(got, Response):
            return got
        form, upload = got
        return await run_in_threadpool(submitted, request, instance_id, lambda link: action(link, form, upload), form)

    @app.post("/task/{instance_id}/complete", name="complete")
    async def complete(request: Request, instance_id: int) -> Response:
        return await submit(
            request,
            instance_id,
            lambda link, form, upload: service.submit_completion(link, instance_id, form, upload, today=as_of()),
        )

    @app.post("/task/{instance_id}/extend", name="extend")
    async def extend(request: Request, instance_id: int) -> Response:
        return await submit(
            request, instance_id, lambda link, form, _: service.submit_extension(link, instance_id, form, today=as_of())
        )

    @app.post("/task/{instance_id}/input", name="input")
    async def contribute(request: Request, instance_id: int) -> Response:
        return await submit(
            request, instance_id, lambda link, form, upload: service.submit_input(link, instance_id, form, upload, today=as_of())
        )

    @app.post("/submission/{submission_id}/decide", name="decide")
    async def decide(
        request: Request,
        submission_id: int,
        background: BackgroundTasks,
        decision: Annotated[str, Form()] = "",
        reason: Annotated[str, Form()] = "",
    ) -> Response:
        await verify_csrf(request)
        return await run_in_threadpool(decided, request, submission_id, background, decision, reason)

    def decided(
        request: Request,
        submission_id: int,
        background: BackgroundTasks,
        decision: str,
        reason: str,
    ) -> Response:
        link = link_of(request)
        if link is None or link.role != LinkRole.OFFICE:
            return not_found(request)
        if decision not in {"approve", "reject"}:
            return page(request, "message.html.j2", 400, title="Thiếu quyết định", message="Chọn «Duyệt» hoặc «Từ chối».")
        try:
            result = service.decide(
                submission_id, approve=decision == "approve", reason=reason, actor=f"portal:{link.agency_code} #link{link.id}",
                today=as_of(), office=link.agency_code,
            )  # fmt: skip
        except service.Forbidden:
            return not_found(request)
        except DondocError as exc:
            return page(request, "message.html.j2", 400, title="Chưa thực hiện được", message=str(exc), back=home(request))
        if result.approved and result.recorded is not None:
            background.add_task(service.announce, result, as_of())
        return RedirectResponse(home(request) + f"?decided={submission_id}", status_code=303, background=background)

    @app.get("/submission/{submission_id}/file", name="file")
    def download(request: Request, submission_id: int) -> Response:
        link = link_of(request)
        if link is None:
            return not_found(request)
        try:
            path, name, mime = service.file_of(link, submission_id)
        except service.Forbidden:
            return not_found(request)
        return FileResponse(path, media_type=mime, filename=name, content_disposition_type="attachment")

    @app.get("/calendar", name="calendar_form")
    def calendar_form(request: Request) -> Response:
        """The department page is cached and shared by the agency's recipients, so it holds no CSRF token:
        its calendar button leads here, to a form that does."""
        link = link_of(request)
        if link is None or link.role == LinkRole.OFFICE:
            return not_found(request)
        return page(request, "calendar.html.j2", url=None, https_url=None)

    @app.post("/calendar", name="calendar")
    async def calendar(request: Request) -> Response:
        await verify_csrf(request)
        return await run_in_threadpool(subscribed, request)

    def subscribed(request: Request) -> Response:
        link = link_of(request)
        if link is None or link.role == LinkRole.OFFICE:
            return not_found(request)
        url = service.calendar_subscription(link, base=str(request.base_url).removesuffix("/portal/").rstrip("/"))
        return page(
            request,
            "calendar.html.j2",
            url=url,
            https_url=url.replace("webcal://", "https://" if request.url.scheme == "https" else "http://", 1),
        )

    @app.post("/signout", name="signout")
    async def signout(request: Request) -> Response:
        await verify_csrf(request)
        request.session.clear()
        return page(
            request, "message.html.j2", title="Đã thoát", message="Đã thoát. Mở lại đường dẫn trong thư nhắc việc để vào lại."
        )

    return app
