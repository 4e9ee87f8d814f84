"""`dondoc draft`: read a directive file and build its draft (the thin layer with the I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from dondoc.configuration.files import load_policy
from dondoc.configuration.yaml_source import load_yaml
from dondoc.errors import InputError
from dondoc.intake.draft import Draft, build_draft, detect_province
from dondoc.intake.names import AgencyRecord, NameResolver, records_from_registry
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
    """Read ``path`` and draft it; names resolve against ``province``'s records (detected from the issuer if None)."""
    records: list[AgencyRecord] = []
    province_names: dict[str, str] = {}
    for entry in registry:
        if isinstance(entry, RegistryIn):
            records.extend(records_from_registry(entry))
            province_names[entry.province] = entry.province_name
        else:
            records.append(entry)
    known = {r.province for r in records}
    if province is not None and province not in known and known:
        raise InputError(
            f"--province {province}: không có danh mục cơ quan của tỉnh này; các tỉnh đã có: {', '.join(sorted(known))}"
        )
    document = read_document(path)
    if province is None:
        province = detect_province(parse_header(document.blocks), province_names)
    resolver = NameResolver([r for r in records if r.province == province] if province else [], province_names)
    return build_draft(
        document.blocks,
        source_file=path.name,
        line_unit=document.line_unit,
        province=province,
        resolver=resolver,
        policy=load_policy(province),
    )
