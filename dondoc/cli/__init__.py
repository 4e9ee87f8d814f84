"""The ``dondoc`` command line: one registration list over module-level command functions.

Each ``dondoc.cli.<area>`` module defines its commands as plain functions and lists them in
``COMMANDS`` (top level) and ``GROUPS`` (sub-commands). Commands import heavy modules (Prefect,
the database) lazily, inside the function, so ``dondoc --help`` and read commands start fast.

Run as a program (``dondoc tasks …``), the app builds the command line of the one top-level command
named, not of all ~30 (typer reads every command's signature and type hints: ~15 ms, 5 % of a read
command). Anything else (``--help``, a group, an option first, a typo) gets the whole app.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import typer

from dondoc.cli import calendars, common, core, intake, portal, registries, remind, report, stack

MODULES: tuple[ModuleType, ...] = (core, intake, registries, stack, remind, calendars, report, portal)

_SETTINGS: dict[str, Any] = {
    "name": "dondoc",
    "help": "dondoc — đôn đốc thực hiện văn bản chỉ đạo: theo dõi nhiệm vụ, nhắc việc, lịch hạn và báo cáo.",
    "no_args_is_help": True,
    "pretty_exceptions_enable": False,
    "add_completion": False,
}


class _Dondoc(typer.Typer):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        named = sys.argv[1] if len(sys.argv) > 1 and not args and "args" not in kwargs else None
        if named in TOP_LEVEL:
            return one_command_app(named)(*args, **kwargs)
        return super().__call__(*args, **kwargs)


def one_command_app(name: str) -> typer.Typer:
    """The app with the callback and only the top-level command ``name``: the same command line for it."""
    one = typer.Typer(**_SETTINGS)
    one.callback()(_options)
    one.command(name)(TOP_LEVEL[name])
    return one


app = _Dondoc(**_SETTINGS)


def _options(
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an unexpected error (default: one line)"),
) -> None:
    """dondoc — đôn đốc: directives → tracked tasks, reminders, calendars and reports."""
    common.debug_mode["on"] = debug or common.debug_from_environment()


app.callback()(_options)
TOP_LEVEL: dict[str, Callable[..., Any]] = {}


def _register(target: typer.Typer, commands: dict[str, Callable[..., Any]]) -> None:
    for name, function in commands.items():
        target.command(name)(function)


for module in MODULES:
    _register(app, getattr(module, "COMMANDS", {}))
    TOP_LEVEL.update(getattr(module, "COMMANDS", {}))
    for group, (help_text, commands) in getattr(module, "GROUPS", {}).items():
        sub = typer.Typer(help=help_text, no_args_is_help=True)
        _register(sub, commands)
        app.add_typer(sub, name=group)
