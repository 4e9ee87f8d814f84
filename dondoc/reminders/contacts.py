"""Recipients from an Apprise YAML config: who gets the reminders of an agency, a coordinator, a province.

A contact is one Apprise URL with tags. The tags say whom it stands for:

- ``<agency code>, focal`` / ``<agency code>, head``: the agency's focal contact / its head;
- ``<coordinator code>, coordinator``: the coordinating office named by a directive;
- ``<province code>, leadership``: the province's leadership (step +7: báo cáo giải trình).

Secrets are never written in the file: ``${NAME}`` is replaced by the environment variable
NAME when the file is loaded, ``${prefect-secret:NAME}`` by the Prefect Secret block NAME.
A contact whose secret is missing or whose URL is broken is kept, marked with its problem: its
deliveries fail (and are retried and reported) while everybody else's go out.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dondoc.configuration.yaml_source import load_yaml
from dondoc.errors import InputError
from dondoc.reminders import notify

log = logging.getLogger(__name__)

ROLES = frozenset({"focal", "head", "coordinator", "leadership"})
_VAR = re.compile(r"\$\{(?:(prefect-secret):)?([A-Za-z0-9_.\-]{1,64})\}")
_ALLOWED_KEYS = {"tag", "name"}


@dataclass(frozen=True)
class Contact:
    source: str  # file:line, for messages
    tags: frozenset[str]
    url: str | None  # secrets expanded; never logged
    channel: notify.Channel
    name: str | None = None
    problem: str | None = None

    @property
    def key(self) -> str:
        return self.channel.key

    @property
    def display(self) -> str:
        return f"{self.name} · {self.channel.key}" if self.name else self.channel.display


@dataclass
class ContactBook:
    contacts: list[Contact] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    _index: dict[tuple[str, str], list[Contact]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for contact in self.contacts:
            roles = contact.tags & ROLES
            for tag in contact.tags - ROLES:
                for role in roles:
                    bucket = self._index.setdefault((tag, role), [])
                    if all(c.key != contact.key for c in bucket):
                        bucket.append(contact)

    def lookup(self, addressee: str, role: str) -> list[Contact]:
        return self._index.get((addressee, role), [])


def _secret_from_prefect(name: str) -> str:
    from prefect.blocks.system import Secret  # only when a contact file asks for it: Prefect is slow to import

    block: Any = Secret.load(name)
    return str(block.get())


def expand(raw: str, environ: dict[str, str] | None = None, secret: Callable[[str], str] = _secret_from_prefect) -> tuple[str, str | None]:
    """``${NAME}`` / ``${prefect-secret:NAME}`` → values. Returns (url, problem); the problem names what is missing.

    With a problem, the URL has placeholders instead of the missing values (enough to identify the contact).
    """
    env = os.environ if environ is None else environ
    missing: list[str] = []

    def sub(match: re.Match[str]) -> str:
        source, name = match.group(1), match.group(2)
        if source:
            try:
                return secret(name)
            except Exception as exc:  # any failure to read the block is a missing secret
                missing.append(f"Prefect Secret {name!r} ({type(exc).__name__})")
                return "missing"
        value = env.get(name)
        if value is None:
            missing.append(f"biến môi trường {name}")
            return "missing"
        return value

    url = _VAR.sub(sub, raw)
    if missing:
        return url, "thiếu bí mật: " + ", ".join(missing) + " chưa được đặt"
    return url, None


def _tags(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    tags = {str(t).strip() for t in items if str(t).strip()}
    if not tags:
        raise InputError(f"{where}: tag is empty; write e.g. `tag: dn-so-tttt, focal`")
    return tags


def _entries(data: Any, path: Path, line_of: Callable[[tuple[str | int, ...]], int]) -> Iterable[tuple[str, int, set[str], str | None]]:
    if not isinstance(data, dict) or not isinstance(data.get("urls"), list):
        raise InputError(f"{path}:1: an Apprise YAML config needs `urls:` (a list); see docs/reminders.md")
    unknown = set(data) - {"version", "urls", "tag", "include", "asset"}
    if unknown:
        raise InputError(f"{path}:1: unknown top-level keys {sorted(unknown)}; use version, urls, tag")
    common = _tags(data.get("tag"), f"{path}:{line_of(('tag',))}")
    for i, item in enumerate(data["urls"]):
        line = line_of(("urls", i))
        where = f"{path}:{line}"
        if isinstance(item, str):
            yield item, line, set(common), None
            continue
        if not isinstance(item, dict) or len(item) != 1:
            raise InputError(f"{where}: urls[{i}]: write `- \"scheme://…\":` followed by `- tag: <agency>, <role>`")
        raw, spec = next(iter(item.items()))
        specs = spec if isinstance(spec, list) else [spec or {}]
        for spec_item in specs:
            if not isinstance(spec_item, dict):
                raise InputError(f"{where}: urls[{i}]: expected `tag: …` under the URL")
            extra = set(spec_item) - _ALLOWED_KEYS
            if extra:
                raise InputError(f"{where}: urls[{i}]: unsupported keys {sorted(extra)}; put URL options in the URL itself")
            tags = common | _tags(spec_item.get("tag"), where)
            name = spec_item.get("name")
            yield str(raw), line, tags, (str(name) if name else None)


def load_contact_file(path: Path, environ: dict[str, str] | None = None) -> list[Contact]:
    doc = load_yaml(path)
    contacts: list[Contact] = []
    for raw, line, tags, name in _entries(doc.data, path, doc.line_of):
        where = f"{path}:{line}"
        roles = tags & ROLES
        if not roles:
            raise InputError(f"{where}: tags {sorted(tags)} name no role; add one of {', '.join(sorted(ROLES))}")
        if not tags - ROLES:
            raise InputError(f"{where}: tags {sorted(tags)} name no agency, coordinator or province code")
        url, problem = expand(raw, environ)
        channel = notify.describe(url)
        problem = problem or channel.problem
        if problem:
            log.warning("contact %s (%s): %s", where, channel.display, problem)
        contacts.append(Contact(where, frozenset(tags), None if problem else url, channel, name, problem))
    return contacts


def contact_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.name.endswith((".apprise.yml", ".apprise.yaml")) and p.is_file())
    if path.is_file():
        return [path]
    return []


def load_contacts(path: Path, environ: dict[str, str] | None = None) -> ContactBook:
    """Every contact file under ``path`` (a file, or a folder of ``<province>.apprise.yml``)."""
    files = contact_files(path)
    if not files:
        log.warning("no contacts at %s: every reminder will be reported as having no recipient", path)
    contacts = [c for f in files for c in load_contact_file(f, environ)]
    return ContactBook(contacts, files)
