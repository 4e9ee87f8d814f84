"""Only the library is installed: the wheel's top-level names are ``dondoc`` (and its metadata)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_installs_only_dondoc(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp_path.glob("dondoc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top_level = {name.split("/", 1)[0] for name in names}
    assert top_level == {"dondoc", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    # the packaged defaults and migrations travel with the library
    assert "dondoc/configuration/data/policy.yaml" in names
    assert any(n.startswith("dondoc/db/migrations/versions/0001_core") for n in names)
    assert "dondoc/reminders/templates/digest.html.j2" in names
    assert "dondoc/domain/vn_holidays.json" in names  # the holiday table working days are read from
