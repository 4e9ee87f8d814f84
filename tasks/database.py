"""The flows' first step: the database schema is current before any task reads or writes."""

from __future__ import annotations

from tasks.policy import side_effect_task

_current: set[str] = set()  # database URLs this process has migrated


@side_effect_task("migrate-database")
def _migrate() -> None:
    from dondoc.db.migrate import upgrade

    upgrade()


def migrate_database() -> None:
    """``dondoc migrate`` as the first task of a flow run (a no-op when the schema is current).

    Once per process and database: a daily sweep's ``track-directive`` subflows run in the sweep's
    process, which has already checked (one task run less per directive, issue 13). Each deployment
    run is a fresh process, so every flow run a worker starts still checks first.
    """
    from dondoc.configuration.settings import get_settings

    url = get_settings().effective_database_url
    if url not in _current:
        _migrate()
        _current.add(url)
