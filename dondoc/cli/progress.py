"""Rich progress bars for the long commands (import, replay, report, ``ical --all``).

Services report progress through a plain callback ``(done, total, label)`` and never import Rich;
the bar goes to stderr, so ``--format json`` output stays clean, and it is transient: it draws only
on a terminal and leaves no trace in a pipe or a log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: What a service calls after each step: (steps done, steps in all, what was just done).
Progress = Callable[[int, int, str], None]


@contextmanager
def progress_bar(description: str) -> Iterator[Progress]:
    """``with progress_bar("Chạy lại nhắc việc") as step: service(..., progress=step)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dondoc.cli.common import rich_console

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        TimeElapsedColumn(),
        console=rich_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None, label="")

        def step(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, label=label)

        yield step
