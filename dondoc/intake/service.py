"""`dondoc draft`: read a directive file and build its draft (the thin layer with the I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from dondoc.configuration.files import load_policy
from dondoc.configuration.yaml_source import load_yaml
from dondoc.domain.dates import vn_date
from dondoc.errors import InputError
from dondoc.intake.draft import Draft, Flag, build_draft, detect_province
from dondoc.intake.names import AgencyRecord, NameResolver, records_from_registry, records_in_force
from dondoc.intake.readers import read_document
from dondoc.intake.structure import parse_header
from dondoc.registries.schema import RegistryIn

DEFAULT_REGISTRY_DIR = Path(__file__).resolve().parents[2] / "directives_seed" / "agencies"


def load_registries(directory: Path = DEFAULT_REGISTRY_DIR) -> list[RegistryIn]:
    """Every registry file in ``directory``; an invalid one is named with its line and field."""
    registries: list[RegistryIn] = []
    for path in sorted(directory.glob("*.yaml")):
        doc = load_yaml(path)
        try:
            registries.append(RegistryIn.model_validate(doc.data))
        except ValidationError as exc:
            problems = [
                f"{path}:{doc.line_of(tuple(err['loc']))}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            ]
            raise InputError(problems[0], problems=problems) from exc
    return registries


def draft_document(path: Path, *, province: str | None, registry: Sequence[RegistryIn | AgencyRecord]) -> Draft:
    """Read ``path`` and draft it; names resolve against ``province``'s records (detected from the issuer if None).

    Registry files resolve as they stood on the document's issue date (a 2023 plan against the
    departments of 2023, a plan of August 2025 against the merged ones); without a full issue date
    every period's names are used and the draft says so.
    """
    files = [e for e in registry if isinstance(e, RegistryIn)]
    given = [e for e in registry if isinstance(e, AgencyRecord)]
    document = read_document(path)
    header = parse_header(document.blocks)
    on = date.fromisoformat(header.issued) if header.issued and len(header.issued) == 10 else None
    province_names = {r.province: r.province_name for r in files}
    former: list[AgencyRecord] = []
    if on is not None and files:
        dated = records_in_force(files, on)
        records, province_names, former = dated.records + given, dated.province_names, dated.former
    else:
        records = [rec for r in files for rec in records_from_registry(r)] + given
    known = {r.province for r in records} | {r.province for r in files}
    if province is not None and province not in known and known:
        raise InputError(
            f"--province {province}: không có danh mục cơ quan của tỉnh này; các tỉnh đã có: {', '.join(sorted(known))}"
        )
    if province is None:
        province = detect_province(header, province_names)
    resolver = NameResolver(
        [r for r in records if r.province == province] if province else [],
        province_names,
        former=[r for r in former if r.province == province],
    )
    draft = build_draft(
        document.blocks,
        source_file=path.name,
        line_unit=document.line_unit,
        province=province,
        resolver=resolver,
        policy=load_policy(province),
    )
    periods = sorted({r.as_of for r in files if r.province == province})
    if on is None and len(periods) > 1:
        flag = Flag(
            "registry",
            header.lines.get("issued", document.blocks[0].first if document.blocks else 1),
            "Chưa rõ ngày ban hành: tên cơ quan được đối chiếu với danh mục của mọi thời kỳ ("
            + ", ".join(vn_date(d) for d in periods)
            + "); điền ngày ban hành rồi chạy lại để đối chiếu đúng cơ cấu tổ chức tại ngày đó",
        )
        draft = replace(draft, flags=(*draft.flags, flag))
    return replace(draft, registry_on=on.isoformat() if on is not None and files else None)
