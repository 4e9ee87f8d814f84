"""Benchmark: the deadline parser on 100 kB of adversarial text (issue 10 §5: under 50 ms).

Each case is timed against a same-run floor, ``re.search`` for a digit over the same text
(one C-level scan), so a slower or shared machine reads as a ratio. A second table parses the
same shapes just under the phrase limit (``MAX_PHRASE_CHARS``), where every rule really runs,
at two sizes: the time should grow with the text, not with its square.
Usage: .venv/bin/python benchmarks/bench_deadlines.py [--size 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import re
import time
from collections.abc import Callable
from datetime import date

from dondoc.domain.deadlines import MAX_PHRASE_CHARS, parse_deadline

ISSUED = date(2024, 1, 1)


def cases(size: int) -> dict[str, str]:
    def fill(unit: str, tail: str = "") -> str:
        return unit * max(1, (size - len(tail)) // len(unit)) + tail

    return {
        "leading spaces": fill(" ", "trước ngày 05/12/2023"),
        "spaces, tabs, newlines": fill(" \t\n", "trước ngày 15 hằng tháng"),
        "repeated digits": fill("1"),
        "repeated 'ngày'": fill("ngày "),
        "repeated 'trước ngày'": fill("trước ngày "),
        "digits and slashes": fill("1/"),
        "repeated dates": fill("12/12/2024 "),
        "repeated ISO dates": fill("2024-12-05 "),
        "repeated cycles": fill("hằng tháng "),
        "repeated quarters": fill("quý I/2024 - "),
        "repeated weekdays": fill("thứ hai hằng tuần "),
        "repeated years": fill("năm 2024 "),
        "repeated hours": fill("15 giờ "),
        "repeated ranges": fill("từ ngày 01/01/2024 đến ngày "),
        "no diacritics": fill("truoc ngay 15 hang thang "),
    }


def best(fn: Callable[[], object], repeat: int) -> float:
    gc.collect()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def table(size: int, repeat: int) -> tuple[float, float]:
    """Prints one row per case; returns (worst case, sum over cases) in ms."""
    worst = 0.0
    total = 0.0
    print(f"\n{size:,} characters          parse (ms)   floor re.search (ms)   kind")
    for name, text in cases(size).items():
        parsed = parse_deadline(text, issued=ISSUED)
        ms = best(lambda text=text: parse_deadline(text, issued=ISSUED), repeat)  # type: ignore[misc]
        floor = best(lambda text=text: re.search(r"\d", text), repeat)  # type: ignore[misc]
        worst = max(worst, ms)
        total += ms
        print(
            f"  {name:26s} {ms:9.2f}   {floor:12.3f}          {parsed.kind}{' (too long)' if 'too_long' in parsed.flags else ''}"
        )
    return worst, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    worst, _ = table(args.size, args.repeat)
    print(f"\nworst case at {args.size:,} characters: {worst:.1f} ms (target: under 50 ms)")
    near = MAX_PHRASE_CHARS - 10
    small_worst, small = table(near // 4, args.repeat)
    large_worst, large = table(near, args.repeat)
    print(
        f"\nall cases at {near // 4:,} and {near:,} characters: {small:.1f} ms and {large:.1f} ms "
        f"(×{large / max(small, 1e-9):.1f} for ×4 text; worst case {small_worst:.1f} and {large_worst:.1f} ms). "
        "Timings of a few ms vary with the machine's load: run it twice."
    )


if __name__ == "__main__":
    main()
