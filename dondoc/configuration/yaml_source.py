"""YAML reading that remembers where every value came from, for errors that name the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dondoc.errors import InputError


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    root: yaml.Node

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """1-based line of the deepest node on ``loc`` that exists."""
        node: yaml.Node = self.root
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return value  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]  # type: ignore[no-any-return]
    return None


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from exc
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(
            f"{path}{line}: YAML syntax error: {exc.problem or exc.context}; fix the indentation or quoting there"
        ) from exc
    if root is None:
        raise InputError(f"{path}: the file is empty")
    duplicates = duplicate_keys(root)
    if duplicates:
        raise InputError(
            "duplicated YAML keys",
            problems=[
                f"{path}:{line}: key {key!r} appears again (first at line {first}); YAML keeps only the last one silently — keep one"
                for key, first, line in duplicates
            ],
        )
    return YamlDocument(path, data, root)


def duplicate_keys(root: yaml.Node) -> list[tuple[str, int, int]]:
    """Every (key, first line, repeated line) of a mapping that names the same key twice, in document order."""
    found: list[tuple[str, int, int]] = []
    stack: list[yaml.Node] = [root]
    seen_nodes: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:  # anchors and aliases share nodes
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in first and key.value != "<<":
                        found.append((key.value, first[key.value], line))
                    first.setdefault(key.value, line)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(found, key=lambda d: d[2])
