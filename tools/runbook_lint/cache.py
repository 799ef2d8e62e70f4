"""The content cache: findings of unchanged files are not computed again.

One JSON file under `cache-dir` (default `.cache/runbook-lint/`, which ignores itself in git)
holds, for one *fingerprint* (`fingerprint.py`: everything a rule may read besides the files it
is given), the per-document results of the last runs. A change to it starts a new cache.

A document's entry is keyed on its path and the sha256 of its bytes, and records the
digest of every other file the rules read through the library while checking it (a link's
target, the index). The library-wide rules' findings are keyed the same way on the run's scope
and load problems. An entry whose key or dependencies do not match is recomputed; a cache file
that cannot be read, is not valid JSON, has another format or another fingerprint, or has an
entry of the wrong shape is ignored, never trusted. Writes go to a temporary file that replaces
the old one, so a reader never sees half a cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .findings import SEVERITIES, Edit, Finding, Fix
from .fingerprint import feed, fingerprint
from .library import Library
from .suppressions import Suppression

FORMAT = 3
FILE_NAME = "findings.json"
MAX_SCOPES = 16  # library-rule results kept for this many different scopes
MAX_LIBRARY_ENTRIES = MAX_SCOPES * 32  # one entry per scope and library rule


@dataclass(frozen=True)
class DocResult:
    """What checking one document produced, before suppressions and selection apply."""

    path: str
    findings: tuple[Finding, ...]  # directive problems (RB010) first, then the rules' findings
    suppressions: tuple[Suppression, ...]
    deps: tuple[tuple[str, str], ...] = ()  # other files read: (absolute path, sha256)


def entry_key(path: str, digest: str) -> str:
    """A document's key: its path (its kind follows from the path and the configuration, both
    in the fingerprint) and the digest of its bytes."""
    return hashlib.sha256(f"{path}\0{digest}".encode()).hexdigest()


def scope_key(library: Library) -> str:
    h = hashlib.sha256()
    feed(h, "scope", *sorted(str(p) for p in library.scope))
    for other in library.other_files:  # checked non-Markdown files (samples, schemas): content
        feed(h, "other", other, library.digest(str(library.absolute(other))))
    feed(h, "checked", *library.checked)
    for p in library.problems:
        feed(h, "problem", p.path, p.kind, p.line, p.column, p.message)
    return h.hexdigest()


# -- encoding ---------------------------------------------------------------------------------


def _fix_out(fix: Fix | None) -> Any:
    if fix is None:
        return None
    edits = [[e.line, e.column, e.end_line, e.end_column, e.replacement] for e in fix.edits]
    return [fix.description, edits, fix.path]


def _fix_in(data: Any) -> Fix | None:
    if data is None:
        return None
    description, edits, path = data
    return Fix(
        _str(description),
        tuple(Edit(_int(a), _int(b), _int(c), _int(d), _str(r)) for a, b, c, d, r in _list(edits)),
        None if path is None else _str(path),
    )


def _finding_out(f: Finding) -> Any:
    return [f.path, f.line, f.column, f.rule, f.severity, f.message, _fix_out(f.fix)]


def _finding_in(data: Any) -> Finding:
    path, line, column, rule, severity, message, fix = data
    if severity not in SEVERITIES:
        raise ValueError("bad severity")
    return Finding(
        _str(path), _int(line), _int(column), _str(rule), severity, _str(message), _fix_in(fix)
    )


def _supp_out(s: Suppression) -> Any:
    return [s.path, s.line, s.column, list(s.rules), s.first, s.last, s.whole_file, s.reason]


def _supp_in(data: Any) -> Suppression:
    path, line, column, rules, first, last, whole, reason = data
    return Suppression(
        _str(path),
        _int(line),
        _int(column),
        tuple(_str(r) for r in _list(rules)),
        _int(first),
        _int(last),
        _bool(whole),
        _str(reason),
    )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected a boolean")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def encode(result: DocResult, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "deps": [list(d) for d in result.deps],
        "findings": [_finding_out(f) for f in result.findings],
        "suppressions": [_supp_out(s) for s in result.suppressions],
    }


def decode(path: str, data: Any) -> tuple[str, DocResult]:
    """(key, result) of a stored entry; raises on any entry of the wrong shape."""
    if not isinstance(data, dict):
        raise TypeError("entry is not an object")
    deps = tuple((_str(a), _str(b)) for a, b in _list(data["deps"]))
    findings = tuple(_finding_in(f) for f in _list(data["findings"]))
    suppressions = tuple(_supp_in(s) for s in _list(data["suppressions"]))
    return _str(data["key"]), DocResult(path, findings, suppressions, deps)


# -- the store --------------------------------------------------------------------------------


class Cache:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.file = folder / FILE_NAME
        self.fingerprint = fingerprint
        self.documents: dict[str, Any] = {}
        self.library: dict[str, Any] = {}
        self.facts: dict[str, Any] = {}  # facts of files not checked (see Library.learned)
        self.verified: set[str] = set()  # see Context.verified
        self._verified_at_load = 0
        self.changed = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        if data.get("format") != FORMAT or data.get("fingerprint") != self.fingerprint:
            return
        documents, library = data.get("documents"), data.get("library")
        if isinstance(documents, dict):
            self.documents = documents
        if isinstance(library, dict):
            self.library = library
        facts = data.get("facts")
        if isinstance(facts, dict):
            self.facts = facts
        verified = data.get("verified")
        if isinstance(verified, list):
            self.verified = {item for item in verified if isinstance(item, str)}
        self._verified_at_load = len(self.verified)

    def _valid(self, library: Library, stored: Any, path: str, key: str) -> DocResult | None:
        try:
            stored_key, result = decode(path, stored)
        except (TypeError, ValueError, KeyError):
            return None  # a corrupt or foreign entry: recompute
        if stored_key != key:
            return None
        for dep, digest in result.deps:
            if library.digest(dep) != digest:
                return None
        return result

    def document(self, library: Library, path: str, key: str) -> DocResult | None:
        return self._valid(library, self.documents.get(path), path, key)

    def put_document(self, result: DocResult, key: str) -> None:
        self.documents[result.path] = encode(result, key)
        self.changed = True

    def library_findings(self, library: Library, key: str) -> tuple[Finding, ...] | None:
        result = self._valid(library, self.library.get(key), "", key)
        return None if result is None else result.findings

    def put_library(self, key: str, findings: Sequence[Finding], deps: dict[str, str]) -> None:
        self.library.pop(key, None)
        while len(self.library) >= MAX_LIBRARY_ENTRIES:
            self.library.pop(next(iter(self.library)))
        result = DocResult("", tuple(findings), (), tuple(sorted(deps.items())))
        self.library[key] = encode(result, key)
        self.changed = True

    def put_facts(self, learned: dict[str, list[Any]]) -> None:
        """Keep the facts a run computed for files it did not check (one entry per file)."""
        for key, (digest, values) in learned.items():
            entry = self.facts.get(key)
            same = (
                isinstance(entry, list)
                and len(entry) == 2
                and entry[0] == digest
                and isinstance(entry[1], dict)
                and all(entry[1].get(n) == v for n, v in values.items())
            )
            if not same:
                self.facts[key] = [digest, dict(values)]
                self.changed = True

    def save(self) -> None:
        """Write the cache atomically; a folder that cannot be written is not an error."""
        if not self.changed and len(self.verified) == self._verified_at_load:
            return
        data = {
            "format": FORMAT,
            "fingerprint": self.fingerprint,
            "documents": self.documents,
            "library": self.library,
            "facts": self.facts,
            "verified": sorted(self.verified),
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by runbook-lint\n*\n", encoding="utf-8")
            import tempfile  # with shutil and the compression modules: only when writing

            fd, tmp = tempfile.mkstemp(prefix=".findings-", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    # dumps, not dump: only the one-shot call uses the C encoder
                    handle.write(json.dumps(data, separators=(",", ":")))
                os.replace(tmp, self.file)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass


def open_cache(config: Config, rule_ids: Iterable[str], today: dt.date) -> Cache:
    folder = config.path(config.cache_dir)
    return Cache(folder, fingerprint(config, rule_ids, today, folder))
