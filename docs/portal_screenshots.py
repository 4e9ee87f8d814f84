"""Screenshots of the department portal for the README and docs/portal.md (docs/img/portal-*.png).

The demo's data: a copy of what `./run demo` left in ``data/dondoc.db`` (or, without it, the same
story rebuilt in a temporary folder without the Prefect stack: the five seeds and the demo's
recorded completions, ``flows.demo.STORY``: 1.k by Sở Tư pháp on 01/12, 5.b by Sở TT&TT on 07/12,
…), as of the demo's last day (20/12/2023). It serves
`dondoc serve`'s app on a free loopback port and drives Debian's Chromium through Playwright
(nothing downloaded): Sở TT&TT reports completion of 2.a, which it leads (phone), then its page
on a phone and a desktop (1.k is under "Đơn vị phối hợp": Sở Tư pháp leads it and completed it),
and the Office's approval queue with that report and an extension request of Sở Nội vụ.

    ./run demo && .venv/bin/python docs/portal_screenshots.py [--as-of 20/12/2023]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
AGENCY = "dn-so-thong-tin-truyen-thong"
OFFICE = "dn-vp-ubnd"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", default="20/12/2023", help="the day the pages show (the demo's last day)")
    parser.add_argument("--demo-database", type=Path, default=ROOT / "data" / "dondoc.db", help="what `./run demo` left (copied)")
    args = parser.parse_args()
    as_of = datetime.strptime(args.as_of, "%d/%m/%Y").date()  # noqa: DTZ007 (a calendar day)
    folder = Path(tempfile.mkdtemp(prefix="dondoc-portal-shots-"))
    from_demo = args.demo_database.exists()
    if from_demo:
        import sqlite3

        with sqlite3.connect(args.demo_database) as source, sqlite3.connect(folder / "dondoc.db") as copy:
            source.backup(copy)  # a consistent copy, WAL included; the demo's data is not written to
    from dondoc.orchestration.stack import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    os.environ.update(
        {"DONDOC_DATA_DIR": str(folder), "DONDOC_DATABASE_URL": f"sqlite:///{folder / 'dondoc.db'}", "DONDOC_PORTAL_URL": base}
    )
    import uvicorn
    from playwright.sync_api import sync_playwright

    from dondoc.calendars.server import create_app
    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as directives
    from dondoc.portal import service
    from flows.demo import STORY
    from tests.test_portal_browser import real_pdf  # the browser test's real PDF (matplotlib)

    upgrade()
    if not from_demo:  # the demo's story without its Prefect stack
        directives.import_paths([ROOT / "directives_seed"], as_of=as_of, actor="screenshots")
        for done in STORY:
            iid = directives.find_instance_id(done.directive, done.clause, done.agency)
            directives.record_completion(
                iid, on=done.on, evidence=done.evidence, actor="screenshots (flows/demo.py)", today=as_of
            )

    def instance_of(clause: str, agency: str) -> int:
        return directives.find_instance_id("11677/UBND-HCC", clause, agency)

    lead_task = instance_of("2.a", AGENCY)
    server = uvicorn.Server(uvicorn.Config(create_app(as_of=lambda: as_of), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    dept = service.issue_link(AGENCY, office=False, recipient=None, label="screenshots", actor="screenshots", base=base)
    office = service.issue_link(OFFICE, office=True, recipient=None, label="screenshots", actor="screenshots", base=base)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        phone = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
        ).new_page()
        phone.goto(f"{dept.url}?task={lead_task}")
        phone.get_by_label("Số, ký hiệu văn bản báo cáo").fill("45/BC-STTTT")
        phone.get_by_label("Ngày báo cáo (dd/mm/yyyy)").fill(as_of.strftime("%d/%m/%Y"))
        phone.locator("input[name=file]").set_input_files(str(real_pdf(folder / "bao-cao-2a.pdf")))
        phone.get_by_label("Ghi chú").fill("Đã xử lý dứt điểm các điểm nghẽn thuộc lĩnh vực thông tin và truyền thông.")
        phone.screenshot(path=str(OUT / "portal-task-phone.png"), full_page=True)
        phone.get_by_role("button", name="Gửi báo cáo hoàn thành").click()
        phone.wait_for_url(f"**/portal/task/{lead_task}?sent=*")
        phone.goto(f"{base}/portal/")
        phone.screenshot(path=str(OUT / "portal-department-phone.png"))
        other = service.issue_link(
            "dn-so-noi-vu", office=False, recipient=None, label="screenshots", actor="screenshots", base=base
        )
        asks = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
        asks.goto(f"{other.url}?task={instance_of('2.a', 'dn-so-noi-vu')}")
        asks.get_by_label("Hạn mới đề nghị (dd/mm/yyyy)").fill("29/12/2023")
        asks.get_by_label("Lý do").fill("Chờ Bộ Nội vụ hướng dẫn liên thông dữ liệu cán bộ")
        asks.get_by_role("button", name="Gửi đề nghị gia hạn").click()
        asks.wait_for_url("**?sent=*")
        desktop = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
        desktop.goto(dept.url)
        desktop.screenshot(path=str(OUT / "portal-department-desktop.png"))
        queue = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
        queue.goto(office.url)
        queue.screenshot(path=str(OUT / "portal-office-desktop.png"), full_page=True)
        browser.close()
    server.should_exit = True
    shutil.rmtree(folder, ignore_errors=True)
    print(
        f"portal-task-phone, portal-department-phone, portal-department-desktop, portal-office-desktop → {OUT}", file=sys.stderr
    )


if __name__ == "__main__":
    main()
