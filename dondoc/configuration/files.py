"""Loading the user-editable configuration files: policy and holiday calendar."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from dondoc.configuration.settings import get_settings
from dondoc.configuration.yaml_cache import load_yaml_data
from dondoc.domain.policy import Policy, deep_merge
from dondoc.domain.workdays import WorkCalendar
from dondoc.errors import InputError

DATA_DIR = Path(__file__).resolve().parent / "data"


def _validated(model: type[BaseModel], data: dict[str, Any], path: Path, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [f"{path}: {where}{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise InputError("invalid policy", problems=problems) from exc


@lru_cache(maxsize=1)
def _policy_layers() -> tuple[dict[str, Any], dict[str, Any], Path | None]:
    default_path = DATA_DIR / "policy.yaml"
    base = load_yaml_data(default_path) or {}
    override_path = get_settings().policy_file
    overrides: dict[str, Any] = {}
    if override_path:
        overrides = load_yaml_data(override_path) or {}
        unknown = set(overrides) - {"default", "provinces", "directives"}
        if unknown:
            raise InputError(f"{override_path}: unknown top-level keys {sorted(unknown)}; use default, provinces, directives")
    return base, overrides, override_path


def load_policy(province: str | None = None, directive: str | None = None) -> Policy:
    """The default policy, overridden by the province's and then the directive's settings."""
    base, overrides, path = _policy_layers()
    merged = deep_merge(base, overrides.get("default") or {})
    if province:
        merged = deep_merge(merged, (overrides.get("provinces") or {}).get(province) or {})
    if directive:
        merged = deep_merge(merged, (overrides.get("directives") or {}).get(directive) or {})
    known = set(Policy.model_fields)
    extra = {k: merged.pop(k) for k in list(merged) if k not in known}
    merged["extra"] = deep_merge(merged.get("extra") or {}, extra)
    return _validated(Policy, merged, path or DATA_DIR / "policy.yaml", "")  # type: ignore[no-any-return]


class _Day(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: date
    name: str = ""


class _HolidayFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    holidays: list[_Day] = []
    workdays: list[_Day] = []
    not_holidays: list[_Day] = []


@lru_cache(maxsize=1)
def load_calendar() -> WorkCalendar:
    paths = [DATA_DIR / "holidays.yaml"]
    extra = get_settings().holidays_file
    if extra:
        paths.append(extra)
    holidays: dict[date, str] = {}
    workdays: set[date] = set()
    removed: set[date] = set()
    for path in paths:
        parsed: _HolidayFile = _validated(_HolidayFile, load_yaml_data(path) or {}, path, "")
        holidays.update({d.date: d.name or "Ngày nghỉ" for d in parsed.holidays})
        workdays.update(d.date for d in parsed.workdays)
        removed.update(d.date for d in parsed.not_holidays)
    return WorkCalendar(holidays, frozenset(workdays), frozenset(removed))


def clear_caches() -> None:
    _policy_layers.cache_clear()
    load_calendar.cache_clear()
