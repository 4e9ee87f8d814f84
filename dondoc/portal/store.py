"""Writes of the portal: links (issue, revoke, ensure one per recipient), submissions, decisions, files."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from dondoc.configuration.settings import get_settings
from dondoc.db import audit
from dondoc.errors import InputError, NotFoundError
from dondoc.models.portal import PortalLink, PortalSubmission, SubmissionState
from dondoc.portal import tokens

CHUNK = 1 << 16


# ---------------------------------------------------------------- the secret and the file store


def secret() -> str:
    """``DONDOC_PORTAL_SECRET``, or a random secret kept in the data folder (created once, mode 0600)."""
    settings = get_settings()
    if settings.portal_secret:
        return settings.portal_secret
    path = settings.data_dir / "portal.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".portal.secret.")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # atomic: two processes starting at once agree on one secret
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def file_store() -> Path:
    settings = get_settings()
    return settings.portal_store or settings.data_dir / "portal-files"


@dataclass(frozen=True)
class StoredFile:
    relative: str  # where it lives once placed: ``ab/abcd….pdf`` (content hash)
    size: int
    sha256: str
    pending: Path  # the temporary file holding it until the submission is committed


def save_upload(source: IO[bytes], max_bytes: int) -> StoredFile:
    """Copy an upload into a temporary file of the store; refuses more than ``max_bytes``.

    Nothing is visible under its final name until :func:`place` (after the database committed the
    submission naming it); :func:`discard` removes it when the submission is not saved.
    """
    root = file_store()
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload.")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"file: larger than {max_bytes} bytes")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    name = digest.hexdigest()
    return StoredFile(f"{name[:2]}/{name}.bin", size, name, Path(tmp))


def named(saved: StoredFile, extension: str) -> StoredFile:
    """The same file under the extension its content was recognised as."""
    return StoredFile(saved.relative.removesuffix(".bin") + f".{extension}", saved.size, saved.sha256, saved.pending)


def place(saved: StoredFile) -> Path:
    """Move a committed upload to its final name (atomic rename; the same content may already be there)."""
    target = file_store() / saved.relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(saved.pending, target)
    return target


def discard(saved: StoredFile | None) -> None:
    if saved is not None:
        saved.pending.unlink(missing_ok=True)


def stored_path(relative: str) -> Path:
    root = file_store().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise NotFoundError("file: outside the portal store")
    return path


# ---------------------------------------------------------------- links


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def issue_link(
    *,
    session: Session,
    agency_code: str,
    role: str,
    days: int,
    now: datetime,
    actor: str,
    recipient: str | None = None,
    label: str | None = None,
) -> tuple[PortalLink, str]:
    """A new link row and its token (the token is returned once; only its hash is stored)."""
    row = PortalLink(
        token_hash=secrets.token_hex(32),  # placeholder until the id is known; replaced below in the same transaction
        agency_code=agency_code,
        role=role,
        recipient=recipient,
        label=label,
        created_at=now,
        created_by=actor,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    token = tokens.sign(secret(), row.id)
    row.token_hash = tokens.token_hash(token)
    session.add(row)
    audit.record(
        session,
        "portal.link.issued",
        actor=actor,
        detail={
            "link_id": row.id,
            "agency": agency_code,
            "role": role,
            "recipient": recipient,
            "expires_at": row.expires_at.isoformat(),
        },
    )
    session.flush()
    return row, token


def token_of(row: PortalLink) -> str:
    assert row.id is not None
    return tokens.sign(secret(), row.id)


def live(row: PortalLink | None, now: datetime) -> bool:
    return row is not None and row.revoked_at is None and _utc(row.expires_at) > now


def open_token(token: str, *, session: Session, now: datetime) -> PortalLink | None:
    """The live link a token opens, or None (forged, unknown, expired, revoked: all look the same)."""
    link_id = tokens.link_id_of(secret(), token)
    if link_id is None:
        return None
    row = session.get(PortalLink, link_id)
    if row is None or not secrets.compare_digest(row.token_hash, tokens.token_hash(token)):
        return None
    return row if live(row, now) else None


def revoke_links(agency_code: str, *, session: Session, now: datetime, actor: str, link_id: int | None = None) -> list[int]:
    stmt = select(col(PortalLink.id)).where(col(PortalLink.agency_code) == agency_code, col(PortalLink.revoked_at).is_(None))
    if link_id is not None:
        stmt = stmt.where(col(PortalLink.id) == link_id)
    ids = [i for (i,) in session.execute(stmt).all()]
    if link_id is not None and not ids:
        raise NotFoundError(
            f"portal link #{link_id}: not a live link of {agency_code}; see `dondoc portal-link list {agency_code}`"
        )
    if ids:
        session.execute(update(PortalLink).where(col(PortalLink.id).in_(ids)).values(revoked_at=now))
        audit.record(session, "portal.link.revoked", actor=actor, detail={"agency": agency_code, "link_ids": ids})
    return ids


def ensure_links(
    wanted: dict[tuple[str, str, str], int], *, session: Session, now: datetime, actor: str
) -> dict[tuple[str, str, str], str]:
    """(agency, role, recipient) → token of a live link, issuing one where none is live for long enough.

    ``wanted`` maps each key to the link's lifetime in days; a link that expires within a tenth of
    that is replaced, so an email never carries a link about to die.
    """
    out: dict[tuple[str, str, str], str] = {}
    if not wanted:
        return out
    agencies = sorted({a for a, _r, _c in wanted})
    rows = session.execute(
        select(PortalLink).where(col(PortalLink.agency_code).in_(agencies), col(PortalLink.revoked_at).is_(None))
    ).scalars()
    best: dict[tuple[str, str, str], PortalLink] = {}
    for row in rows:
        key = (row.agency_code, row.role, row.recipient or "")
        if key in wanted and (key not in best or _utc(row.expires_at) > _utc(best[key].expires_at)):
            best[key] = row
    for key, days in wanted.items():
        row = best.get(key)
        if row is not None and _utc(row.expires_at) > now + timedelta(days=max(1, days // 10)):
            out[key] = token_of(row)
            continue
        agency, role, recipient = key
        _row, token = issue_link(
            agency_code=agency, role=role, days=days, now=now, actor=actor, recipient=recipient or None, session=session
        )
        out[key] = token
    return out


# ---------------------------------------------------------------- submissions


def add_submission(submission: PortalSubmission, *, session: Session, actor: str, directive_id: int) -> PortalSubmission:
    session.add(submission)
    session.flush()
    audit.record(
        session,
        f"portal.submission.{submission.kind}",
        actor=actor,
        directive_id=directive_id,
        instance_id=submission.instance_id,
        detail={"submission_id": submission.id, "state": submission.state, "file": submission.file_path},
    )
    return submission


def decide(
    submission_id: int,
    *,
    session: Session,
    state: str,
    actor: str,
    reason: str,
    now: datetime,
    directive_id: int,
    detail: dict[str, Any],
) -> bool:
    """Move a pending submission to approved/rejected; False if someone else decided it first."""
    result: Any = session.execute(
        update(PortalSubmission)
        .where(col(PortalSubmission.id) == submission_id, col(PortalSubmission.state) == SubmissionState.PENDING)
        .values(state=state, decided_at=now, decided_by=actor, decision_reason=reason or None)
    )
    changed = int(result.rowcount or 0)
    if changed:
        submission = session.get(PortalSubmission, submission_id)
        assert submission is not None
        audit.record(
            session,
            f"portal.submission.{state}",
            actor=actor,
            directive_id=directive_id,
            instance_id=submission.instance_id,
            detail={"submission_id": submission_id, "reason": reason, **detail},
        )
    return bool(changed)
