"""The flows' first step: the database schema is current before any task reads or writes."""

from __future__ import annotations

from tasks.policy import side_effect_task


@side_effect_task("migrate-database")
def migrate_database() -> None:
    """``dondoc migrate`` at the start of each flow run (a no-op when the schema is current)."""
    from dondoc.db.migrate import upgrade

    upgrade()
