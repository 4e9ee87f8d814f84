"""The one task policy of dondoc's Prefect layer.

Every task is a side effect (read or write the database, send, write a file, publish an artifact):
never cached, results not persisted, retried with explicit delays on outages — and never on a user
error, since retrying bad input changes nothing (it fails once, with its message in the UI).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE

from dondoc.errors import BusyError, DondocError

P = ParamSpec("P")
R = TypeVar("R")

#: Delays of the default retries (seconds): a database or mail server blip, then a longer outage.
DEFAULT_DELAYS: tuple[float, ...] = (2, 10)


def retry_unless_user_error(_task: Any, _run: Any, state: Any) -> bool:
    """Retry outages (database, mail server) and busy states (a sweep still running), never a user error."""
    try:
        state.result()
    except BusyError:
        return True
    except DondocError:
        return False
    except Exception:
        return True
    return True


def side_effect_task(
    name: str, *, retries: int = 2, delays: Sequence[float] = DEFAULT_DELAYS
) -> Callable[[Callable[P, R]], Task[P, R]]:
    """``@side_effect_task("replan")``: the task decorator with dondoc's policy (``retries=0`` for user actions)."""

    def decorate(function: Callable[P, R]) -> Task[P, R]:
        return task(
            name=name,
            cache_policy=NO_CACHE,
            persist_result=False,
            retries=retries,
            retry_delay_seconds=list(delays) if retries else 0,
            retry_condition_fn=retry_unless_user_error,
        )(function)

    return decorate
