"""Writing a report's files: every form is rendered in memory first, then moved into place."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dondoc.domain.policy import ReportPolicy
from dondoc.errors import InputError
from dondoc.reports.chart import status_chart
from dondoc.reports.docx_render import report_docx
from dondoc.reports.markdown import report_markdown
from dondoc.reports.model import ReportData
from dondoc.reports.sheets import report_csvs, report_xlsx

FORMATS = ("md", "docx", "xlsx", "csv", "png")


@dataclass(frozen=True)
class WrittenReport:
    paths: list[Path]
    markdown: str  # with the chart embedded, for the flow's artifact


def base_name(report: ReportData) -> str:
    return f"bao-cao-cchc_{report.province}_{report.period_key}"


def check_formats(formats: Iterable[str]) -> list[str]:
    chosen = [f.strip().lower() for item in formats for f in item.split(",") if f.strip()]
    if not chosen or "all" in chosen:
        return list(FORMATS)
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown:
        raise InputError(f"--format {', '.join(unknown)}: unknown; choose from {', '.join(FORMATS)} or all")
    return [f for f in FORMATS if f in chosen]


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_files(
    report: ReportData,
    policy: ReportPolicy,
    *,
    issued_on: date,
    formats: Iterable[str],
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, bytes]:
    """File name → content, for the chosen formats; ``progress(done, total, form)`` after each form."""
    chosen = check_formats(formats)
    name = base_name(report)
    steps = [f for f in ("md", "docx", "xlsx", "csv") if f in chosen]
    total = len(steps) + 1
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, label)

    chart = status_chart(report) if {"png", "docx", "md"} & set(chosen) else None
    tick("biểu đồ")
    files: dict[str, bytes] = {}
    if "md" in chosen:
        files[f"{name}.md"] = report_markdown(report, chart=f"{name}.png" if "png" in chosen else None).encode()
        tick("Markdown")
    if "docx" in chosen:
        files[f"{name}.docx"] = report_docx(report, policy, issued_on=issued_on, chart_png=chart)
        tick("DOCX")
    if "xlsx" in chosen:
        files[f"{name}.xlsx"] = report_xlsx(report)
        tick("XLSX")
    if "csv" in chosen:
        files.update({f"{name}_{key}.csv": content for key, content in report_csvs(report).items()})
        tick("CSV")
    if "png" in chosen and chart is not None:
        files[f"{name}.png"] = chart
    return files


def write_files(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """All or nothing: written to a temporary folder beside the target, then renamed into it."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir}: exists and is not a folder; choose a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot create the folder ({exc.strerror}); choose a writable folder") from exc
    staging = Path(tempfile.mkdtemp(prefix=".dondoc-report-", dir=out_dir))
    try:
        for file_name, content in files.items():
            (staging / file_name).write_bytes(content)
        written = []
        for file_name in files:
            os.replace(staging / file_name, out_dir / file_name)
            written.append(out_dir / file_name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def artifact_markdown(report: ReportData, *, limit: int = 50) -> str:
    """The Markdown shown on the flow run, with the chart inline (a data URI needs no file server)."""
    return report_markdown(report, chart=data_uri(status_chart(report)), limit=limit)
