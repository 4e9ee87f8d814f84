"""Shared pieces of the command line: date options, output formats, error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dondoc.clock import today_vn
from dondoc.errors import DondocError

console = Console()
if not console.is_terminal:  # piped or captured: do not squeeze tables to 80 columns
    console.width = 160
err_console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


class Format(StrEnum):
    table = "table"
    json = "json"


def parse_day(value: str, option: str = "date") -> date:
    """Accept dd/mm/yyyy (how people write dates here) or ISO yyyy-mm-dd."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007 (a calendar day, no time)
        except ValueError:
            continue
    raise DondocError(f"{option} {value!r}: not a real date; write dd/mm/yyyy (e.g. 06/12/2023) or yyyy-mm-dd")


def day_or_today(value: str | None, option: str = "--as-of") -> date:
    return parse_day(value, option) if value else today_vn()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    t = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        t.add_column(column, overflow="fold")
    for row in rows:
        t.add_row(*[escape(str(c)) if c is not None else "" for c in row])  # cells are data, not markup
    console.print(t)


@contextmanager
def user_errors() -> Iterator[None]:
    """Print a user error (what went wrong, where, what to do) and exit 2."""
    try:
        yield
    except DondocError as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        for problem in problems:
            # printed literally: a pattern such as ^[a-z0-9]+ is not terminal markup
            err_console.print(f"[bold red]error:[/] {escape(problem)}", highlight=False, soft_wrap=True)
        if len(problems) > 1:
            err_console.print(f"{len(problems)} problems; nothing was written.", highlight=False)
        raise typer.Exit(code=2) from exc


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with user_errors():
            return func(*args, **kwargs)

    return wrapper
