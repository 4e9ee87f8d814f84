"""The ``dondoc`` command line: one registration list over module-level command functions.

Each ``dondoc.cli.<area>`` module defines its commands as plain functions and lists them in
``COMMANDS`` (top level) and ``GROUPS`` (sub-commands). Commands import heavy modules (Prefect,
the database) lazily, inside the function, so ``dondoc --help`` and read commands start fast.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import typer

from dondoc.cli import calendars, common, core, intake, portal, registries, remind, report, stack

MODULES: tuple[ModuleType, ...] = (core, intake, registries, stack, remind, calendars, report, portal)

app = typer.Typer(
    name="dondoc",
    help="dondoc — đôn đốc thực hiện văn bản chỉ đạo: theo dõi nhiệm vụ, nhắc việc, lịch hạn và báo cáo.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an unexpected error (default: one line)"),
) -> None:
    """dondoc — đôn đốc: directives → tracked tasks, reminders, calendars and reports."""
    common.debug_mode["on"] = debug or common.debug_from_environment()


def _register(target: typer.Typer, commands: dict[str, Callable[..., Any]]) -> None:
    for name, function in commands.items():
        target.command(name)(function)


for module in MODULES:
    _register(app, getattr(module, "COMMANDS", {}))
    for group, (help_text, commands) in getattr(module, "GROUPS", {}).items():
        sub = typer.Typer(help=help_text, no_args_is_help=True)
        _register(sub, commands)
        app.add_typer(sub, name=group)
