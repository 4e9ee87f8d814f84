"""The parsed configuration files are remembered by their bytes (dondoc.configuration.yaml_cache)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dondoc.configuration import yaml_cache, yaml_source
from dondoc.errors import InputError

SAMPLES = {
    "scalars and nesting": "a: 1\nb: [x, 2.5, true, null]\nc: {d: {e: f}}\n",
    "dates, aware and naive times": "day: 2026-02-16\nat: 2026-02-16 08:30:00+07:00\nnaive: 2026-02-16 08:30:00\n",
    "a date as a key": "2026-02-16: Tết\n",
    "a string that looks like a tag": "x: [date, '2026-02-16']\n",
    "set, pairs, ordered map, binary": "s: !!set {a, b}\np: !!pairs [{a: 1}, {a: 2}]\no: !!omap [{k: 1}]\nb: !!binary aGVsbG8=\n",
    "empty": "{}\n",
}


@pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
def test_what_yaml_reads_is_stored_and_read_back_unchanged(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    parsed = yaml_source.load_yaml(path).data
    assert yaml_cache.decode(yaml_cache.encode(parsed)) == parsed
    first, second = yaml_cache.load_yaml_data(path), yaml_cache.load_yaml_data(path)
    assert first == second == parsed
    assert [type(v) for v in (second.values() if isinstance(second, dict) else [])] == [
        type(v) for v in (parsed.values() if isinstance(parsed, dict) else [])
    ]


def test_the_same_bytes_are_parsed_once_and_an_edit_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("reminder_days: [3, 1]\n", encoding="utf-8")
    parsed: list[Path] = []
    real = yaml_source.load_yaml

    def counting(p: Path) -> yaml_source.YamlDocument:
        parsed.append(p)
        return real(p)

    monkeypatch.setattr(yaml_source, "load_yaml", counting)
    assert yaml_cache.load_yaml_data(path) == {"reminder_days": [3, 1]}
    assert yaml_cache.load_yaml_data(path) == {"reminder_days": [3, 1]}
    assert len(parsed) == 1
    path.write_text("reminder_days: [5]\n", encoding="utf-8")
    assert yaml_cache.load_yaml_data(path) == {"reminder_days": [5]}
    assert len(parsed) == 2


def test_a_damaged_cache_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("a: 2026-02-16\n", encoding="utf-8")
    expected = yaml_cache.load_yaml_data(path)
    (stored,) = (Path(os.environ["DONDOC_DATA_DIR"]) / "cache").iterdir()
    stored.write_bytes(b"\x00garbage")
    assert yaml_cache.load_yaml_data(path) == expected


def test_errors_are_those_of_the_yaml_reader_and_nothing_is_cached(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match="appears again"):
            yaml_cache.load_yaml_data(path)
    with pytest.raises(FileNotFoundError):  # as load_yaml says it
        yaml_cache.load_yaml_data(tmp_path / "missing.yaml")
    assert not (Path(os.environ["DONDOC_DATA_DIR"]) / "cache").exists()


def test_a_read_only_data_folder_still_reads_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.configuration.settings import get_settings

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")  # cache/ cannot be created under a file
    monkeypatch.setenv("DONDOC_DATA_DIR", str(blocked))
    get_settings.cache_clear()
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yaml_cache.load_yaml_data(path) == {"a": 1}
    assert yaml_cache.load_yaml_data(path) == {"a": 1}


def test_a_second_read_command_does_not_import_pyyaml(seeded_sqlite: str, tmp_path: Path) -> None:
    env = {**os.environ, "DONDOC_DATABASE_URL": seeded_sqlite, "DONDOC_DATA_DIR": str(tmp_path / "fresh")}
    argv = [sys.executable, "-X", "importtime", "-m", "dondoc", "tasks", "--directive", "11677/UBND-HCC", "--as-of", "06/12/2023"]
    runs = [subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr[-2000:]
    assert runs[0].stdout == runs[1].stdout
    imported = [{line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")} for r in runs]
    assert "yaml" in imported[0]  # the first run parsed policy.yaml and holidays.yaml
    assert "yaml" not in imported[1]
