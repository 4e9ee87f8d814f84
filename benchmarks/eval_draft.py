"""Score `dondoc draft` against hand-written labels (issue 14 §4).

    PYTHONPATH=. python benchmarks/eval_draft.py                       # benchmarks/intake_eval/labels/*.yaml
    PYTHONPATH=. python benchmarks/eval_draft.py --seeds /work/shared/source-directives
    PYTHONPATH=. python benchmarks/eval_draft.py --strict              # exit 1 under target

A label file names its document (relative to benchmarks/intake_eval/) and lists every task a careful
reader finds in it: clause, the lead as written (and its codes when the province has a registry), and
the deadline reading (kind and first date). ``--seeds DIR`` also scores the five seed directives, whose
hand-made YAML in directives_seed/ is a label set already (development material: it does not count
toward the target).

A task is *found* when the draft has an assignment with the same clause. Its lead is right when the
codes match (label with ``lead``) or, for provinces without a registry, when the lead as written
matches diacritics- and case-insensitively. Its deadline is right when the reading's kind and first
date match. *Invented* are assignments whose clause no label names. Target: at least 90 % of labelled
tasks with lead and deadline right, and at least 80 % precision.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dondoc.domain.deadlines import parse_deadline
from dondoc.intake.draft import Draft
from dondoc.intake.names import fold
from dondoc.intake.reading import reading_json
from dondoc.intake.service import draft_document, load_registries

ROOT = Path(__file__).resolve().parent / "intake_eval"
SEED_DIR = Path(__file__).resolve().parents[1] / "directives_seed"
TARGET_BOTH = 0.90
TARGET_PRECISION = 0.80


@dataclass(frozen=True)
class Label:
    clause: str
    lead_text: str | None
    lead: tuple[str, ...]
    kind: str
    first_date: str | None


@dataclass(frozen=True)
class Score:
    name: str
    labelled: int
    found: int
    lead_right: int
    deadline_right: int
    both_right: int
    missed: list[str]
    invented: list[str]
    wrong: list[str]

    @property
    def assignments(self) -> int:
        return self.found + len(self.invented)

    @property
    def precision(self) -> float:
        return self.found / self.assignments if self.assignments else 0.0


def norm_clause(clause: str) -> str:
    return re.sub(r"\s+", "", str(clause)).lower().rstrip(".")


def load_labels(path: Path) -> tuple[Path, str | None, list[Label]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    labels = []
    for task in data["tasks"]:
        deadline = task.get("deadline") or {"kind": "ongoing"}
        first = deadline.get("first_date")
        labels.append(
            Label(
                clause=str(task["clause"]),
                lead_text=task.get("lead_text"),
                lead=tuple(task.get("lead") or ()),
                kind=deadline["kind"],
                first_date=first.isoformat() if isinstance(first, date) else first,
            )
        )
    return ROOT / data["document"], data.get("province"), labels


def seed_labels(seed: Path, texts: Path) -> tuple[Path, str | None, list[Label]]:
    data = yaml.safe_load(seed.read_text(encoding="utf-8"))
    issued_parts = [int(p) for p in str(data["issued"]).split("-")]
    issued = date(issued_parts[0], *(issued_parts[1:2] or [1]), *(issued_parts[2:3] or [1]))
    labels = []
    for a in data["assignments"]:
        reading = reading_json(parse_deadline(a.get("deadline"), issued=issued), issued=issued)
        labels.append(
            Label(
                clause=str(a["clause"]),
                lead_text=None,
                lead=(a["lead"],),
                kind=reading["kind"],
                first_date=(reading["dates"] or [None])[0],
            )
        )
    return texts / data["source_file"], data["province"], labels


def score(name: str, draft: Draft, labels: list[Label]) -> Score:
    by_clause: dict[str, list[Any]] = {}
    for a in draft.assignments:
        by_clause.setdefault(norm_clause(a.clause), []).append(a)
    labelled = {norm_clause(label.clause) for label in labels}
    found = lead_right = deadline_right = both = 0
    missed: list[str] = []
    wrong: list[str] = []
    for label in labels:
        candidates = by_clause.get(norm_clause(label.clause))
        if not candidates:
            missed.append(label.clause)
            continue
        a = candidates[0]
        found += 1
        if label.lead:
            lead_ok = tuple(sorted(a.lead)) == tuple(sorted(label.lead))
        else:
            lead_ok = fold(a.lead_text or "") == fold(label.lead_text or "")
        dates = a.reading["dates"]
        # A cycle whose dates come from the province's calendar is labelled by its kind alone.
        compare_date = not (label.kind == "recurring" and label.first_date is None)
        deadline_ok = a.reading["kind"] == label.kind and (not compare_date or (dates[0] if dates else None) == label.first_date)
        lead_right += lead_ok
        deadline_right += deadline_ok
        both += lead_ok and deadline_ok
        if not (lead_ok and deadline_ok):
            got = f"{a.lead_text} {list(a.lead)} / {a.reading['kind']} {dates[:1]}"
            want = f"{label.lead_text or list(label.lead)} / {label.kind} {label.first_date}"
            wrong.append(f"{label.clause}: got {got}; want {want}")
    invented = [a.clause for a in draft.assignments if norm_clause(a.clause) not in labelled]
    return Score(name, len(labels), found, lead_right, deadline_right, both, missed, invented, wrong)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=ROOT / "labels", help="directory of <name>.yaml label files")
    parser.add_argument("--seeds", type=Path, default=None, help="also score the seed directives; DIR holds their texts")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the held-out labels are under target")
    parser.add_argument("--verbose", "-v", action="store_true", help="list missed, invented and wrong tasks")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    registry = load_registries()
    held_out: list[Score] = []
    dev: list[Score] = []
    missing: list[str] = []
    for path in sorted(args.labels.glob("*.yaml")):
        document, province, labels = load_labels(path)
        if not document.exists():
            source = yaml.safe_load(path.read_text(encoding="utf-8")).get("source", "?")
            missing.append(f"{path.name}: no text at {document} (source: {source})")
            continue
        held_out.append(score(path.stem, draft_document(document, province=province, registry=registry), labels))
    if args.seeds is not None:
        for seed in sorted(SEED_DIR.glob("*.yaml")):
            document, province, labels = seed_labels(seed, args.seeds)
            dev.append(score(f"seed:{seed.stem}", draft_document(document, province=province, registry=registry), labels))

    report = {"held_out": _table(held_out, args.verbose), "seeds": _table(dev, args.verbose) if dev else None}
    if args.json:
        print(json.dumps({k: v["total"] for k, v in report.items() if v}, ensure_ascii=False, indent=2))
    for line in missing:
        print(f"skipped {line}", file=sys.stderr)
    if missing:
        print("Rebuild the texts from fetched mirrors: python benchmarks/intake_eval/rebuild.py", file=sys.stderr)
    if not held_out:
        print(f"Nothing to score in {args.labels}: no label file has its text in place.", file=sys.stderr)
        return 2 if args.strict else 0
    if missing and args.strict:
        return 2
    total = report["held_out"]["total"]
    under = total["both_right_rate"] < TARGET_BOTH or total["precision"] < TARGET_PRECISION
    if args.strict and under:
        print(
            f"Under target: {total['both_right_rate']:.0%} of labelled tasks right (target {TARGET_BOTH:.0%}), "
            f"precision {total['precision']:.0%} (target {TARGET_PRECISION:.0%})",
            file=sys.stderr,
        )
        return 1
    return 0


def _table(scores: list[Score], verbose: bool) -> dict[str, Any]:
    if not scores:
        return {"total": {}}
    header = f"{'document':44} {'labelled':>8} {'found':>6} {'lead ok':>8} {'dl ok':>6} {'both':>5} {'missed':>7} {'invented':>9} {'precision':>10}"
    print(header)
    print("-" * len(header))
    for s in scores:
        print(
            f"{s.name[:44]:44} {s.labelled:8d} {s.found:6d} {s.lead_right:8d} {s.deadline_right:6d} {s.both_right:5d} "
            f"{len(s.missed):7d} {len(s.invented):9d} {s.precision:10.0%}"
        )
        if verbose:
            for m in s.missed:
                print(f"    missed   {m}")
            for i in s.invented:
                print(f"    invented {i}")
            for w in s.wrong:
                print(f"    wrong    {w}")
    labelled = sum(s.labelled for s in scores)
    found = sum(s.found for s in scores)
    assignments = sum(s.assignments for s in scores)
    total = {
        "documents": len(scores),
        "labelled": labelled,
        "found": found,
        "lead_right": sum(s.lead_right for s in scores),
        "deadline_right": sum(s.deadline_right for s in scores),
        "both_right": sum(s.both_right for s in scores),
        "missed": sum(len(s.missed) for s in scores),
        "invented": sum(len(s.invented) for s in scores),
        "both_right_rate": sum(s.both_right for s in scores) / labelled if labelled else 0.0,
        "precision": found / assignments if assignments else 0.0,
    }
    print("-" * len(header))
    print(
        f"{'TOTAL':44} {labelled:8d} {found:6d} {total['lead_right']:8d} {total['deadline_right']:6d} {total['both_right']:5d} "
        f"{total['missed']:7d} {total['invented']:9d} {total['precision']:10.0%}"
    )
    print(f"lead and deadline right: {total['both_right_rate']:.0%} of labelled tasks (target {TARGET_BOTH:.0%}); "
          f"precision {total['precision']:.0%} (target {TARGET_PRECISION:.0%})\n")
    return {"total": total}


if __name__ == "__main__":
    sys.exit(main())
