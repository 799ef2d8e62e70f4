"""The requirements declaration: which procedures must have a runbook (FR145), as data.

`runbooks/requirements.yaml` (the `requirements` configuration key) lists procedures, each with
the runbook that covers it (a path relative to the declaration) or a `deferred:` reason. It is
read with line numbers so findings and the audit can point at the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEYS = ("id", "title", "group", "source", "runbook", "deferred")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class RequirementsError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Procedure:
    id: str
    title: str
    group: str
    source: str
    runbook: str | None  # relative to the declaration's folder
    deferred: str | None
    line: int  # line of the entry in the declaration
    runbook_line: int  # line of its `runbook:` key (or the entry's line)


@dataclass(frozen=True)
class Requirements:
    path: Path
    procedures: tuple[Procedure, ...]

    def runbook_path(self, procedure: Procedure) -> Path | None:
        if procedure.runbook is None:
            return None
        return (self.path.parent / procedure.runbook).resolve()


def _scalar(node: Any, where: str) -> str:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise RequirementsError(f"{where} must be a plain value", node.start_mark.line + 1)
    return str(node.value).strip()


def parse(text: str, path: Path) -> Requirements:
    """Parse the declaration; a problem raises RequirementsError naming the key and line."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RequirementsError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            mark.line + 1 if mark is not None else 1,
        ) from exc
    if root is None:
        raise RequirementsError("empty: declare 'procedures:'")
    if not isinstance(root, yaml.MappingNode):
        raise RequirementsError("must be a mapping with 'version' and 'procedures'")
    top = {_scalar(k, "a key"): v for k, v in root.value}
    unknown = sorted(set(top) - {"version", "procedures"})
    if unknown:
        raise RequirementsError(f"unknown key '{unknown[0]}' (known: version, procedures)")
    if "version" in top and _scalar(top["version"], "'version'") != "1":
        raise RequirementsError("'version' must be 1", top["version"].start_mark.line + 1)
    items = top.get("procedures")
    if not isinstance(items, yaml.SequenceNode):
        line = items.start_mark.line + 1 if items is not None else 1
        raise RequirementsError("'procedures' must be a list of entries", line)
    procedures: list[Procedure] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items.value, 1):
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise RequirementsError(f"procedure {number} must be a mapping", line)
        fields: dict[str, str] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in item.value:
            key = _scalar(key_node, "a key")
            if key not in KEYS:
                raise RequirementsError(
                    f"procedure {number}: unknown key '{key}' (known: {', '.join(KEYS)})",
                    key_node.start_mark.line + 1,
                )
            fields[key] = _scalar(value_node, f"procedure {number}: '{key}'")
            lines[key] = key_node.start_mark.line + 1
        ident = fields.get("id", "")
        if not _ID_RE.match(ident):
            raise RequirementsError(f"procedure {number}: 'id' is missing or not a plain id", line)
        if ident in seen:
            raise RequirementsError(
                f"procedure '{ident}' is declared twice (first at line {seen[ident]})", line
            )
        seen[ident] = line
        runbook = fields.get("runbook") or None
        deferred = fields.get("deferred") or None
        if (runbook is None) == (deferred is None):
            raise RequirementsError(
                f"procedure '{ident}': give either 'runbook' (a path) or 'deferred' (a reason)",
                line,
            )
        procedures.append(
            Procedure(
                id=ident,
                title=fields.get("title") or ident,
                group=fields.get("group", ""),
                source=fields.get("source", ""),
                runbook=runbook,
                deferred=deferred,
                line=line,
                runbook_line=lines.get("runbook", line),
            )
        )
    return Requirements(path, tuple(procedures))


def load(path: Path) -> Requirements:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RequirementsError(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    return parse(text, path)
