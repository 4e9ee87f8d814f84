"""Bad input gets a clear message naming the file, line or field — exit code 2 — and nothing is written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.db import session_scope
from dondoc.models import Agency, Directive, TaskInstance

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"
runner = CliRunner()


def _counts() -> tuple[int, int, int]:
    with session_scope() as s:
        return (
            s.exec(select(func.count()).select_from(Agency)).one(),
            s.exec(select(func.count()).select_from(Directive)).one(),
            s.exec(select(func.count()).select_from(TaskInstance)).one(),
        )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A copy of the Đồng Nai registry and 11677/UBND-HCC to break."""
    folder = tmp_path / "in"
    (folder / "agencies").mkdir(parents=True)
    shutil.copy(SEEDS / "agencies" / "dong-nai.yaml", folder / "agencies")
    shutil.copy(SEEDS / "000_dong-nai_11677-UBND-HCC.yaml", folder)
    return folder


def _break(path: Path, old: str, new: str, count: int = 1) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


DIRECTIVE = "000_dong-nai_11677-UBND-HCC.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    lead: dn-cong-an-tinh\n", "    lead: dn-cong-an-tihn\n", ["unknown agency or group 'dn-cong-an-tihn'", "did you mean dn-cong-an-tinh"]),
        ("deadline: trước ngày 05/12/2023", "deadline: trước ngày 31/02/2024", ["31/02/2024 không tồn tại", "correct the date"]),
        ("deadline: trước ngày 05/12/2023", "deadline: trước ngày 05/12/2022", ["before the issue date 2023-11-02"]),
        ('depends_on:\n      - 2.a', 'depends_on:\n      - 2.z', ["no clause '2.z' in this directive"]),
        ("clause: 5.c", "clause: 5.b", ["duplicated clause '5.b'", "first at line"]),
        ('issued: "2023-11-02"', 'issued: "2023-02-31"', ["issued"]),
        ("kind: cong_van", "kind: cong-van", ["kind", "Input should be"]),
    ],
)
def test_bad_directive_input_names_file_and_line_and_writes_nothing(
    sqlite_db: str, workdir: Path, old: str, new: str, expected: list[str]
) -> None:
    line = _break(workdir / DIRECTIVE, old, new)
    before = _counts()
    result = runner.invoke(app, ["import", str(workdir), "--as-of", "06/12/2023"])
    assert result.exit_code == 2, result.output
    out = result.stderr if hasattr(result, "stderr") else result.output
    for fragment in expected:
        assert fragment in out.replace("\n", " ") or fragment in out, out
    # every message names the file and a line, and the line is the broken one (or the next, for a block value)
    lines = {int(n) for n in re.findall(rf"{re.escape(DIRECTIVE)}:(\d+):", out)}
    assert lines & {line, line + 1}, (line, out)
    assert _counts() == before == (0, 0, 0)  # the registry in the same batch was not written either


def test_yaml_syntax_error_names_the_line(sqlite_db: str, workdir: Path) -> None:
    line = _break(workdir / DIRECTIVE, "  - clause: 2.b\n", "  - clause: 2.b\n   bad: [unclosed\n")
    result = runner.invoke(app, ["import", str(workdir)])
    assert result.exit_code == 2
    assert "YAML syntax error" in result.output
    assert f"{DIRECTIVE}:{line + 1}" in result.output or f"{DIRECTIVE}:{line + 2}" in result.output
    assert _counts() == (0, 0, 0)


def test_missing_registry_says_what_to_import(sqlite_db: str, workdir: Path) -> None:
    result = runner.invoke(app, ["import", str(workdir / DIRECTIVE)])
    assert result.exit_code == 2
    assert "no agency registry for 'dong-nai'" in result.output
    assert "directives_seed/agencies/dong-nai.yaml" in result.output


def test_check_mode_writes_nothing(sqlite_db: str, workdir: Path) -> None:
    result = runner.invoke(app, ["import", "--check", str(workdir)])
    assert result.exit_code == 0, result.output
    assert "chưa ghi gì" in result.output
    assert _counts() == (0, 0, 0)


def test_completion_of_a_missing_instance_or_in_the_future(seeded_sqlite: str) -> None:
    missing = runner.invoke(app, ["complete", "999999", "--on", "05/12/2023", "--evidence", "BC 1", "--as-of", "06/12/2023"])
    assert missing.exit_code == 2
    assert "instance 999999: no such task instance" in missing.output
    future = runner.invoke(app, ["complete", "1", "--on", "07/12/2023", "--evidence", "BC 1", "--as-of", "06/12/2023"])
    assert future.exit_code == 2
    assert "in the future" in future.output
    bad_date = runner.invoke(app, ["complete", "1", "--on", "31/02/2023", "--evidence", "BC 1"])
    assert bad_date.exit_code == 2
    assert "not a real date" in bad_date.output
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(TaskInstance).where(TaskInstance.state == "done")).one() == 0
