"""Every file a rule reads is known to the content cache.

A cached result is reused while its inputs are unchanged, so each file a rule reads must be one
the cache watches: read through the library (`Library.load`, `read`, `document`, `fact`,
`index_links`), which records it as a dependency of the result, or hashed into the fingerprint
(`fingerprint.inputs`: templates, contracts, program map, schemas, catalog, requirements,
Makefile, samples), or a checked file the library-wide rules are keyed on. Each rule runs alone,
with a fresh context, on the real library, the test fixtures and every catalogue example, while
an audit hook records every file opened. A read of a file under the project root that is none
of these fails the test: after that file changed, the cache would serve a stale result.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import runbook_lint
from runbook_lint import engine
from runbook_lint.config import load
from runbook_lint.context import Context
from runbook_lint.findings import Hit
from runbook_lint.fingerprint import inputs, tree_listing
from runbook_lint.library import Library
from runbook_lint.rule import Rule
from runbook_lint.rules import all_rules

from .conftest import write_files
from .test_artifacts import library as artifacts_library

REPO = Path(__file__).resolve().parents[1]
TOOL = Path(runbook_lint.__file__).resolve().parent  # the tool's own files: the tool stamp
# The Python environment (a virtualenv may sit in the project): its packages' versions and the
# interpreter are in the fingerprint.
ENVIRONMENT = tuple(
    os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}
)
RULES = [r for r in all_rules() if not r.engine]
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Record the files opened for reading (the `open` event of open(), io.open, os.open)."""
    if event != "open" or _opened is None:
        return
    path, mode, flags = args
    if path is None or isinstance(path, int):
        return
    if (mode and any(c in mode for c in "wax+")) or (mode is None and flags & _WRITE_FLAGS):
        return
    _opened.append(os.path.abspath(os.fsdecode(path)))


sys.addaudithook(_audit)  # an audit hook cannot be removed; it records only inside `recording`


@contextmanager
def recording() -> Iterator[list[str]]:
    global _opened
    found: list[str] = []
    _opened = found
    try:
        yield found
    finally:
        _opened = None


def _groups(rules: Sequence[Rule]) -> list[tuple[Rule, list[Rule]]]:
    """Each rule alone, except a switched family (the MD rules): its rules share one scan of
    each document, so they run together, as they do in a real run."""
    families: dict[str, list[Rule]] = {}
    out: list[tuple[Rule, list[Rule]]] = []
    for rule in rules:
        if rule.switch:
            families.setdefault(rule.switch, []).append(rule)
        else:
            out.append((rule, [rule]))
    return out + [(members[0], members) for members in families.values()]


def untracked_reads(root: Path, targets: Sequence[str], rules: Sequence[Rule]) -> list[str]:
    """Files under `root` that a rule read, though neither the library recorded the read nor
    the fingerprint covers the file, as `rule: file (while checking what)`."""
    os.chdir(root)
    config = load()
    project = config.root.resolve()
    listing = tree_listing(project, config.path(config.cache_dir))
    fingerprinted = {str(project / rel) for rel in inputs(config, listing)}
    library = Library(config)
    paths = library.collect(list(targets) or library.default_targets())
    checked = []
    for path in paths:
        loaded = library.read(path)
        library.problems.extend(loaded.problems)
        if loaded.parsable:
            library.checked.append(library.display(path))
            checked.append(path)
    keyed = {str(library.absolute(other)) for other in library.other_files}  # scope key

    def unknown(opened: list[str], known: set[str]) -> list[str]:
        out = []
        for name in dict.fromkeys(opened):
            real = os.path.realpath(name)
            if not real.startswith(str(project) + os.sep) or real.startswith(
                (str(TOOL) + os.sep, *ENVIRONMENT)
            ):
                continue  # outside the project, or the tool's code or its environment
            if real not in known and name not in known and real not in fingerprinted:
                out.append(os.path.relpath(real, project))
        return out

    problems = []
    for rule, group in _groups(rules):
        ctx = Context(config, library)  # nothing memoised from another rule's run
        if rule.check is not None:
            for path in checked:
                with recording() as opened:
                    result = engine.check_path(library, ctx, group, path)
                known = {dep for dep, _ in result.deps} | {str(library.absolute(result.path))}
                for name in unknown(opened, known):
                    problems.append(f"{rule.id}: {name} (checking {result.path})")
        if rule.check_library is not None:
            library.track()
            with recording() as opened:
                engine.check_library(library, ctx, [rule])
            known = set(library.tracked()) | keyed
            problems.extend(f"{rule.id}: {name} (library rule)" for name in unknown(opened, known))
    return problems


@pytest.fixture(autouse=True)
def _back_to_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path.cwd())  # untracked_reads changes the working directory


def test_every_rule_on_the_library_reads_only_what_the_cache_watches() -> None:
    assert untracked_reads(REPO, ["runbooks", "schemas", "docs"], RULES) == []


def test_every_rule_on_the_command_fixtures(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "commands", tmp_path, dirs_exist_ok=True)
    seeds = (tmp_path / "seed-commands.md").read_text(encoding="utf-8")
    write_files(tmp_path, {"runbooks/seed-commands.md": seeds})
    assert untracked_reads(tmp_path, [], RULES) == []


def test_every_rule_on_the_artifact_fixtures(tmp_path: Path) -> None:
    write_files(tmp_path, artifacts_library())
    shutil.copytree(REPO / "runbooks" / "samples", tmp_path / "runbooks" / "samples")
    shutil.copytree(REPO / "runbooks" / "drills", tmp_path / "runbooks" / "drills")
    assert untracked_reads(tmp_path, ["runbooks", "schemas"], RULES) == []


@pytest.mark.parametrize("which", ["bad", "good"])
def test_every_rule_on_every_catalogue_example(tmp_path: Path, which: str) -> None:
    problems = []
    for rule in RULES:
        if not rule.runnable_examples:
            continue
        files = dict(getattr(rule, f"{which}_files")) or {rule.example_path: getattr(rule, which)}
        root = tmp_path / f"{rule.id}-{which}"
        write_files(root, files)
        problems += untracked_reads(root, ["runbooks"], RULES)
    assert problems == []


def test_a_read_around_the_library_is_caught_and_one_through_it_is_not(tmp_path: Path) -> None:
    notes = "# Notes\n\nOn call: ops.\n"
    write_files(tmp_path, {"runbooks/a.md": "# A\n", "notes/oncall.md": notes})

    def around(doc: Any, ctx: Context) -> Iterator[Hit]:
        if "On call" not in (ctx.config.root / "notes" / "oncall.md").read_text():
            yield Hit(1, 1, "no on-call note")

    def through(doc: Any, ctx: Context) -> Iterator[Hit]:
        note = ctx.library.document(ctx.config.root / "notes" / "oncall.md")
        if note is None or "On call" not in note.text:
            yield Hit(1, 1, "no on-call note")

    def library_around(library: Library, ctx: Context) -> Iterator[Hit]:
        if not (ctx.config.root / "notes" / "oncall.md").read_bytes():
            yield Hit(1, 1, "empty note", path="runbooks/a.md")

    base = next(r for r in RULES if r.check is not None)
    bad = replace(base, check=around, kinds=frozenset({"runbook"}))
    good = replace(base, check=through, kinds=frozenset({"runbook"}))
    library_bad = replace(base, check=None, check_library=library_around)
    assert untracked_reads(tmp_path, ["runbooks"], [bad]) == [
        f"{base.id}: notes/oncall.md (checking runbooks/a.md)"
    ]
    assert untracked_reads(tmp_path, ["runbooks"], [good]) == []
    assert untracked_reads(tmp_path, ["runbooks"], [library_bad]) == [
        f"{base.id}: notes/oncall.md (library rule)"
    ]
