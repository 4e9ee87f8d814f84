"""Rebuild the evaluation texts in the ignored docs/ folder from local mirrors (see README).

    python benchmarks/intake_eval/rebuild.py [--mirrors /work/.mirror]

Reads only git mirrors fetched beforehand (``<mirrors>/<owner>+<name>/repo``, bare) with ``git show``
and writes ``docs/<label name>.<ext>``: nothing is downloaded. The thuvienphapluat.vn body texts are
flattened as the README says (``committee``, ``type``, ``title``, then every string of ``summary`` and
``chapters`` depth first, one per line, blank line between); files copied from a repository are
written byte for byte, and their sha256 is checked against the one their label records. A label
with a ``rebuild`` key takes its text from one entry of a JSON file (a repository's OCR of a scanned
PDF) and also copies the scan.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent
LABELS = ROOT / "labels"
DOCS = ROOT / "docs"
CRAWL_REPO = "phamtungthuy/crawl_thu_vien_phap_luat"
CRAWL_COMMIT = "6601100"
CRAWL_FILES = ("lawscraper/vanbanphapluat.json", "lawscraper/vanbanphapluat2.json")
# "github.com/<owner>/<name>@<commit>:<path> (...)"
REPO_SOURCE = re.compile(r"^github\.com/(?P<repo>[^/@\s]+/[^@\s]+)@(?P<commit>[0-9a-f]{7,40}):(?P<path>.+?)(?:\s+\(.*)?$")
SHA256 = re.compile(r"sha256\s+([0-9a-f]{64})")


def git_show(mirrors: Path, repo: str, commit: str, path: str) -> bytes:
    gitdir = mirrors / repo.replace("/", "+") / "repo"
    if not gitdir.exists():
        raise FileNotFoundError(f"no mirror of {repo} at {gitdir} (fetch github:{repo} first)")
    shown = subprocess.run(["git", "--git-dir", str(gitdir), "show", f"{commit}:{path}"], capture_output=True)
    if shown.returncode != 0:
        # the mirror is there but does not hold that file at that commit (an older snapshot, a moved path)
        detail = shown.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise LookupError(f"{path} is not in the mirror of {repo} at {commit} ({detail[0]})")
    return shown.stdout


def check(blob: bytes, sha256: str | None) -> None:
    if sha256 and hashlib.sha256(blob).hexdigest() != sha256:
        raise ValueError(f"sha256 differs from the label's {sha256}")


def walk(node: Any, out: list[str]) -> None:
    """Strings of a nested ``chapters`` list, depth first, each heading before its content."""
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for item in node:
            walk(item, out)
    elif isinstance(node, dict):
        for heading, content in node.items():
            out.append(str(heading))
            walk(content, out)


def flatten(entry: dict[str, Any]) -> str:
    parts = [entry["committee"], entry["type"], entry["title"]]
    walk(entry.get("summary", []), parts)
    walk(entry.get("chapters", []), parts)
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args(argv)
    DOCS.mkdir(exist_ok=True)
    crawl: dict[str, dict[str, Any]] | None = None
    problems = 0
    for label in sorted(LABELS.glob("*.yaml")):
        raw = label.read_text(encoding="utf-8")
        data = yaml.safe_load(raw)
        target = ROOT / data["document"]
        source = str(data["source"])
        match = REPO_SOURCE.match(source)
        try:
            if match and "rebuild" in data:
                # A text taken from one entry of a JSON file (an OCR of a scan), plus the scan itself.
                spec = data["rebuild"]
                blob = git_show(args.mirrors, match["repo"], match["commit"], match["path"])
                entry = spec["json_entry"]
                loaded = json.loads(blob)
                entries = loaded if isinstance(loaded, list) else [loaded]
                found = [e for e in entries if (e.get("file_info") or e).get("filename") == entry["filename"]]
                if len(found) != 1:
                    raise LookupError(f"{entry['filename']} is not once in {match['path']}")
                text = str(found[0][entry["field"]]).encode("utf-8")
                check(text, entry.get("sha256"))
                target.write_bytes(text)
                scan = spec.get("scan")
                if scan:
                    pdf = git_show(args.mirrors, match["repo"], str(scan["commit"]), scan["path"])
                    check(pdf, scan.get("sha256"))
                    (ROOT / scan["to"]).write_bytes(pdf)
            elif match:
                blob = git_show(args.mirrors, match["repo"], match["commit"], match["path"])
                recorded = SHA256.search(raw)
                check(blob, recorded.group(1) if recorded else None)
                target.write_bytes(blob)
            elif source.startswith("https://thuvienphapluat.vn/"):
                if crawl is None:
                    # Loaded whole or not at all: with no mirror every such label says "no mirror", not "not in the crawl".
                    loading: dict[str, dict[str, Any]] = {}
                    for name in CRAWL_FILES:
                        blob = git_show(args.mirrors, CRAWL_REPO, CRAWL_COMMIT, name)
                        for entry in json.loads(blob):
                            loading.setdefault(entry["url"], entry)
                    crawl = loading
                if source not in crawl:
                    raise LookupError(f"{source} is not in the crawl {CRAWL_REPO}@{CRAWL_COMMIT}")
                target.write_text(flatten(crawl[source]), encoding="utf-8")
            else:
                raise ValueError(f"unknown source {source!r}")
        except (OSError, ValueError, LookupError) as exc:  # FileNotFoundError: no mirror; LookupError: not in it
            problems += 1
            print(f"{label.name}: NOT rebuilt: {exc}", file=sys.stderr)
            continue
        print(f"{label.name}: {target.relative_to(ROOT)} ({target.stat().st_size} bytes)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
