"""Helpers shared by the tests: a free loopback port, one poll that raises on timeout, a policy override."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from dondoc.orchestration.stack import free_port

__all__ = ["free_port", "override_policy", "poll", "seed_instance_id"]

T = TypeVar("T")


def poll(read: Callable[[], T], ok: Callable[[T], bool], *, timeout: float = 30.0, what: str = "condition", every: float = 0.2) -> T:
    """Read until ``ok`` holds; an AssertionError naming ``what`` and the last value when ``timeout`` passes.

    ``read`` may raise while a peer starts up: the error counts as "not yet" and is shown on timeout.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            value = read()
        except Exception as exc:  # a server that is still starting
            last = exc
        else:
            if ok(value):
                return value
            last = value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {timeout:.0f} s (last: {last!r})")
        time.sleep(every)


def override_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, yaml_text: str) -> Path:
    """Write a province policy override file, point ``DONDOC_POLICY_FILE`` at it and drop the cached settings and policy."""
    from dondoc.configuration.files import clear_caches
    from dondoc.configuration.settings import get_settings

    path = tmp_path / "policy.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    monkeypatch.setenv("DONDOC_POLICY_FILE", str(path))
    get_settings.cache_clear()
    clear_caches()
    return path


def seed_instance_id(clause: str, agency: str, *, directive: str = "11677/UBND-HCC", earliest: bool = False) -> int:
    """The id of ``agency``'s instance of ``clause``: the only one (an error if there are several), or
    with ``earliest`` the one due first."""
    from sqlalchemy import text

    from dondoc.db import session_scope

    sql = (
        "select ti.id from task_instance ti join assignment a on a.id = ti.assignment_id "
        "join agency ag on ag.id = ti.agency_id join directive d on d.id = ti.directive_id "
        "where d.code = :directive and a.clause = :clause and ag.code = :agency"
    )
    if earliest:
        sql += " order by ti.due_date, ti.id limit 1"
    with session_scope() as session:
        return int(session.execute(text(sql), {"directive": directive, "clause": clause, "agency": agency}).scalar_one())
