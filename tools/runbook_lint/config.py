"""Configuration: `[tool.runbook-lint]` in pyproject.toml, or runbook-lint.toml.

Convention over configuration: with the standard layout nothing needs setting. Every key is
declared here with its type; an unknown key or a value of the wrong type is a UsageError that
names the file and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import UsageError
from .findings import SEVERITIES, Severity
from .markdown_style import KEY as MARKDOWN_STYLE
from .markdown_style import MarkdownStyle, parse_table
from .profiles import PROFILES
from .renderer import FLAVOURS

CONFIG_FILE = "runbook-lint.toml"
# A deployment's own escalation contacts file, outside the repository (`--contacts` wins).
CONTACTS_ENV = "RUNBOOK_LINT_CONTACTS"
# Marks the keys whose values (or, for a table of severities, whose keys) are rule ids or
# prefixes: `rule_ids` lists them so that each is checked against the catalogue.
RULE_IDS = {"rule_ids": True}
DEFAULT_GOVERNANCE = (r"\bADR-\d+\b", r"\bFR-?\d+\b")


@dataclass(frozen=True)
class Config:
    root: Path = field(default_factory=Path.cwd)
    source: str | None = None  # the file the configuration came from
    runbooks: str = "runbooks"
    index: str = "runbooks/index.md"
    template: str = "runbooks/TEMPLATE.md"
    drills: str = "runbooks/drills"
    drill_template: str = "runbooks/drills/TEMPLATE.md"
    samples: str = "runbooks/samples"
    schemas: str = "schemas"
    contracts: str = "schemas/cli"
    programs: str = "schemas/cli/programs.yaml"
    artifacts: str = "schemas/artifacts.yaml"
    requirements: str = "runbooks/requirements.yaml"
    contacts: str = "runbooks/contacts.yaml"
    require_contacts: bool = False
    makefile: str = "Makefile"
    introspect: tuple[str, ...] = ()
    shellcheck: bool = False
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = field(default=(), metadata=RULE_IDS)
    ignore: tuple[str, ...] = field(default=(), metadata=RULE_IDS)
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict, metadata=RULE_IDS)
    severity: Mapping[str, Severity] = field(default_factory=dict, metadata=RULE_IDS)
    review_days: int = 180
    max_file_bytes: int = 5_000_000
    governance: tuple[str, ...] = DEFAULT_GOVERNANCE
    cache_dir: str = ".cache/runbook-lint"
    markdown_style: MarkdownStyle = field(default_factory=MarkdownStyle)  # the MD rules
    # The contacts file a deployment supplies (RUNBOOK_LINT_CONTACTS or --contacts), an
    # absolute path anywhere; it replaces `contacts`. Not a configuration key.
    contacts_override: str | None = None
    # Adopting the tool in a library of another shape (`adoption_value` checks these; "" means
    # found from the library's files, see settings.py).
    profile: str = ""
    runbook_files: tuple[str, ...] = ()  # globs of the runbooks, relative to the root
    not_runbooks: tuple[str, ...] = ()  # globs of checked files that are not runbooks
    sections: tuple[str, ...] = ()  # required sections when there is no template file
    slugs: str = ""
    slug_separator: str = ""
    site_root: str = ""
    explicit: frozenset[str] = frozenset()  # the keys the configuration file sets

    def path(self, value: str) -> Path:
        return (self.root / value).resolve()

    def contacts_path(self) -> Path:
        """The escalation contacts file in use: the deployment's, else the repository's."""
        if self.contacts_override:
            return Path(self.contacts_override)
        return self.path(self.contacts)

    def switched_on(self, table: str) -> bool:
        """Whether the family a `Rule.switch` names is enabled (`markdown-style`)."""
        return {MARKDOWN_STYLE: self.markdown_style.enabled}.get(table, True)


_NOT_KEYS = ("root", "source", "contacts_override", "explicit")
_FIELDS = {f.name: f for f in fields(Config) if f.name not in _NOT_KEYS}


def _key(name: str) -> str:
    return name.replace("_", "-")


def _expect(where: str, key: str, value: Any, kind: str) -> None:
    raise UsageError(f"{where}: '{key}' must be {kind}, got {type(value).__name__} {value!r}")


def _rule_list(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _expect(where, key, value, "a list of rule ids or prefixes")
    return tuple(value)  # each is checked against the catalogue when rules run (`rule_ids`)


def _convert(where: str, name: str, value: Any) -> Any:
    key = _key(name)
    default = _FIELDS[name].default
    if name in ADOPTION_KEYS:
        return adoption_value(where, name, value)
    if name in ("select", "ignore"):
        return _rule_list(where, key, value)
    if name == "markdown_style":
        return parse_table(where, value)
    if name == "per_path_ignores":
        if not isinstance(value, dict):
            _expect(where, key, value, "a table of glob = [rule ids]")
        return {str(k): _rule_list(where, f"{key}.{k}", v) for k, v in value.items()}
    if name == "severity":
        if not isinstance(value, dict):
            _expect(where, key, value, "a table of rule id = severity")
        out: dict[str, Severity] = {}
        for rule, sev in value.items():
            if sev not in SEVERITIES:
                raise UsageError(
                    f"{where}: '{key}.{rule}' must map a rule id to one of "
                    f"{', '.join(SEVERITIES)}, got {sev!r}"
                )
            out[rule] = sev
        return out
    if name in ("introspect", "exclude", "governance"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            _expect(where, key, value, "a list of strings")
        if name == "governance":
            for pattern in value:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise UsageError(f"{where}: '{key}' pattern {pattern!r}: {exc}") from exc
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            _expect(where, key, value, "true or false")
        return value
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            _expect(where, key, value, "a positive integer")
        return value
    if not isinstance(value, str) or not value.strip():
        _expect(where, key, value, "a non-empty string")
    # Every other key is a path: outside the project it would make a run walk anything ("/"),
    # and a control character (NUL) is no file name.
    parts = PurePosixPath(value.replace("\\", "/"))
    outside = parts.is_absolute() or ".." in parts.parts or re.match(r"^[A-Za-z]:", value)
    if outside or any(ord(char) < 32 for char in value):
        raise UsageError(
            f"{where}: '{key}' must be a relative path inside the project, got {value!r}"
        )
    return value


def rule_ids(config: Config) -> Iterator[tuple[str, str]]:
    """(key, rule id or prefix) for every rule the configuration names."""
    for item in fields(config):
        if not item.metadata.get("rule_ids"):
            continue
        key, value = _key(item.name), getattr(config, item.name)
        if isinstance(value, Mapping):
            for name, sub in value.items():
                if isinstance(sub, tuple):  # a table of rule lists (per-path-ignores)
                    yield from ((f"{key}.{name}", rule) for rule in sub)
                else:  # a table keyed by rule (severity)
                    yield f"{key}.{name}", name
        else:
            yield from ((key, rule) for rule in value)


def from_mapping(data: Mapping[str, Any], root: Path, where: str) -> Config:
    values: dict[str, Any] = {}
    for raw_key, value in data.items():
        name = raw_key.replace("-", "_")
        if name not in _FIELDS:
            known = ", ".join(sorted(_key(n) for n in _FIELDS))
            raise UsageError(f"{where}: unknown key '{raw_key}' (known keys: {known})")
        values[name] = _convert(where, name, value)
    config = replace(Config(root=root, source=where, explicit=frozenset(values)), **values)
    for name, value in values.items():  # a file where a folder belongs, or the other way round
        wrong = "folder" if name in _FILE_KEYS else "file" if name in _FOLDER_KEYS else None
        if wrong and (
            config.path(value).is_dir() if wrong == "folder" else config.path(value).is_file()
        ):
            right = "file" if wrong == "folder" else "folder"
            raise UsageError(
                f"{where}: '{_key(name)}' must name a {right}, but {value!r} is a {wrong}"
            )
    return config


# -- the keys for adopting the tool in another library's shape --------------------------------

ADOPTION_KEYS = frozenset(
    {"profile", "runbook_files", "not_runbooks", "sections", "slugs", "slug_separator"}
)
PROFILE_NAMES = tuple(PROFILES)


def adoption_value(where: str, name: str, value: Any) -> Any:
    """Type-check one of ADOPTION_KEYS; whether it can take effect is settings.py's question."""
    key = _key(name)
    if name in ("runbook_files", "not_runbooks", "sections"):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            _expect(where, key, value, "a list of non-empty strings")
        if name != "sections":
            for pattern in value:
                if PurePosixPath(pattern).is_absolute() or ".." in PurePosixPath(pattern).parts:
                    raise UsageError(
                        f"{where}: '{key}' has {pattern!r}; globs are relative to the project"
                    )
        return tuple(value)
    choices = {"profile": PROFILE_NAMES, "slugs": FLAVOURS}.get(name)
    if choices is not None:
        if value not in choices:
            raise UsageError(f"{where}: '{key}' must be one of {', '.join(choices)}; got {value!r}")
        return value
    if not isinstance(value, str) or len(value) != 1 or value.isalnum() or value.isspace():
        _expect(where, key, value, "one punctuation character such as '-' or '_'")
    return value


_FILE_KEYS = frozenset(
    {
        "index",
        "template",
        "drill_template",
        "programs",
        "artifacts",
        "requirements",
        "contacts",
        "makefile",
    }
)
_FOLDER_KEYS = frozenset(
    {"runbooks", "drills", "samples", "schemas", "contracts", "cache_dir", "site_root"}
)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: not UTF-8 (byte offset {exc.start})") from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from exc


def with_contacts(config: Config, value: str | None, where: str) -> Config:
    """`config` using the contacts file `value` (a path outside the project is fine); `where`
    names the option or variable that gave it. A file that does not exist is a usage error."""
    if not value:
        return config
    path = Path(value).expanduser()
    if any(ord(char) < 32 for char in value) or not path.is_file():
        raise UsageError(f"{where}: contacts file {value!r} not found (or not a file)")
    return replace(config, contacts_override=str(path.resolve()))


def load(explicit: str | None = None, start: Path | None = None) -> Config:
    """Find and load the configuration (explicit file, else the nearest one upward), with the
    deployment's contacts file from RUNBOOK_LINT_CONTACTS when it is set."""
    config = _load(explicit, start)
    return with_contacts(config, os.environ.get(CONTACTS_ENV), CONTACTS_ENV)


def _load(explicit: str | None = None, start: Path | None = None) -> Config:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError(f"{explicit}: configuration file not found")
        data = _read_toml(path)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("runbook-lint", {})
        return from_mapping(data, path.resolve().parent, str(path))
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / CONFIG_FILE
        if own.is_file():
            return from_mapping(_read_toml(own), folder, str(own))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            section = data.get("tool", {}).get("runbook-lint")
            if section is not None:
                if not isinstance(section, dict):
                    raise UsageError(f"{pyproject}: [tool.runbook-lint] must be a table")
                return from_mapping(section, folder, f"{pyproject} [tool.runbook-lint]")
            return Config(root=folder)
        if (folder / ".git").exists():
            return Config(root=folder)
    return Config(root=here)
