"""Escalation contacts, as data: who each role in an escalation table reaches.

`runbooks/contacts.yaml` (the `contacts` configuration key) maps a role id to its display name,
its contact (the route: a paging rotation, a bridge, a queue), its hours and optional notes; it
is valid against `schemas/contacts.schema.json`. A deployment replaces it with its own file
(RUNBOOK_LINT_CONTACTS or `--contacts`). A contact written in angle brackets, `<like-this>`, is
a placeholder: the role is declared but nobody is reachable through it yet.

Parsing never raises: a file that is not YAML or not valid against the schema becomes a
`ContactsProblem` with its line and column, which RB133 reports and the audit states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .document.escalation import EscalationRow

SCHEMA_NAME = "contacts.schema.json"
_PLACEHOLDER_RE = re.compile(r"^<[^<>]+>$")

Position = tuple[int, int]  # 1-based line and column
Positions = dict[tuple[Any, ...], Position]  # by path of keys and indexes


def is_placeholder(value: str) -> bool:
    """Whether a contact is a placeholder (`<paging-rotation>`) rather than a real route."""
    return bool(_PLACEHOLDER_RE.match(value.strip()))


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    contact: str
    hours: str
    notes: str
    line: int  # line of the role's id in the file

    @property
    def placeholder(self) -> bool:
        return is_placeholder(self.contact)


@dataclass(frozen=True)
class ContactsProblem:
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Contacts:
    """The contacts file in use: its roles, or why it has none."""

    path: Path
    display: str
    external: bool  # supplied by the deployment (RUNBOOK_LINT_CONTACTS or --contacts)
    exists: bool
    roles: dict[str, Role] = field(default_factory=dict)
    problem: ContactsProblem | None = None

    @property
    def usable(self) -> bool:
        return self.exists and self.problem is None

    def where(self) -> str:
        """`path:line` of the problem (the file alone when there is none)."""
        return f"{self.display}:{self.problem.line}" if self.problem else self.display


def schema_path(schemas_dir: Path) -> Path:
    """The project's contacts schema; the one of this source tree when the project has none."""
    own = schemas_dir / SCHEMA_NAME
    if own.is_file():
        return own
    return Path(__file__).resolve().parents[2] / "schemas" / SCHEMA_NAME


def parse(text: str, schema: Any) -> tuple[dict[str, Role], ContactsProblem | None]:
    """The roles declared in `text`, or the first problem (YAML, schema, duplicate role)."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return {}, ContactsProblem(line, column, f"not valid YAML: {problem}")
    finally:
        loader.dispose()
    if node is None:
        return {}, ContactsProblem(1, 1, "empty: declare 'version: 1' and 'roles:'")
    values, keys = _positions(node)
    duplicate = _duplicate_role(node)
    if duplicate is not None:
        return {}, duplicate
    problem = _schema_problem(data, schema, values, keys)
    if problem is not None:
        return {}, problem
    roles = {}
    declared = data.get("roles") if isinstance(data, dict) else None
    for role_id, entry in (declared or {}).items() if isinstance(declared, dict) else ():
        if not isinstance(role_id, str) or not isinstance(entry, dict):
            line, column = keys.get(("roles", str(role_id)), (1, 1))
            return {}, ContactsProblem(line, column, f"role {role_id!r} is not a role entry")
        roles[role_id] = Role(
            id=role_id,
            name=str(entry.get("name") or role_id).strip(),
            contact=str(entry.get("contact") or "").strip(),
            hours=str(entry.get("hours") or "").strip(),
            notes=str(entry.get("notes") or "").strip(),
            line=keys.get(("roles", role_id), (1, 1))[0],
        )
    return roles, None


def build(
    path: Path,
    display: str,
    external: bool,
    data: bytes | None,
    schema_file: Path,
    unreadable: str | None = None,
) -> Contacts:
    """The contacts declared in the bytes `data` read from `path` (None: not readable, for
    the reason `unreadable`)."""
    problem: ContactsProblem | None
    if data is None:
        if not path.exists():
            return Contacts(path, display, external, exists=False)
        problem = ContactsProblem(1, 1, unreadable or "cannot read file")
        return Contacts(path, display, external, exists=True, problem=problem)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = ContactsProblem(line, 1, f"not UTF-8 (byte offset {exc.start})")
        return Contacts(path, display, external, exists=True, problem=problem)
    schema = _schema(schema_file)
    if schema is None:  # RB504 reports what is wrong with the schema itself
        problem = ContactsProblem(1, 1, f"cannot be checked: {schema_file} is not a valid schema")
        return Contacts(path, display, external, exists=True, problem=problem)
    roles, problem = parse(text, schema)
    return Contacts(path, display, external, exists=True, roles=roles, problem=problem)


def _schema(path: Path) -> Any:
    """The contacts schema, or None when it cannot be read or is not a draft 2020-12 schema."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, SchemaError):
        return None
    return schema


def _positions(node: Any) -> tuple[Positions, Positions]:
    """Where each value (by its path) starts, and where each mapping key starts."""
    import yaml

    values: Positions = {}
    keys: Positions = {}
    stack: list[tuple[tuple[Any, ...], Any]] = [((), node)]
    while stack:
        path, current = stack.pop()
        values[path] = (current.start_mark.line + 1, current.start_mark.column + 1)
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                stack.append(((*path, key), value_node))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(((*path, index), item) for index, item in enumerate(current.value))
    return values, keys


def _duplicate_role(node: Any) -> ContactsProblem | None:
    """A role id declared twice (YAML keeps the last one silently)."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if key_node.value != "roles" or not isinstance(value_node, yaml.MappingNode):
            continue
        seen: dict[str, int] = {}
        for role_node, _ in value_node.value:
            line = role_node.start_mark.line + 1
            if role_node.value in seen:
                return ContactsProblem(
                    line,
                    role_node.start_mark.column + 1,
                    f"role '{role_node.value}' is declared twice (first at line "
                    f"{seen[role_node.value]})",
                )
            seen[role_node.value] = line
    return None


def _schema_problem(
    data: Any,
    schema: Any,
    values: Positions,
    keys: Positions,
) -> ContactsProblem | None:
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.exceptions import NoSuchResource, Unresolvable

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # local schemas only, never fetched

    registry: Registry[Any] = Registry(retrieve=refuse)  # type: ignore[call-arg]
    try:
        errors = sorted(
            Draft202012Validator(schema, registry=registry).iter_errors(data),
            key=lambda e: _where(e, values, keys),
        )
    except (Unresolvable, RecursionError) as exc:
        return ContactsProblem(1, 1, f"cannot be checked: {SCHEMA_NAME}: {exc}")
    if not errors:
        return None
    error = errors[0]
    line, column = _where(error, values, keys)
    path = ".".join(str(p) for p in error.absolute_path) or "the file"
    return ContactsProblem(
        line, column, f"not valid against {SCHEMA_NAME} at {path}: {error.message}"
    )


def _where(
    error: Any,
    values: Positions,
    keys: Positions,
) -> Position:
    """Where a schema error is: the key it names (an unknown key, a bad role id), else the
    value (on the key's line when the value sits on its own lines)."""
    path = tuple(p if isinstance(p, int) else str(p) for p in error.absolute_path)
    named = [error.instance] if isinstance(error.instance, str) else []
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        named = [str(k) for k in error.instance if repr(str(k)) in str(error.message)]
    for key in named:
        if (*path, key) in keys:
            return keys[(*path, key)]
    value = values.get(path, (1, 1))
    if path in keys and keys[path][0] != value[0]:
        return keys[path]
    return value


def unresolved(role_id: str, contacts: Contacts) -> str | None:
    """Why the role id an escalation row names does not resolve to a declared contact."""
    if not contacts.exists:
        return (
            f"role '{role_id}' is not declared: there is no contacts file {contacts.display} "
            "(declare each role there with its name, contact and hours)"
        )
    if contacts.problem is not None:
        return (
            f"role '{role_id}' cannot be resolved: the contacts file {contacts.where()} is "
            f"invalid ({contacts.problem.message})"
        )
    if role_id in contacts.roles:
        return None
    import difflib

    close = difflib.get_close_matches(role_id, list(contacts.roles), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"role '{role_id}' is not declared in {contacts.display}{hint}"


def row_problems(row: EscalationRow, contacts: Contacts) -> Iterator[tuple[int, int, str]]:
    """(line, column, message) for each way an escalation row fails to reach a declared role:
    a Contact cell that names no role, or a role id that does not resolve. A missing or empty
    Contact cell is left to the table rules (RB130, RB131)."""
    cell = row.contact
    if cell is None or not cell.text.strip():
        return
    if not row.roles:
        yield (
            cell.line,
            cell.column,
            f"escalation row names no role: write the id of a role declared in "
            f"{contacts.display} in its Contact cell, as `role-id` (found '{cell.text}')",
        )
        return
    for ref in row.roles:
        reason = unresolved(ref.text.strip(), contacts)
        if reason is not None:
            yield ref.line, ref.column, reason
