"""The data of a configuration file, remembered by its bytes: most commands never import PyYAML.

Every command reads ``policy.yaml`` and ``holidays.yaml`` (and the operator's overrides). PyYAML
costs ~20 ms to import (its reader compiles a large Unicode pattern), several times the parse of
those small files, and a tenth of a read command. The data of a file that :func:`load_yaml`
accepted (syntax, duplicate keys) is kept in ``<data_dir>/cache/yaml-<blake2b of its bytes>``;
a later run reading the same bytes takes that instead. Any other bytes are another name: an edited
file is parsed (and checked) again, never served stale.

Stored with :mod:`marshal`, not pickle (loading it runs no code). marshal has no dates, and YAML's
pairs and ordered maps are tuples: every value marshal cannot hold, and every tuple, is stored as
a tagged tuple, so a stored tuple is always a tag.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dondoc.configuration.settings import get_settings

FORMAT = 1  # bump when what is stored changes


class _NotStorable(Exception):
    pass


def encode(value: Any) -> Any:
    """``value`` (what YAML's safe loader yields) as marshal can store it; :func:`decode` reverses it."""
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if isinstance(value, dict):
        return {encode(k): encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, datetime):  # before date: a datetime is a date
        return ("datetime", value.isoformat())
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, tuple):
        return ("tuple", [encode(v) for v in value])
    if isinstance(value, set):
        return ("set", [encode(v) for v in value])
    raise _NotStorable(type(value).__name__)


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {decode(k): decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, tuple):
        tag, payload = value
        if tag == "datetime":
            return datetime.fromisoformat(payload)
        if tag == "date":
            return date.fromisoformat(payload)
        items = [decode(v) for v in payload]
        return tuple(items) if tag == "tuple" else set(items)
    return value


def _cache_file(content: bytes) -> Path:
    digest = hashlib.blake2b(content + b"\0%d" % FORMAT, digest_size=16).hexdigest()
    return get_settings().data_dir / "cache" / f"yaml-{digest}.marshal"


def load_yaml_data(path: Path) -> Any:
    """What ``load_yaml(path).data`` is, from the cache when these bytes were parsed before."""
    try:
        content = path.read_bytes()
    except OSError:
        content = None  # load_yaml says what is wrong with the path
    stored = _cache_file(content) if content is not None else None
    if stored is not None:
        try:
            return decode(marshal.loads(stored.read_bytes()))
        except (OSError, EOFError, ValueError, TypeError):  # not cached yet, or unreadable: parse again
            pass
    from dondoc.configuration.yaml_source import load_yaml

    data = load_yaml(path).data
    if stored is not None:
        try:
            _store(stored, marshal.dumps(encode(data)))
        except (_NotStorable, ValueError, OSError):  # an exotic value, or a read-only data directory: parse each time
            pass
    return data


def _store(target: Path, blob: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.write_bytes(blob)
    os.replace(partial, target)  # atomic: a concurrent reader sees the whole file or none
