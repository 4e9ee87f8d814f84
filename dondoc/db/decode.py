"""Raw column values (read without SQLAlchemy's per-row result processors) decoded once per distinct
value: SQLite returns dates and JSON as text, PostgreSQL's driver returns dates and lists (kept)."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=16_384)
def _iso_day(text: str) -> date:
    return date.fromisoformat(text)


def day(raw: Any) -> date:
    """A date column's raw value as a date."""
    return raw if isinstance(raw, date) else _iso_day(raw)


def maybe_day(raw: Any) -> date | None:
    return None if raw is None else day(raw)


@lru_cache(maxsize=4_096)
def _json_codes(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text) or ())


def codes(raw: Any) -> tuple[str, ...]:
    """A JSON list of codes as a tuple (JSON text, a list the driver decoded, or NULL)."""
    return _json_codes(raw) if isinstance(raw, str) else tuple(raw or ())
