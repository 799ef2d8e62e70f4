"""Generic Markdown style: pymarkdownlnt run as the MD rules of the one checker.

`[tool.runbook-lint.markdown-style]` switches the family on and holds the few settings that
differ between projects (`MarkdownStyle`, validated here key by key). `scan` runs pymarkdownlnt's
API on one file's text with every setting passed explicitly: the catalogued rules and no other,
the extensions this library's Markdown uses (front matter, tables, task lists, strikethrough),
its own `pyml` pragmas off (suppressions are runbook-lint's), and each option either from the
configuration or its default. pymarkdownlnt is imported on the first scan, so a run without the
MD rules never loads it.

pymarkdownlnt also reads its own configuration from the working directory (`.pymarkdown`,
`[tool.pymarkdown]` in `pyproject.toml`); whatever `scan` passes takes precedence, and those
files are among the inputs of the content cache (`OWN_CONFIG_FILES`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import UsageError

KEY = "markdown-style"
# Where pymarkdownlnt looks for its own configuration, relative to the working directory.
OWN_CONFIG_FILES = ("pyproject.toml", ".pymarkdown", ".pymarkdown.yaml", ".pymarkdown.yml")
# Extensions of pymarkdownlnt: on for the Markdown this library writes, off otherwise.
_EXTENSIONS = {
    "front-matter": True,
    "markdown-tables": True,
    "markdown-task-list-items": True,
    "markdown-strikethrough": True,
    "markdown-extended-autolinks": False,
    "markdown-disallow-raw-html": False,
    "linter-pragmas": False,
}


@dataclass(frozen=True)
class MarkdownStyle:
    """The `markdown-style` table. Off by default: a library opts in to generic style."""

    enabled: bool = False
    line_length: int = 80  # MD013: prose, headings and table rows
    code_block_line_length: int = 0  # MD013 in code blocks; 0: the same as line-length
    code_blocks: bool = True  # MD013 checks code blocks
    tables: bool = True  # MD013 checks table rows
    allowed_html: tuple[str, ...] = ()  # MD033: inline HTML elements that are fine
    # pymarkdownlnt's time grows with the square of a file's length (about 2 s of CPU for 900
    # lines, 30 s for 3,700): a longer file is reported, not scanned.
    max_lines: int = 2500

    def properties(self) -> list[tuple[str, bool | int | str]]:
        """pymarkdownlnt's configuration properties, every one given."""
        code = self.code_block_line_length or self.line_length
        props: list[tuple[str, bool | int | str]] = [
            (f"extensions.{name}.enabled", on) for name, on in _EXTENSIONS.items()
        ]
        props += [
            ("plugins.md013.line_length", self.line_length),
            ("plugins.md013.heading_line_length", self.line_length),
            ("plugins.md013.table_line_length", self.line_length),
            ("plugins.md013.code_block_line_length", code),
            ("plugins.md013.code_blocks", self.code_blocks),
            ("plugins.md013.tables", self.tables),
            ("plugins.md013.headings", True),
            ("plugins.md013.strict", False),
            ("plugins.md013.stern", False),
            ("plugins.md033.allowed_elements", ",".join(("!--", *self.allowed_html))),
        ]
        return props


_KINDS = {f.name: f.type for f in fields(MarkdownStyle)}


def parse_table(where: str, value: Any) -> MarkdownStyle:
    """The `markdown-style` table, every key declared and type-checked."""
    if not isinstance(value, dict):
        raise UsageError(f"{where}: '{KEY}' must be a table, got {type(value).__name__}")
    values: dict[str, Any] = {}
    for raw, item in value.items():
        name = str(raw).replace("-", "_")
        key = f"{KEY}.{raw}"
        kind = _KINDS.get(name)
        if kind is None:
            known = ", ".join(sorted(n.replace("_", "-") for n in _KINDS))
            raise UsageError(f"{where}: unknown key '{key}' (known keys: {known})")
        if kind == "bool":
            if not isinstance(item, bool):
                _wrong(where, key, item, "true or false")
        elif kind == "int":
            minimum = 0 if name == "code_block_line_length" else 1
            if not isinstance(item, int) or isinstance(item, bool) or item < minimum:
                _wrong(where, key, item, f"an integer of at least {minimum}")
        else:
            names = item if isinstance(item, list) else None
            if names is None or not all(isinstance(n, str) and n.isalnum() for n in names):
                _wrong(where, key, item, "a list of HTML element names")
            item = tuple(n.lower() for n in names)  # type: ignore[union-attr]
        values[name] = item
    return replace(MarkdownStyle(), **values)


def _wrong(where: str, key: str, value: Any, kind: str) -> None:
    raise UsageError(f"{where}: '{key}' must be {kind}, got {type(value).__name__} {value!r}")


@dataclass(frozen=True)
class Failure:
    """One rule failure pymarkdownlnt reported: 1-based line and column in the text."""

    rule: str  # MD013
    line: int
    column: int
    message: str


class ScanError(Exception):
    """pymarkdownlnt could not check a file (it raises on some inputs)."""


def scan(text: str, style: MarkdownStyle, rules: Sequence[str]) -> list[Failure]:
    """pymarkdownlnt's findings of `rules` (ids like MD013) on `text`; ScanError on failure."""
    if not text.strip():
        return []  # pymarkdownlnt refuses empty input; no rule has anything to say on it
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > style.max_lines:
        raise ScanError(
            f"pymarkdownlnt was not run on this file: it has {lines} lines, more than "
            f"{KEY}.max-lines ({style.max_lines}); its time grows with the square of the length"
        )
    try:
        from pymarkdown.api import PyMarkdownApi
    except ImportError as exc:
        raise UsageError(
            f"'{KEY}' needs pymarkdownlnt, which is not installed: pip install pymarkdownlnt"
        ) from exc
    _quiet()
    api = PyMarkdownApi(inherit_logging=True).disable_rule_by_identifier("*")
    for rule in rules:
        api.enable_rule_by_identifier(rule.lower())
    for name, value in style.properties():
        if isinstance(value, bool):
            api.set_boolean_property(name, value)
        elif isinstance(value, int):
            api.set_integer_property(name, value)
        else:
            api.set_string_property(name, value)
    try:
        result = api.scan_string(text)
    except Exception as exc:  # PyMarkdownApiException, or an error of its own
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ScanError(f"pymarkdownlnt could not check this file: {reason}") from exc
    wanted = {r.upper() for r in rules}
    return [
        Failure(
            f.rule_id.upper(),
            f.line_number,
            f.column_number,
            (f.rule_description + (f.extra_error_information or "")).strip(),
        )
        for f in result.scan_failures
        if f.rule_id.upper() in wanted
    ]


def _quiet() -> None:
    """pymarkdownlnt's loggers never print: its errors come back as exceptions."""
    for name in ("pymarkdown", "application_properties", "application_file_scanner"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
        logger.propagate = False
        logger.setLevel(logging.CRITICAL)
