"""Report tasks: build (and freeze) the report, write its files, publish the Markdown artifact.

Each wraps one use case of :mod:`dondoc.reports.service`; a user error (bad period, unknown
province) fails at once, anything else is retried with short explicit delays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from dondoc.reports.files import artifact_markdown
from dondoc.reports.model import ReportData
from dondoc.reports.service import build_report, write_report
from tasks.retry import retry_unless_user_error

ACTOR = "prefect:reform-report"


@task(
    name="build-report",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_unless_user_error,
)
def build_report_task(province: str, period: str, as_of: date, calendar_periods: bool, today: date) -> ReportData:
    """Read the database; a period closed by ``today`` (the real day) is frozen on the first run and
    read back afterwards (idempotent); one closed only by a future ``as_of`` stays provisional."""
    return build_report(province, period, as_of=as_of, today=today, actor=ACTOR, calendar_periods=calendar_periods)


@task(
    name="write-report-files",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_unless_user_error,
)
def write_report_files(report: ReportData, out_dir: Path, issued_on: date, formats: list[str]) -> list[str]:
    """md/docx/xlsx/csv/png, all or nothing; a re-run overwrites the same file names."""
    return [str(p) for p in write_report(report, out_dir, issued_on=issued_on, formats=formats)]


@task(name="publish-report-artifact", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=[2, 10])
def publish_report_artifact(report: ReportData, files: list[str]) -> str:
    """The report in the run's Artifacts tab, with the chart inline; the key keeps one history per province and period."""
    listing = "\n".join(f"- `{f}`" for f in files)
    markdown = artifact_markdown(report) + f"\n### Tệp đã xuất\n\n{listing}\n"
    key = f"bao-cao-cchc-{report.province}-{report.period_key}".lower()
    create_markdown_artifact(
        markdown=markdown, key=key, description=f"Báo cáo CCHC {report.period_short} — {report.province_name}"
    )
    return key
