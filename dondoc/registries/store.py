"""Writing a folded registry state: only what differs from the stored one, memberships rebuilt per province."""

from __future__ import annotations

import json

from sqlalchemy import delete
from sqlmodel import Session, col, select

from dondoc.models import Agency, AgencyGroup, AgencySuccession, GroupMember, Province, ProvinceMerger
from dondoc.registries.state import RegistryState


def write_state(old: RegistryState, new: RegistryState, provinces: set[str], *, session: Session) -> None:
    """Write ``new`` where it differs from ``old``; rebuild the memberships of ``provinces``."""
    for code, p in new.provinces.items():
        if old.provinces.get(code) != p:
            prow = session.get(Province, code) or Province(code=code, name=p.name, registry_as_of=p.registry_as_of, registry_file="")
            prow.name, prow.registry_as_of, prow.registry_file, prow.note = p.name, p.registry_as_of, p.registry_file, p.note
            session.add(prow)
    session.flush()
    changed_agencies = [a for code, a in new.agencies.items() if old.agencies.get(code) != a]
    stored = {a.code: a for a in session.exec(select(Agency).where(col(Agency.code).in_([a.code for a in changed_agencies])))}
    for a in changed_agencies:
        row = stored.get(a.code) or Agency(code=a.code, province=a.province, name=a.name, kind=a.kind)
        row.province, row.name, row.short_name, row.aliases, row.kind = a.province, a.name, a.short_name, list(a.aliases), a.kind
        row.parent_code, row.successor_code, row.valid_from, row.valid_to, row.note = (
            a.parent, a.successor, a.valid_from, a.valid_to, a.note,
        )  # fmt: skip
        row.commune_type, row.formed_from, row.resolution = a.commune_type, a.formed_from, a.resolution
        row.contacts = json.loads(a.contacts)
        session.add(row)
    changed_groups = [g for code, g in new.groups.items() if old.groups.get(code) != g]
    stored_groups = {g.code: g for g in session.exec(select(AgencyGroup).where(col(AgencyGroup.code).in_([g.code for g in changed_groups])))}
    for g in changed_groups:
        grow = stored_groups.get(g.code) or AgencyGroup(code=g.code, province=g.province, name=g.name)
        grow.name, grow.aliases, grow.includes, grow.complete, grow.note = g.name, list(g.aliases), list(g.includes), g.complete, g.note
        grow.valid_from, grow.valid_to, grow.successor_code = g.valid_from, g.valid_to, g.successor
        session.add(grow)
    for code, s in new.successions.items():
        if old.successions.get(code) == s:
            continue
        srow = session.exec(select(AgencySuccession).where(AgencySuccession.from_code == code)).first() or AgencySuccession(
            from_code=code, province=s.province, kind=s.kind, effective=s.effective, registry_file=s.registry_file
        )
        srow.province, srow.kind, srow.effective, srow.to_codes, srow.work = s.province, s.kind, s.effective, list(s.to), s.work
        srow.lead_code, srow.unconfirmed, srow.source, srow.note, srow.registry_file = (
            s.lead, s.unconfirmed, s.source, s.note, s.registry_file,
        )  # fmt: skip
        session.add(srow)
    for code, m in new.mergers.items():
        if old.mergers.get(code) == m:
            continue
        mrow = session.exec(select(ProvinceMerger).where(ProvinceMerger.from_province == code)).first() or ProvinceMerger(
            from_province=code, into_province=m.into_province, effective=m.effective
        )
        mrow.into_province, mrow.effective, mrow.source, mrow.note = m.into_province, m.effective, m.source, m.note
        session.add(mrow)
    session.flush()
    if provinces:
        _rebuild_memberships(new, provinces, session=session)


def _rebuild_memberships(state: RegistryState, provinces: set[str], *, session: Session) -> None:
    """Flattened membership rows (direct members plus those of included groups) of the provinces' groups."""
    groups = {g.code: g for g in session.exec(select(AgencyGroup).where(col(AgencyGroup.province).in_(provinces)))}
    agency_ids = {
        code: i for code, i in session.exec(select(Agency.code, Agency.id).where(col(Agency.province).in_(provinces))) if i is not None
    }
    session.execute(delete(GroupMember).where(col(GroupMember.group_id).in_([g.id for g in groups.values()])))
    direct: dict[str, set[str]] = {}
    for a in state.agencies.values():
        if a.province in provinces:
            for g in a.groups:
                direct.setdefault(g, set()).add(a.code)

    def flatten(code: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if code in seen or code not in state.groups:
            return set()
        members = set(direct.get(code, set()))
        for sub in state.groups[code].includes:
            members |= flatten(sub, seen | {code})
        return members

    rows = []
    for code, group in groups.items():
        assert group.id is not None
        for member in sorted(flatten(code)):
            if member in agency_ids:
                rows.append({"group_id": group.id, "agency_id": agency_ids[member], "direct": member in direct.get(code, set())})
    if rows:
        session.connection().execute(GroupMember.__table__.insert(), rows)  # type: ignore[attr-defined]
