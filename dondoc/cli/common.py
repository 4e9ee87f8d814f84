"""Shared pieces of the command line: date options, output formats, tables, consoles, error handling.

Rich is imported only by what needs it (markup, rules, progress bars, an error's red line): a read
command that draws a table (:mod:`dondoc.cli.plain_table`) or prints JSON never imports it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer

from dondoc.clock import today_vn
from dondoc.errors import DondocError

if TYPE_CHECKING:
    from rich.console import Console

#: Where a table or a message is not on a terminal (piped, captured), lines are this wide, not 80.
PIPE_WIDTH = 160


@cache
def rich_console(stderr: bool = False) -> Console:
    """rich's Console for standard output (or error), built on first use."""
    from rich.console import Console

    made = Console(stderr=stderr)
    if not stderr and not made.is_terminal:  # piped or captured: do not squeeze lines to 80 columns
        made.width = PIPE_WIDTH
    return made


class LazyConsole:
    """``console.print(…)`` as on rich's Console, which is imported at the first call."""

    def __init__(self, *, stderr: bool = False) -> None:
        self.stderr = stderr

    def __getattr__(self, name: str) -> Any:
        return getattr(rich_console(self.stderr), name)


console = LazyConsole()
err_console = LazyConsole(stderr=True)
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


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, total: int | None = None) -> None:
    """A table on standard output (rich's look, drawn without rich), as wide as the terminal or
    :data:`PIPE_WIDTH` when piped; ``total``: the rows are the first of that many, and a line says
    how many were left out."""
    from dondoc.cli import plain_table

    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else PIPE_WIDTH
    cells = [[str(c) if c is not None else "" for c in row] for row in rows]
    text = plain_table.render(title, columns, cells, width=width, styled=terminal and os.environ.get("TERM") != "dumb")
    if total is not None and len(rows) < total:
        text += f"Hiển thị {len(rows)}/{total} dòng đầu; dùng --format json để xem đủ, hoặc lọc thêm (--agency, --status).\n"
    sys.stdout.write(text)


#: ``dondoc --debug …`` (or DONDOC_DEBUG=1): let unexpected errors show their traceback.
def debug_from_environment() -> bool:
    return os.environ.get("DONDOC_DEBUG", "") not in {"", "0", "false"}


debug_mode = {"on": debug_from_environment()}
_SECRET_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]+@")


def unexpected_error_line(exc: BaseException) -> tuple[str, int]:
    """One line (and the exit code) for an error that is not a :class:`DondocError`.

    A busy database is a state the user can wait out (exit 2, like any user error); a database or
    server that cannot be reached says what to check; anything else names itself and ``--debug``.
    """
    from sqlalchemy.exc import DBAPIError

    from dondoc.db.retry import is_busy

    if is_busy(exc):
        return "cơ sở dữ liệu đang bận (một tiến trình khác đang ghi); chạy lại sau ít phút, hoặc tăng DONDOC_BUSY_SECONDS", 2
    first = (str(exc).strip().splitlines() or [""])[0]
    first = _SECRET_IN_URL.sub(r"\1****@", first)[:300]
    if (isinstance(exc, DBAPIError) and exc.connection_invalidated) or (isinstance(exc, DBAPIError) and "connect" in first.lower()):
        return f"không kết nối được cơ sở dữ liệu ({first}); kiểm tra DONDOC_DATABASE_URL và máy chủ PostgreSQL rồi chạy lại", 1
    if isinstance(exc, OSError):
        return f"lỗi kết nối hoặc tệp: {type(exc).__name__}: {first}; kiểm tra máy chủ, mạng hoặc đường dẫn rồi chạy lại (chi tiết: --debug)", 1
    return f"lỗi không lường trước: {type(exc).__name__}: {first}; chạy lại với `dondoc --debug …` để xem chi tiết và báo cho quản trị", 1


@contextmanager
def user_errors() -> Iterator[None]:
    """Print a user error (what went wrong, where, what to do) and exit 2; any other error as one line too.

    A traceback is shown only with ``--debug``: an operator needs the line, a developer the stack.
    """
    try:
        yield
    except DondocError as exc:
        from rich.markup import escape

        problems = getattr(exc, "problems", None) or [str(exc)]
        for problem in problems:
            # printed literally: a pattern such as ^[a-z0-9]+ is not terminal markup
            err_console.print(f"[bold red]error:[/] {escape(problem)}", highlight=False, soft_wrap=True)
        if len(problems) > 1:
            err_console.print(f"{len(problems)} problems; nothing was written.", highlight=False)
        raise typer.Exit(code=2) from exc
    except (typer.Exit, typer.Abort, typer.TyperException):  # typer's own (its click's usage errors): typer reports them
        raise
    except KeyboardInterrupt as exc:
        err_console.print("đã dừng (Ctrl-C); phần đã ghi vẫn nhất quán, chạy lại để làm tiếp", highlight=False)
        raise typer.Exit(code=130) from exc
    except Exception as exc:
        if debug_mode["on"]:
            raise
        line, code = unexpected_error_line(exc)
        err_console.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True, markup=True)
        raise typer.Exit(code=code) from exc


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with user_errors():
            return func(*args, **kwargs)

    return wrapper
