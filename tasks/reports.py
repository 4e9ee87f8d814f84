"""Report tasks: build (and freeze) the report, write its files, publish the Markdown artifact.

Each wraps one use case of :mod:`dondoc.reports.service`; a user error (bad period, unknown
province) fails at once, anything else is retried with short explicit delays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect.artifacts import create_markdown_artifact

from dondoc.domain.periods import PeriodKind
from dondoc.reports.files import artifact_markdown
from dondoc.reports.model import ReportData
from dondoc.reports.service import ReportJob, build_report, plan_reports, write_report
from tasks.policy import side_effect_task

ACTOR = "prefect:reform-report"


@side_effect_task("plan-reports")
def plan_reports_task(
    province: str | None, period: str | None, kind: PeriodKind, as_of: date, today: date, calendar_periods: bool, new_only: bool
) -> list[ReportJob]:
    """Read the stored reports: which province and periods this run reports on."""
    return plan_reports(
        province, period, kind=kind, as_of=as_of, today=today, calendar_periods=calendar_periods, new_only=new_only
    )


@side_effect_task("build-report")
def build_report_task(province: str, period: str, as_of: date, calendar_periods: bool, today: date) -> ReportData:
    """Read the database; a period closed by ``today`` (the real day) is frozen on the first run and
    read back afterwards (idempotent); one closed only by a future ``as_of`` stays provisional."""
    return build_report(province, period, as_of=as_of, today=today, actor=ACTOR, calendar_periods=calendar_periods)


@side_effect_task("write-report-files")
def write_report_files(report: ReportData, out_dir: Path, issued_on: date, formats: list[str]) -> list[str]:
    """md/docx/xlsx/csv/png, all or nothing; a re-run overwrites the same file names."""
    return [str(p) for p in write_report(report, out_dir, issued_on=issued_on, formats=formats)]


@side_effect_task("publish-report-artifact")
def publish_report_artifact(report: ReportData, files: list[str]) -> str:
    """The report in the run's Artifacts tab, with the chart inline; the key keeps one history per province and period."""
    listing = "\n".join(f"- `{f}`" for f in files)
    markdown = artifact_markdown(report) + f"\n### Tệp đã xuất\n\n{listing}\n"
    key = f"bao-cao-cchc-{report.province}-{report.period_key}".lower()
    create_markdown_artifact(
        markdown=markdown, key=key, description=f"Báo cáo CCHC {report.period_short} — {report.province_name}"
    )
    return key
