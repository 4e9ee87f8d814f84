"""``dondoc demo``: the main job on the embedded default, for a first look."""

from __future__ import annotations

from typing import Annotated

import typer

from dondoc.cli.common import console, day_or_today, handles_errors, vn

DEFAULT_AS_OF = "06/12/2023"


def register(app: typer.Typer) -> None:
    @app.command()
    @handles_errors
    def demo(
        as_of: Annotated[str, typer.Option("--as-of", help="Day to look at, dd/mm/yyyy")] = DEFAULT_AS_OF,
    ) -> None:
        """Import the five seed directives and print every directive's status as of a day."""
        from dondoc import services
        from dondoc.settings import get_settings

        day = day_or_today(as_of)
        settings = get_settings()
        summary = services.import_paths([settings.seed_dir], as_of=day, actor="demo")
        console.print(
            f"Đã nạp {len(summary.directives)} văn bản, {summary.assignments} nhiệm vụ vào {settings.effective_database_url}",
            highlight=False,
        )
        from dondoc.cli import app as root

        root(["status", "--as-of", vn(day)], standalone_mode=False)
