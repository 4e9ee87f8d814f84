"""Runtime settings, read once from the environment (prefix ``DONDOC_``).

A plain pydantic model filled from ``DONDOC_<FIELD>`` variables (the name in any case), not
pydantic-settings: its sources (dotenv, secrets, cloud vaults, CLI parsing) cost ~40 ms to import,
an eighth of a read command, and dondoc reads only the environment. Every field is a scalar, so
each value is the variable's text validated by pydantic, as pydantic-settings did.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dondoc.domain.dates import TIMEZONE_NAME as TIMEZONE_NAME
from dondoc.domain.dates import VN_TZ
from dondoc.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TZ = VN_TZ


ENV_PREFIX = "DONDOC_"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_default=True)

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Where the SQLite file and outputs live")
    database_url: str | None = Field(default=None, description="Any SQLAlchemy URL; default SQLite in data_dir")
    seed_dir: Path = Field(default=PROJECT_ROOT / "directives_seed")
    policy_file: Path | None = Field(default=None, description="Overrides of the packaged default policy")
    holidays_file: Path | None = Field(default=None, description="Extra holidays / make-up working days")
    contacts: Path = Field(
        default=PROJECT_ROOT / "directives_seed" / "contacts",
        description="Apprise YAML contacts: a file, or a folder of <province>.apprise.yml",
    )
    echo_sql: bool = False
    busy_seconds: float = Field(
        default=30.0, ge=0, description="How long a write retries a busy database (SQLite lock) before giving up with exit code 2"
    )
    lease_seconds: float = Field(
        default=300.0, gt=0, description="Lease of a running sweep or import; renewed while it works, taken over after this if its holder died"
    )
    portal_url: str = Field(default="http://127.0.0.1:8765", description="Public address of `dondoc serve` (links in emails)")
    portal_secret: str | None = Field(default=None, description="Signs portal links and cookies; default: data_dir/portal.secret")
    portal_store: Path | None = Field(default=None, description="Where uploaded reports are kept; default: data_dir/portal-files")
    today: date | None = Field(default=None, description="Fix 'today' (replays, tests); default: the real day in Asia/Ho_Chi_Minh")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings named by ``DONDOC_<FIELD>`` variables of ``environ`` (default: the process's)."""
        fields = {f"{ENV_PREFIX}{name}".casefold(): name for name in cls.model_fields}
        env = os.environ if environ is None else environ
        return cls.model_validate({fields[key.casefold()]: value for key, value in env.items() if key.casefold() in fields})

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'dondoc.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings; a variable pydantic refuses is an :class:`InputError` naming it and its value."""
    try:
        return Settings.from_environment()
    except ValidationError as exc:
        given = {key.casefold(): (key, value) for key, value in os.environ.items()}
        problems = []
        for error in exc.errors():
            key, value = given.get(f"{ENV_PREFIX}{error['loc'][0]}".casefold(), (f"{ENV_PREFIX}{str(error['loc'][0]).upper()}", ""))
            problems.append(f"{key}={value!r}: {error['msg']}; correct the variable or unset it")
        raise InputError(problems[0], problems=problems) from exc
