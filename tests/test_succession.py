"""An agency that ends hands the work due after its last day to its successor (DOMAIN.md §7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select

from dondoc.db import session_scope
from dondoc.directives import service as services
from dondoc.domain.succession import Lifespan, SuccessionError, owner_on
from dondoc.models import Agency, Assignment, Directive, TaskInstance

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"

REGISTRY = {
    "so-tttt": Lifespan(date(2025, 2, 28), ("so-khcn",)),
    "so-khcn": Lifespan(None),
    "huyen-a": Lifespan(date(2025, 6, 30), ("xa-moi",)),
    "xa-moi": Lifespan(None),
    "ban-cu": Lifespan(date(2024, 12, 31)),
}


@pytest.mark.parametrize(
    ("agency", "day", "owner"),
    [
        ("so-tttt", date(2025, 2, 28), "so-tttt"),  # its last day: still its own
        ("so-tttt", date(2025, 3, 1), "so-khcn"),
        ("so-tttt", None, "so-khcn"),  # ongoing work follows the chain once the agency has ended
        ("so-khcn", date(2030, 1, 1), "so-khcn"),
        ("huyen-a", date(2025, 7, 14), "xa-moi"),
        ("ban-cu", date(2025, 1, 15), "ban-cu"),  # no successor named: it stays, and shows as overdue
        ("unknown", date(2025, 1, 1), "unknown"),
    ],
)
def test_owner_on(agency: str, day: date | None, owner: str) -> None:
    assert owner_on(agency, day, REGISTRY) == owner


def test_a_looping_chain_is_an_error() -> None:
    looping = {"a": Lifespan(date(2024, 1, 1), ("b",)), "b": Lifespan(date(2024, 1, 1), ("a",))}
    with pytest.raises(SuccessionError, match="a → b → a"):
        owner_on("a", date(2025, 1, 1), looping)


def test_replanning_hands_open_work_to_the_successor(any_db: str, tmp_path: Path) -> None:
    """Sở TT&TT ends on 29/02/2024 (merged into Sở KH&CN): its later work passes to Sở KH&CN.

    (A 2023-style registry edit, without the 2025 files, which end it on 28/02/2025 instead.)
    """
    directive = SEEDS / "000_dong-nai_11677-UBND-HCC.yaml"
    services.import_paths([SEEDS / "agencies" / "dong-nai.yaml", directive], as_of=date(2023, 12, 6), actor="test")
    registry = tmp_path / "agencies" / "dong-nai.yaml"
    registry.parent.mkdir()
    text = (SEEDS / "agencies" / "dong-nai.yaml").read_text(encoding="utf-8")
    anchor = "  - code: dn-so-thong-tin-truyen-thong\n"
    assert anchor in text
    text = text.replace(anchor, anchor + "    valid_to: 2024-02-29\n    successor: dn-so-khoa-hoc-cong-nghe\n", 1)
    registry.write_text(text, encoding="utf-8")

    services.import_paths([registry, directive], as_of=date(2024, 3, 6), actor="test")

    def rows(clause: str, agency: str) -> list[tuple[date | None, str]]:
        with session_scope() as s:
            found = s.exec(
                select(TaskInstance.due_date, TaskInstance.state)
                .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
                .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
                .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
                .where(col(Directive.code) == "11677/UBND-HCC", col(Assignment.clause) == clause, col(Agency.code) == agency)
            ).all()
        return sorted(found, key=lambda r: (r[0] or date.min, r[1]))

    tttt, khcn = "dn-so-thong-tin-truyen-thong", "dn-so-khoa-hoc-cong-nghe"
    assert rows("5.a", tttt) == [(None, "cancelled")]  # ongoing work moved on …
    assert rows("5.a", khcn) == [(None, "open")]  # … to the successor
    assert rows("5.b", tttt) == [(date(2023, 12, 9), "open")]  # due before its last day: still its own
    monthly = rows("1.e (hàng tháng)", tttt)
    assert monthly
    assert all(due is not None and due <= date(2024, 2, 29) for due, state in monthly if state == "open")
    # the successor leads the monthly duty itself; the merged agency's share is not duplicated
    khcn_periods = [due for due, state in rows("1.e (hàng tháng)", khcn) if state == "open"]
    assert len(khcn_periods) == len(set(khcn_periods))


def test_registry_successor_chain_is_checked(sqlite_db: str, tmp_path: Path) -> None:
    from dondoc.errors import InputError

    registry = tmp_path / "dong-nai.yaml"
    text = (SEEDS / "agencies" / "dong-nai.yaml").read_text(encoding="utf-8")
    for code, other in (
        ("dn-so-thong-tin-truyen-thong", "dn-so-khoa-hoc-cong-nghe"),
        ("dn-so-khoa-hoc-cong-nghe", "dn-so-thong-tin-truyen-thong"),
    ):
        anchor = f"  - code: {code}\n"
        text = text.replace(anchor, anchor + f"    valid_to: 2025-02-28\n    successor: {other}\n", 1)
    registry.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        services.import_paths([registry], as_of=date(2025, 1, 1), actor="test")
    assert any("the chain loops" in p and "dong-nai.yaml:" in p for p in caught.value.problems)
