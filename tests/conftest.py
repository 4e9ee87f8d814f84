"""Shared fixtures: isolated databases (temp SQLite and a real PostgreSQL), seeded copies, settings.

Every test that touches the database gets its own: a SQLite file in tmp_path, or a fresh
PostgreSQL database on 127.0.0.1:5432 created from a seeded template. Under CI=true a
missing PostgreSQL server is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest

from dondoc import db as dondoc_db
from dondoc.configuration.files import clear_caches
from dondoc.db.migrate import upgrade

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "directives_seed"
SEED_AS_OF = date(2023, 12, 6)
PG_ADMIN = os.environ.get("DONDOC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _use_database(url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DONDOC_DATABASE_URL", url)
    monkeypatch.setenv("DONDOC_DATA_DIR", str(data_dir))
    dondoc_db.reset_engine()
    clear_caches()


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's data folder, database or policy overrides."""
    for name in ("DONDOC_DATABASE_URL", "DONDOC_POLICY_FILE", "DONDOC_HOLIDAYS_FILE", "DONDOC_SEED_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DONDOC_DATA_DIR", str(tmp_path / "data"))
    dondoc_db.reset_engine()
    clear_caches()
    yield
    dondoc_db.reset_engine()
    clear_caches()


def _pg_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def pg_admin() -> str:
    if not _pg_available():
        message = f"PostgreSQL not reachable at {PG_ADMIN}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: a missing server is a failure)")
        pytest.skip(message)
    return PG_ADMIN


def _pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _pg_exec(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _seed_into(url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.directives import service as services

    _use_database(url, data_dir, monkeypatch)
    upgrade()
    services.import_paths([SEEDS], as_of=SEED_AS_OF, actor="test")
    dondoc_db.reset_engine()


@pytest.fixture(scope="session")
def seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the five seeds imported as of 06/12/2023, built once per run."""
    folder = tmp_path_factory.mktemp("seeded")
    path = folder / "seeded.db"
    with pytest.MonkeyPatch.context() as mp:
        _seed_into(f"sqlite:///{path}", folder, mp)
    return path


@pytest.fixture(scope="session")
def seeded_pg_template(pg_admin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"dondoc_tpl_{uuid.uuid4().hex[:10]}"
    _pg_exec(f'CREATE DATABASE "{name}"')
    with pytest.MonkeyPatch.context() as mp:
        _seed_into(_pg_url(name), tmp_path_factory.mktemp("pgseed"), mp)
    yield name
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty, migrated SQLite database for this test."""
    url = f"sqlite:///{tmp_path / 'dondoc.db'}"
    _use_database(url, tmp_path / "data", monkeypatch)
    upgrade()
    return url


@contextmanager
def _private_pg_database(prefix: str, template: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database of this test's own (optionally a copy of ``template``), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _pg_exec(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    url = _pg_url(name)
    _use_database(url, tmp_path / "data", monkeypatch)
    try:
        yield url
    finally:
        dondoc_db.reset_engine()
        _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_db(pg_admin: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty, migrated PostgreSQL database for this test."""
    with _private_pg_database("dondoc_t", None, tmp_path, monkeypatch) as url:
        upgrade()
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest) -> str:
    """Run the test on both backends."""
    fixture = "sqlite_db" if request.param == "sqlite" else "pg_db"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def seeded_sqlite(seeded_sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the seeded SQLite database (seeds imported as of 06/12/2023)."""
    path = tmp_path / "dondoc.db"
    shutil.copyfile(seeded_sqlite_template, path)
    url = f"sqlite:///{path}"
    _use_database(url, tmp_path / "data", monkeypatch)
    return url


@pytest.fixture
def seeded_pg(seeded_pg_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with _private_pg_database("dondoc_s", seeded_pg_template, tmp_path, monkeypatch) as url:
        yield url


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One real Prefect API server (temporary database) for every test that runs flows."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(params=["sqlite", "postgres"])
def seeded_db(request: pytest.FixtureRequest) -> str:
    """The five seeds imported as of 06/12/2023, on both backends."""
    fixture = "seeded_sqlite" if request.param == "sqlite" else "seeded_pg"
    return str(request.getfixturevalue(fixture))
