"""Screenshots of the coordinator's Prefect UI for the docs (docs/img/*.png).

Needs a running stack (`dondoc demo` or `dondoc stack up`) and Debian's `chromium`. Runs the
tracking of 11677/UBND-HCC as of 06/12/2023 through its deployment, then captures the flow run
graph, the instance table artifact and the record-completion form with headless Chromium.

    .venv/bin/python docs/screenshots.py            # uses <data>/prefect/stack.json
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"


def chromium(url: str, target: Path, *, width: int = 1600, height: int = 1000, wait_ms: int = 8000) -> None:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        sys.exit("chromium not found: apt-get update && apt-get install -y chromium")
    with tempfile.TemporaryDirectory(prefix="dondoc-chromium-") as profile:
        subprocess.run(
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
                f"--user-data-dir={profile}",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--virtual-time-budget={wait_ms}",
                f"--screenshot={target}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(f"{target.relative_to(ROOT)} ← {url}")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from dondoc import prefect_stack

    stack = prefect_stack.read_stack()
    if stack is None:
        sys.exit("no running stack: run `dondoc demo` or `dondoc stack up` first")
    os.environ["PREFECT_API_URL"] = stack.api_url
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment

    run = run_deployment(
        "track-directive/track-directive", parameters={"directive": "11677/UBND-HCC", "as_of": "2023-12-06"}, timeout=180
    )
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["dondoc-11677-ubnd-hcc-instances"])),
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])),
        )
        completion = client.read_deployment_by_name("record-completion/record-completion")
    OUT.mkdir(parents=True, exist_ok=True)
    chromium(f"{stack.url}/runs/flow-run/{run.id}", OUT / "flow-run-graph.png", height=1100)
    if artifacts:
        chromium(f"{stack.url}/artifacts/artifact/{artifacts[0].id}", OUT / "artifact-table.png", height=1200)
    chromium(f"{stack.url}/runs/flow-run/{run.id}?tab=Task+Runs", OUT / "task-runs.png", height=1200)
    chromium(f"{stack.url}/deployments/deployment/{completion.id}/run", OUT / "record-completion-form.png", height=1400)


if __name__ == "__main__":
    main()
