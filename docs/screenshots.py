"""Screenshots of the coordinator's Prefect UI for the docs (docs/img/*.png).

Needs a running stack (`dondoc demo` or `dondoc stack up`) and Debian's `chromium`. Runs the
tracking of 11677/UBND-HCC as of 06/12/2023 through its deployment, then drives headless Chromium
over the DevTools protocol (websockets, installed with Prefect) to capture:

- flow-run-graph.png: the run graph in the "Dependency grid" layout, full screen, with the task run
  of 1.k selected so its details panel shows the full name and the state name (the graph itself
  draws names in ASCII only: Prefect's canvas font has no Vietnamese diacritics);
- task-runs.png: the flow run page's "Task Runs" tab, every task run with its state badge;
- artifact-table.png: the instance table artifact;
- record-completion-form.png: the record-completion custom run form;
- tracking-runs.png: the runs page behind the link `stack up` prints (``/runs?tag=tracking``), the
  tracking runs of the seeded directives as of 06/12/2023, red or green with their verdicts.

    .venv/bin/python docs/screenshots.py            # uses <data>/prefect/stack.json
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

from dondoc.orchestration.stack import free_port

ROOT = Path(__file__).resolve().parent.parent
#: Tracked besides 11677/UBND-HCC for the runs page (the seeds in force on 06/12/2023).
OTHER_DIRECTIVES = ("170/KH-VP", "long-an-chi-thi-2022-05-55a8c6", "hung-yen-chi-thi-2023-08-21-33b29f", "dong-thap-cong-van-2023-33467c")
OUT = ROOT / "docs" / "img"


class Browser:
    """Headless Chromium driven over the DevTools protocol (navigate, click, zoom, clipped screenshots)."""

    def __init__(self, *, width: int = 1600, height: int = 1000) -> None:
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if binary is None:
            sys.exit("chromium not found: apt-get update && apt-get install -y chromium")
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="dondoc-chromium-")
        port = free_port()
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                page = next(t for t in targets if t.get("type") == "page")
                break
            except (httpx.HTTPError, StopIteration, ValueError):
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    sys.exit("chromium did not start its DevTools endpoint")
                time.sleep(0.3)
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None)
        self._id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method: str, **params: object) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def js(self, expression: str) -> object:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}…: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, what: str, timeout: float = 30) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.3)
        raise RuntimeError(f"timed out waiting for {what}")

    def goto(self, url: str, ready: str, what: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for(ready, what)
        time.sleep(1.5)  # let fonts, charts and the run graph finish drawing

    def screenshot(self, target: Path, clip: dict[str, float] | None = None) -> None:
        params: dict[str, object] = {"format": "png", "captureBeyondViewport": False}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
        data = self.send("Page.captureScreenshot", **params)["data"]
        target.write_bytes(base64.b64decode(data))
        print(f"{target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)")

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


CLICK_BY_TEXT = """(text) => {
  const hits = [...document.querySelectorAll('label, li, button, span, div')]
    .filter((e) => e.children.length <= 3 && e.textContent.trim() === text);
  if (!hits.length) return false;
  hits[hits.length - 1].click();
  return true;
}"""

PANEL_TITLE = """(() => {
  const panel = [...document.querySelectorAll('a, h1, h2, h3, div')].find((e) =>
    e.children.length === 0 && /^\\d+(\\.[a-z])?\\b.* · hạn /.test(e.textContent.trim()) && e.getBoundingClientRect().x > 900);
  return panel ? panel.textContent.trim() : '';
})()"""


def flow_run_graph(browser: Browser, url: str, target: Path, select: str = "1.k ") -> None:
    """Full-screen run graph in the dependency-grid layout, the task run `select` opened beside it."""
    browser.resize(1600, 1100)
    browser.goto(url, "document.querySelector('.run-graph canvas, canvas') !== null", "the run graph")
    browser.js("document.querySelector('[aria-label=\"Run Graph Options\"]').click()")
    time.sleep(0.5)
    if not browser.js(f"({CLICK_BY_TEXT})('Dependency grid')"):
        raise RuntimeError("run graph option 'Dependency grid' not found")
    time.sleep(0.5)
    browser.js("document.querySelector('[title^=\"Toggle fullscreen\"]').click()")
    time.sleep(3)
    # The graph is a canvas: click down the first column of nodes until the details panel shows `select`.
    for y in range(30, browser.height - 60, 16):
        browser.click(553, y)
        time.sleep(0.35)
        if str(browser.js(PANEL_TITLE)).startswith(select):
            break
    else:
        print(f"warning: task run {select!r} not found in the graph; capturing it unselected")
        browser.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))")
    time.sleep(1.5)
    browser.screenshot(target, clip={"x": 470, "y": 20, "width": 1110, "height": 1040})


def task_runs(browser: Browser, url: str, target: Path) -> None:
    """The flow run page's Task Runs tab (clicked: `?tab=` in the URL does not switch tabs)."""
    browser.resize(1600, 1100)
    browser.goto(url, "document.querySelector('li.p-tab') !== null", "the flow run tabs")
    browser.js("[...document.querySelectorAll('li.p-tab')].find((e) => e.textContent.trim() === 'Task Runs').click()")
    browser.wait_for("document.querySelectorAll('.flow-run-task-runs .state-badge').length > 0", "the task run list")
    time.sleep(1.5)
    # The run graph above the tabs is shown in flow-run-graph.png: hide it so the list fits the image.
    browser.js(
        "document.querySelector('.flow-run-graph, .run-graph')?.closest('.flow-run-graph, .run-graph').style.setProperty('display', 'none')"
    )
    time.sleep(0.5)
    height = int(browser.js("Math.ceil(document.querySelector('.flow-run-task-runs').getBoundingClientRect().bottom) + 16"))
    browser.resize(1600, height)
    time.sleep(1)
    # Up to the end of the longest task run name; the tag column on the right repeats the run's tags.
    browser.screenshot(target, clip={"x": 256, "y": 0, "width": 940, "height": height})


def page(browser: Browser, url: str, target: Path, ready: str, what: str, *, height: int) -> None:
    browser.resize(1600, height)
    browser.goto(url, ready, what)
    browser.screenshot(target)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from dondoc.orchestration import stack as prefect_stack

    stack = prefect_stack.read_stack()
    if stack is None:
        sys.exit("no running stack: run `dondoc demo` or `dondoc stack up` first")
    os.environ["PREFECT_API_URL"] = stack.api_url
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment

    for other in OTHER_DIRECTIVES:  # the runs page shows the verdicts side by side
        run_deployment("track-directive/track-directive", parameters={"directive": other, "as_of": "06/12/2023"}, timeout=180)
    run = run_deployment(
        "track-directive/track-directive", parameters={"directive": "11677/UBND-HCC", "as_of": "06/12/2023"}, timeout=180
    )
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["dondoc-11677-ubnd-hcc-instances"])),
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])),
        )
        completion = client.read_deployment_by_name("record-completion/record-completion")
    OUT.mkdir(parents=True, exist_ok=True)
    run_url = f"{stack.url}/runs/flow-run/{run.id}"
    browser = Browser()
    try:
        flow_run_graph(browser, run_url, OUT / "flow-run-graph.png")
        task_runs(browser, run_url, OUT / "task-runs.png")
        if artifacts:
            page(
                browser,
                f"{stack.url}/artifacts/artifact/{artifacts[0].id}",
                OUT / "artifact-table.png",
                "document.querySelectorAll('table tbody tr').length > 5",
                "the artifact table",
                height=1200,
            )
        page(
            browser,
            f"{stack.url}/runs?tag=tracking",
            OUT / "tracking-runs.png",
            "document.querySelectorAll('.state-badge').length > 0",
            "the tracking runs",
            height=900,
        )
        page(
            browser,
            f"{stack.url}/deployments/deployment/{completion.id}/run",
            OUT / "record-completion-form.png",
            "document.querySelectorAll('input, textarea').length > 2",
            "the custom run form",
            height=1400,
        )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
