"""The fingerprint of a run: everything besides the checked files that a result may depend on.

The tool's own code, the Python version, the versions of the libraries that parse and validate
(markdown-it-py and its plugins, PyYAML, jsonschema and referencing, tree-sitter and its bash
grammar, pymarkdownlnt), the configuration, the enabled rules, today's date, the templates, the
contracts, the schemas, the catalog, the requirements, the Makefile and the samples (by
content), pymarkdownlnt's own configuration files, the commit checked out (file histories), and
the list of files under the root (by name: links and references check that files exist). The
content cache starts again whenever it changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from .config import Config
from .library.discovery import SKIP_DIRS, TEMPLATE_NAMES
from .markdown_style import OWN_CONFIG_FILES

LISTING_SKIP = SKIP_DIRS | {".hypothesis", ".nox", ".idea", ".vscode"}
# The libraries whose behaviour shapes a finding (a parser release can move a position), by
# distribution name, with the package each installs.
DEPENDENCIES = {
    "markdown-it-py": "markdown_it",
    "mdit-py-plugins": "mdit_py_plugins",
    "PyYAML": "yaml",
    "jsonschema": "jsonschema",
    "referencing": "referencing",
    "tree-sitter": "tree_sitter",
    "tree-sitter-bash": "tree_sitter_bash",
    "pymarkdownlnt": "pymarkdown",
}


def feed(h: Any, *parts: object) -> None:
    """Add `parts` to the hash `h`, each ended by a NUL (so no two sequences collide)."""
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogateescape"))
        h.update(b"\0")


def _tool_stamp(h: Any) -> None:
    """The tool's own code: a changed rule must not reuse old findings."""
    from . import __version__

    package = Path(__file__).resolve().parent
    feed(h, "tool", __version__, sys.version, sys.platform, *dependency_versions())
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                feed(h, os.path.relpath(os.path.join(folder, name), package))
                feed(h, st.st_size, st.st_mtime_ns)


def dependency_versions() -> list[str]:
    """`name version` of each of the DEPENDENCIES. The version is read from the name of the
    distribution's metadata folder beside its package (`name-version.dist-info`), so neither
    the package nor importlib.metadata (some 30 ms at start-up) is imported; importlib.metadata
    answers when there is no such folder."""
    import importlib.util

    folders: dict[str, list[str]] = {}
    out = []
    for name, package in DEPENDENCIES.items():
        spec = importlib.util.find_spec(package)
        found: list[str] = []
        if spec is not None and spec.origin:
            site = os.path.dirname(spec.origin)
            if spec.submodule_search_locations is not None:  # a package: origin is __init__.py
                site = os.path.dirname(site)
            if site not in folders:
                try:
                    folders[site] = sorted(os.listdir(site))
                except OSError:
                    folders[site] = []
            for entry in folders[site]:
                stem, dot, suffix = entry.rpartition(".")
                dist, _, release = stem.partition("-")
                if dot and suffix == "dist-info" and _normal(dist) == _normal(name):
                    found.append(release)
        if not found:
            from importlib.metadata import PackageNotFoundError, version

            try:
                found.append(version(name))
            except PackageNotFoundError:
                found.append("not installed")
        out.append(f"{name} {' '.join(found)}")
    return out


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _config_text(config: Config) -> str:
    values = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if isinstance(value, dict) or hasattr(value, "items"):
            value = sorted(dict(value).items())
        elif isinstance(value, (set, frozenset)):  # an order that does not change per process
            value = sorted(value)
        values[f.name] = repr(value)
    return json.dumps(values, sort_keys=True)


def tree_listing(root: Path, skip: Path | None) -> list[str]:
    """Every file and folder under root (relative, sorted), skipping tool folders."""
    out: list[str] = []
    base = os.path.join(str(root), "")
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            rel = entry.path[len(base) :] if entry.path.startswith(base) else entry.path
            rel = rel.replace(os.sep, "/")
            if is_dir:
                if entry.name in LISTING_SKIP or (skip is not None and Path(entry.path) == skip):
                    continue
                out.append(rel + "/")
                stack.append(Path(entry.path))
            else:
                out.append(rel)
    out.sort()
    return out


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _git_head(root: Path) -> str:
    """The commit checked out, when the root is in a git work tree: rules read file histories
    (RB7xx compares `Last Updated` with the last commit), and a commit changes them."""
    if not any((folder / ".git").exists() for folder in (root, *root.parents)):
        return ""
    from .git import git_output

    head = git_output(root, "rev-parse", "HEAD", "--is-shallow-repository", timeout=10)
    return "unavailable" if head is None else head.strip()


def program_makefiles(config: Config) -> list[str]:
    """The Makefiles the program map names (`makefile:` entries), whose targets RB42x checks
    `make` invocations against: a target added or removed changes findings."""
    path = config.path(config.programs)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if "makefile" not in text:
        return []  # the common case needs no YAML parser
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []  # the registry reports it, as a usage error
    programs = data.get("programs") if isinstance(data, dict) else None
    if not isinstance(programs, list):
        return []
    return [
        item["makefile"]
        for item in programs
        if isinstance(item, dict) and isinstance(item.get("makefile"), str)
    ]


def inputs(config: Config, listing: Iterable[str]) -> list[str]:
    """The files of `listing` (see `tree_listing`) hashed by content: the templates, the contracts
    and the program map, the schemas and the catalog, the requirements, the Makefile, the
    samples, pymarkdownlnt's own configuration files in the working directory (it reads them
    whatever runbook-lint passes it), and with `introspect` set every `.py` file."""
    root = config.root.resolve()
    here = Path.cwd().resolve()
    own = (
        {os.path.relpath(here / name, root).replace(os.sep, "/") for name in OWN_CONFIG_FILES}
        if here == root or root in here.parents
        else set()
    )
    roots = [
        config.template,
        config.drill_template,
        config.contracts,
        config.schemas,
        config.programs,
        config.artifacts,
        config.requirements,
        config.makefile,
        config.samples,
    ]
    roots.extend(program_makefiles(config))
    prefixes = tuple(
        os.path.relpath(config.path(p), root).replace(os.sep, "/").rstrip("/") for p in roots
    )
    found = []
    for rel in listing:
        if rel.endswith("/"):
            continue
        name = rel.rsplit("/", 1)[-1]
        wanted = (
            name in TEMPLATE_NAMES
            or rel in own
            or any(rel == p or rel.startswith(p + "/") for p in prefixes)
            or (config.introspect and rel.endswith(".py"))
        )
        if wanted:
            found.append(rel)
    return found


def fingerprint(config: Config, rule_ids: Iterable[str], today: dt.date, folder: Path) -> str:
    """Everything besides the checked files that a rule may read, as one digest."""
    h = hashlib.sha256()
    _tool_stamp(h)
    feed(h, "config", _config_text(config), "rules", ",".join(sorted(rule_ids)))
    feed(h, "today", today.isoformat())
    root = config.root.resolve()
    listing = tree_listing(root, folder)
    feed(h, "tree", len(listing), *listing)
    for rel in inputs(config, listing):
        feed(h, "input", rel, _file_digest(root / rel))
    feed(h, "git", _git_head(root))
    if config.shellcheck:
        import shutil

        tool = shutil.which("shellcheck")
        stamp = (os.stat(tool).st_size, os.stat(tool).st_mtime_ns) if tool else ()
        feed(h, "shellcheck", tool, *stamp)
    return h.hexdigest()
