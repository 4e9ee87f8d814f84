"""Helpers shared by the tests: a free loopback port, one poll that raises on timeout, a policy override."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from dondoc.orchestration.stack import free_port

__all__ = ["free_port", "override_policy", "poll"]

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
