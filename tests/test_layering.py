"""Imports point one way: the domain and the pure views never import the database, Prefect or Apprise,
and the library never imports the Prefect entry points (flows/, tasks/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = [
    "dondoc.domain.deadlines",
    "dondoc.domain.planning",
    "dondoc.domain.reporting",
    "dondoc.domain.reminders",
    "dondoc.domain.status",
    "dondoc.domain.report_math",
    "dondoc.domain.periods",
    "dondoc.domain.succession",
    "dondoc.registries.schema",
    "dondoc.registries.state",
    "dondoc.registries.diff",
    "dondoc.domain.text",
    "dondoc.directives.rows",
    "dondoc.tracking.view",
    "dondoc.calendars.ical",
]
HEAVY = ("sqlalchemy", "sqlmodel", "prefect", "apprise")


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_database_prefect_or_apprise(module: str) -> None:
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    assert loaded == "", f"{module} pulls in {loaded}"


def test_the_library_never_imports_the_prefect_entry_points() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "dondoc").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith(("from flows", "import flows", "from tasks", "import tasks"))
    ]
    assert offenders == []
