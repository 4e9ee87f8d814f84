"""Interpreter settings the batch jobs change for their duration."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (reference counting still frees everything) and restored after.

    A sweep's plan and a report's lists allocate hundreds of thousands of small acyclic objects; their
    allocation triggers collections whose oldest generation scans the whole heap (the ORM, Prefect,
    Apprise...), about half of such a job (issue 13). A caller that had the collector disabled keeps it so.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
