"""The ``dondoc`` command line. Commands import heavy modules (Prefect, DB) lazily."""

from __future__ import annotations

import typer

from dondoc.cli import calendars, core, demo

app = typer.Typer(
    name="dondoc",
    help="dondoc — đôn đốc: directives → tracked tasks, reminders, calendars and reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
core.register(app)
demo.register(app)
calendars.register(app)
__import__("dondoc.cli.report", fromlist=["register"]).register(app)
__import__("dondoc.cli.remind", fromlist=["register"]).register(app)
__import__("dondoc.cli.stack", fromlist=["register"]).register(app)
