"""The ``dondoc`` command line. Commands import heavy modules (Prefect, DB) lazily."""

from __future__ import annotations

import typer

from dondoc.cli import calendars, core, demo, remind, report, stack

app = typer.Typer(
    name="dondoc",
    help="dondoc — đôn đốc: directives → tracked tasks, reminders, calendars and reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (core, demo, stack, remind, calendars, report):
    module.register(app)
