"""A table test over real deadline phrases (issue 14 §3): each, read with its document's issue
date, gives exactly its labelled reading. The corpus is tests/data/deadline_phrases.yaml."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from dondoc.domain.deadlines import parse_deadline, public_kind
from dondoc.domain.recurrence import occurrences

CORPUS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "data" / "deadline_phrases.yaml").read_text("utf-8"))


def reading(phrase: str, issued: date) -> dict[str, Any]:
    parsed = parse_deadline(phrase, issued=issued)
    if parsed.rules:
        start = parsed.starts or issued
        dates = occurrences(parsed.rules, start=start, end=start + timedelta(days=1200))[:3]
    else:
        dates = [parsed.due] if parsed.due else []
    found: dict[str, Any] = {"kind": public_kind(parsed), "dates": [d.isoformat() for d in dates]}
    if parsed.time_of_day:
        found["time"] = parsed.time_of_day.strftime("%H:%M")
    if parsed.ad_hoc:
        found["ad_hoc"] = True
    return found


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 300
    kinds = {entry["kind"] for entry in CORPUS}
    assert {"once", "recurring", "event", "ongoing"} <= kinds
    assert sum(1 for entry in CORPUS if entry.get("no_diacritics")) >= 20
    assert all(date(2019, 1, 1) <= date.fromisoformat(str(entry["issued"])) <= date(2025, 10, 31) for entry in CORPUS)
    assert all(entry["source"] for entry in CORPUS)


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, marks=pytest.mark.xfail(reason=e["xfail"], strict=True)) if e.get("xfail") else e for e in CORPUS],
    ids=[f"{i}" for i in range(len(CORPUS))],
)
def test_real_phrase_reads_as_labelled(entry: dict[str, Any]) -> None:
    expected = {key: entry[key] for key in ("kind", "dates", "time", "ad_hoc") if key in entry}
    assert reading(entry["phrase"], date.fromisoformat(str(entry["issued"]))) == expected


@pytest.mark.parametrize("entry", [e for e in CORPUS if e.get("no_diacritics")], ids=lambda e: e["phrase"][:40])
def test_a_phrase_without_diacritics_reads_like_the_original(entry: dict[str, Any]) -> None:
    issued = date.fromisoformat(str(entry["issued"]))
    assert entry["stripped_from"] != entry["phrase"]
    assert reading(entry["phrase"], issued) == reading(entry["stripped_from"], issued)
