"""The benchmark table says "met" only when every target holds, and shows the CPU ratio it was given."""

from __future__ import annotations

import pytest

from benchmarks.harness import Result, print_table


def row(capsys: pytest.CaptureFixture[str], result: Result) -> list[str]:
    print_table([result])
    line = capsys.readouterr().out.splitlines()[2]
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.mark.parametrize(
    ("result", "cpu", "target", "met"),
    [
        (Result("sweep", 0.6, 0.3, 2.0, 3.0, 3.0, cpu_seconds=0.5, floor_cpu_seconds=0.25), "2.0×", "≤ 3× (≤ 3 s)", "yes"),
        (Result("sweep", 0.9, 0.3, 3.0, 3.0, 0.5), "—", "≤ 3× (≤ 0.5 s)", "no"),  # seconds over
        (Result("report", 0.9, 0.3, 3.0, 2.0, None), "—", "≤ 2×", "no"),  # ratio over
        (Result("prefect", 83.0, 37.0, 2.2, None, 180.0, failures=0), "—", "≤ 180 s, 0 failures", "yes"),
        (Result("prefect", 83.0, 37.0, 2.2, None, 180.0, failures=2), "—", "≤ 180 s, 0 failures", "no"),
    ],
)
def test_met_column(capsys: pytest.CaptureFixture[str], result: Result, cpu: str, target: str, met: str) -> None:
    cells = row(capsys, result)
    assert (cells[4], cells[5], cells[6]) == (cpu, target, met)


def test_counts_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Result("sweep", 0.6, 0.3, 2.0, 3.0, 3.0, "", 0.5, 0.25)  # type: ignore[call-arg, arg-type]
