"""Retry policy shared by dondoc's Prefect tasks."""

from __future__ import annotations

from typing import Any

from dondoc.errors import DondocError


def retry_unless_user_error(_task: Any, _run: Any, state: Any) -> bool:
    """Retry outages (database, mail server), never a user error: retrying bad input changes nothing."""
    try:
        state.result()
    except DondocError:
        return False
    except Exception:
        return True
    return True
