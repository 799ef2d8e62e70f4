"""The library: which files are checked, what kind each is, and lazy access to the rest.

Files are found by convention (every `.md` under `runbooks/`, drills in `runbooks/drills/`, the
index and the template) or configuration. Reading a file never raises: problems become
`LoadProblem`s that the RB0xx rules report. Documents outside the checked set (the index, the
target of a link) are read and parsed lazily, once. Parsed documents are kept without their
token stream: the most recent as objects, the others pickled and compressed (about 5 KB for a
160-line runbook, a tenth of the cost of parsing again), so memory stays flat. While
tracking is on, every file read through the library is recorded with its content digest, so the
content cache can tell what a rule's result depended on.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import pickle
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

from .config import Config
from .document import Document, Link, normalise
from .template import TemplateSpec, default_spec, spec_from_document

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "site",
        ".cache",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "build",
        "dist",
    }
)
NOT_RUNBOOKS = frozenset(
    {
        "readme.md",
        "changelog.md",
        "contributing.md",
        "license.md",
        "code_of_conduct.md",
        "security.md",
        "index.md",
    }
)
TEMPLATE_NAMES = ("TEMPLATE.md", "template.md", "_template.md", "runbook-template.md")
MARKDOWN_SUFFIXES = (".md", ".markdown")
DATA_SUFFIXES = (".json", ".jsonl", ".yaml", ".yml")
RETAIN = 64  # parsed documents kept as objects; older ones are kept packed (a few KB each)


# Small per-document values a library-wide rule needs from every runbook (the signals each
# one claims). A worker that parses a document computes them there and sends them with it, so
# the rule does not unpack two thousand documents in the main process.
FACTS: dict[str, Callable[[Document], Any]] = {}


def fact(name: str) -> Callable[[Callable[[Document], Any]], Callable[[Document], Any]]:
    """Register `function(document)` as the fact `name` (see `Library.fact`)."""

    def register(function: Callable[[Document], Any]) -> Callable[[Document], Any]:
        FACTS[name] = function
        return function

    return register


Exported = tuple[Path, "Loaded", bytes | None, dict[str, Any]]


@dataclass(frozen=True)
class LoadProblem:
    path: str
    kind: str  # not-utf8 | unreadable | too-large | binary | symlink-loop
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Loaded:
    document: Document | None
    problems: tuple[LoadProblem, ...]
    data: bytes | None = None
    digest: str = ""  # sha256 of the bytes read ("" when the file could not be read)
    parsable: bool = False  # a Markdown file that was (or would be) parsed into a Document


def digest_of(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def _slim(doc: Document) -> Document:
    """The same document without its token stream: every property is computed from the
    extracted model, which is built here once."""
    extracted = doc._extracted
    slim = Document(doc.path, doc.text, doc.kind)
    vars(slim)["_extracted"] = extracted
    return slim


def _pack(doc: Document) -> bytes:
    """A slim document as compressed bytes (this process's own data: never read from disk)."""
    return zlib.compress(pickle.dumps((doc.path, doc.text, doc.kind, doc._extracted), 5), 1)


def _unpack(data: bytes) -> Document:
    path, text, kind, extracted = pickle.loads(zlib.decompress(data))
    doc = Document(path, text, kind)
    vars(doc)["_extracted"] = extracted
    return doc


def display_path(path: Path, cwd: Path) -> str:
    # The common case, a normalised path under cwd, without os.path.relpath (called several
    # times per file: thousands of times in a large library).
    text, base = os.fspath(path), os.path.join(os.fspath(cwd), "")
    if text.startswith(base) and os.path.isabs(text):
        rest = text[len(base) :]
        if rest and "/." not in "/" + rest and "//" not in rest and not rest.endswith(os.sep):
            return rest.replace(os.sep, "/")
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive
        rel = str(path)
    return rel.replace(os.sep, "/")


def decode(data: bytes, path: str) -> tuple[str, list[LoadProblem]]:
    problems: list[LoadProblem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        problems.append(
            LoadProblem(
                path,
                "not-utf8",
                line,
                column,
                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "save it as UTF-8",
            )
        )
        return data.decode("utf-8", "replace"), problems


def _under(path: Path, folder: Path) -> bool:
    """`folder in path.parents` for absolute resolved paths, without building the parents."""
    prefix = str(folder)
    if not prefix.endswith(os.sep):
        prefix += os.sep
    return str(path).startswith(prefix)


def is_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\0" not in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 10 or head.count(b"\0") > 16


class Library:
    def __init__(self, config: Config, cwd: Path | None = None) -> None:
        self.config = config
        self.cwd = (cwd or Path.cwd()).resolve()
        self.root = config.root.resolve()
        self.runbooks_dir = config.path(config.runbooks)
        self.index_path = config.path(config.index)
        self.template_path = config.path(config.template)
        self.drills_dir = config.path(config.drills)
        self.drill_template_path = config.path(config.drill_template)
        self.samples_dir = config.path(config.samples)
        self._runbook_files: list[Path] | None = None
        self.paths: dict[str, Path] = {}  # display path -> absolute path, for every read file
        self.problems: list[LoadProblem] = []
        self.scope: list[Path] = []  # checked files and folders
        self.other_files: list[str] = []  # checked non-Markdown files (display paths)
        self.checked: list[str] = []  # display paths of the checked Markdown files, in order
        self._loaded: OrderedDict[Path, Loaded] = OrderedDict()
        self._packed: dict[Path, tuple[Loaded, bytes]] = {}
        self._digests: dict[str, str] = {}
        self._reads: dict[str, str] | None = None
        self._templates: dict[Path, TemplateSpec | None] = {}
        self._template_of: dict[tuple[str, str], TemplateSpec | None] = {}
        self._in_scope: dict[tuple[str, int], bool] = {}
        self._facts: dict[tuple[Path, str], Any] = {}
        self._real: dict[Path, Path] = {}  # walked files whose path is already resolved
        # The exclude patterns as one expression (fnmatch's own translation, case as fnmatch
        # treats it on this system).
        self._exclude = (
            re.compile(
                "|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in config.exclude)
            )
            if config.exclude
            else None
        )

    # -- paths -------------------------------------------------------------------------------

    def display(self, path: Path) -> str:
        return display_path(path, self.cwd)

    def absolute(self, display: str) -> Path:
        return self.paths.get(display) or (self.cwd / display).resolve()

    def in_scope(self, display: str) -> bool:
        key = (display, len(self.scope))  # asked once per finding: thousands of times
        if key not in self._in_scope:
            self._in_scope[key] = self._within_scope(self.absolute(display))
        return self._in_scope[key]

    def path_in_scope(self, path: Path) -> bool:
        """`in_scope` for a path found by `walk` (resolved only if it may be a link)."""
        return self._within_scope(self._real.get(path) or path.resolve())

    def _within_scope(self, resolved: Path) -> bool:
        return any(resolved == item or _under(resolved, item) for item in self.scope)

    def excluded(self, path: Path) -> bool:
        if self._exclude is None:
            return False
        rel = os.path.normcase(display_path(path, self.root))
        return bool(self._exclude.match(rel) or self._exclude.match(os.path.normcase(path.name)))

    def is_library_layout(self) -> bool:
        return self.runbooks_dir.is_dir()

    def kind_of(self, path: Path) -> str:
        path = self._real.get(path) or path.resolve()
        if path == self.index_path:
            return "index"
        if path == self.template_path:
            return "template"
        if path == self.drill_template_path:
            return "drill-template"
        if _under(path, self.samples_dir):
            return "other"
        if _under(path, self.drills_dir):
            return "drill"
        if _under(path, self.runbooks_dir):
            return "other" if path.name.lower() in NOT_RUNBOOKS else "runbook"
        if self.is_library_layout() and (self.root == path.parent or self.root in path.parents):
            return "other"
        if path.name in TEMPLATE_NAMES:
            return "template"
        return "other" if path.name.lower() in NOT_RUNBOOKS else "runbook"

    # -- discovery ---------------------------------------------------------------------------

    def walk(self, folder: Path) -> Iterator[Path]:
        """Every file under `folder`, skipping tool folders; symlink loops become problems."""
        seen: set[Path] = set()
        stack = [folder]
        while stack:
            current = stack.pop()
            real = current.resolve()
            if real in seen:
                self.problems.append(
                    LoadProblem(
                        self.display(current),
                        "symlink-loop",
                        1,
                        1,
                        "folder is reached again through a symbolic link; not followed",
                    )
                )
                continue
            seen.add(real)
            try:
                entries = sorted(os.scandir(current), key=lambda e: e.name)
            except OSError as exc:
                self.problems.append(
                    LoadProblem(
                        self.display(current),
                        "unreadable",
                        1,
                        1,
                        f"cannot list folder: {exc.strerror or exc}",
                    )
                )
                continue
            subdirs = []
            real_folder = real == current
            for entry in entries:
                path = Path(entry.path)
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if entry.name in SKIP_DIRS or entry.name.startswith("."):
                        continue
                    if not self.excluded(path):
                        subdirs.append(path)
                elif not self.excluded(path):
                    if real_folder and not entry.is_symlink():
                        self._real[path] = path  # already what resolve() would give
                    yield path
            stack.extend(reversed(subdirs))

    def collect(self, targets: Iterable[str]) -> list[Path]:
        """The Markdown files to check, in a stable order."""
        found: dict[Path, None] = {}
        for target in targets:
            path = (self.cwd / target) if not os.path.isabs(target) else Path(target)
            if path.is_dir():
                self.scope.append(path.resolve())
                for file in self.walk(path):
                    if file.suffix.lower() in MARKDOWN_SUFFIXES:
                        found.setdefault(file, None)
                    else:
                        self._other(file)
            elif path.exists() or path.is_symlink():
                self.scope.append(path.resolve())
                if path.suffix.lower() in MARKDOWN_SUFFIXES:
                    found.setdefault(path, None)
                else:
                    self._other(path)
            else:
                from .errors import UsageError

                raise UsageError(f"{target}: no such file or folder")
        return sorted(found, key=lambda p: self.display(p))

    def _other(self, path: Path) -> None:
        """Record a checked file that is not Markdown; a data file (sample, schema, contract)
        that cannot be opened is a problem here, since the rules reading it skip it."""
        display = self.display(path)
        self.other_files.append(display)
        if path.suffix.lower() not in DATA_SUFFIXES:
            return
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            self.problems.append(
                LoadProblem(display, "unreadable", 1, 1, f"cannot read file: {exc.strerror or exc}")
            )

    def default_targets(self) -> list[str]:
        targets = []
        for value in (self.config.runbooks, self.config.schemas):
            path = self.config.path(value)
            if path.exists():
                targets.append(display_path(path, self.cwd))
        return targets or ["."]

    # -- reading -----------------------------------------------------------------------------

    def _key(self, path: Path) -> Path:
        if path in self._real:
            return path
        return path.resolve() if not path.is_symlink() else path.absolute()

    def load(self, path: Path) -> Loaded:
        """Read and parse a file once; problems are values, never exceptions."""
        key = self._key(path)
        loaded = self._loaded.get(key)
        if loaded is None and key in self._packed:
            bare, data = self._packed[key]  # kept: evicting the object again costs nothing
            loaded = replace(bare, document=_unpack(data))
            self._keep(key, loaded)
        elif loaded is None:
            display = self.display(path)
            self.paths[display] = path.resolve()
            loaded = self._read(path, display)
            self._keep(key, loaded)
            self._digests[str(key)] = loaded.digest
        else:
            self._loaded.move_to_end(key)
        if self._reads is not None:
            self._reads[str(key)] = loaded.digest
        return loaded

    def read(self, path: Path) -> Loaded:
        """Read a file and report its problems without parsing it (`document` is None)."""
        resolved = self._real.get(path) or path.resolve()
        key = self._key(path)
        known = self._loaded.get(key) or self._packed.get(key, (None,))[0]
        if known is not None:
            loaded = replace(known, document=None)
        else:
            display = self.display(path)
            self.paths[display] = resolved
            loaded = self._read(path, display, parse=False)
            self._digests[str(key)] = loaded.digest
        if self._reads is not None:
            self._reads[str(key)] = loaded.digest
        return loaded

    def digest(self, key: str) -> str:
        """The sha256 of the bytes of the file at `key` (a path as `tracked()` records it) now,
        "" if it cannot be read; computed once per run."""
        if key not in self._digests:
            try:
                self._digests[key] = digest_of(Path(key).read_bytes())
            except OSError:
                self._digests[key] = ""
        return self._digests[key]

    def _keep(self, key: Path, loaded: Loaded) -> None:
        if loaded.document is not None:
            loaded = replace(loaded, document=_slim(loaded.document), data=None)
        self._loaded[key] = loaded
        excess = len(self._loaded) - RETAIN
        if excess <= 0:
            return
        pinned = {self.index_path, self.template_path, self.drill_template_path}
        for oldest in list(islice((k for k in self._loaded if k not in pinned), excess)):
            old = self._loaded.pop(oldest)
            if old.document is not None and oldest not in self._packed:
                self._packed[oldest] = (replace(old, document=None), _pack(old.document))

    def export(self, path: Path) -> Exported:
        """Parse a file and hand it over packed, with its facts (to another process's
        `adopt`)."""
        loaded = self.load(path)
        key = self._key(path)
        doc = loaded.document
        packed = _pack(doc) if doc is not None else None
        facts = {name: self._fact(key, name, doc) for name in FACTS} if doc is not None else {}
        return key, replace(loaded, document=None, data=None), packed, facts

    def adopt(self, items: Iterable[Exported]) -> None:
        """Take documents parsed elsewhere (`export`), as if they had been loaded here."""
        for key, bare, packed, facts in items:
            self._digests[str(key)] = bare.digest
            if packed is None:
                self._loaded[key] = bare
            else:
                self._loaded.pop(key, None)
                self._packed[key] = (bare, packed)
            for name, value in facts.items():
                self._facts[(key, name)] = value

    def fact(self, path: Path, name: str) -> Any:
        """The fact `name` (registered with `fact`) of a Markdown file, None if it cannot be
        parsed; computed once, where the file was parsed."""
        key = self._key(path)
        if (key, name) not in self._facts:
            return self._fact(key, name, self.document(path))
        if self._reads is not None:  # the result depends on the file as a load would
            self._reads[str(key)] = self.digest(str(key))
        return self._facts[(key, name)]

    def _fact(self, key: Path, name: str, doc: Document | None) -> Any:
        if (key, name) not in self._facts:
            self._facts[(key, name)] = FACTS[name](doc) if doc is not None else None
        return self._facts[(key, name)]

    def track(self) -> None:
        """Start recording the files read through the library (path -> content digest)."""
        self._reads = {}

    def tracked(self) -> dict[str, str]:
        """Stop recording; the files read since `track()`."""
        reads, self._reads = self._reads or {}, None
        return reads

    def _read(self, path: Path, display: str, parse: bool = True) -> Loaded:
        try:
            size = path.stat().st_size
        except OSError as exc:
            reason = "symbolic link loop" if exc.errno == 40 else (exc.strerror or str(exc))
            kind = "symlink-loop" if exc.errno == 40 else "unreadable"
            return Loaded(None, (LoadProblem(display, kind, 1, 1, f"cannot read file: {reason}"),))
        if size > self.config.max_file_bytes:
            return Loaded(
                None,
                (
                    LoadProblem(
                        display,
                        "too-large",
                        1,
                        1,
                        f"file is {size:,} bytes, over the {self.config.max_file_bytes:,}-byte "
                        "limit; not checked (raise max-file-bytes if this is intended)",
                    ),
                ),
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            return Loaded(
                None,
                (
                    LoadProblem(
                        display, "unreadable", 1, 1, f"cannot read file: {exc.strerror or exc}"
                    ),
                ),
            )
        digest = digest_of(data)
        if is_binary(data):
            return Loaded(
                None,
                (
                    LoadProblem(
                        display,
                        "binary",
                        1,
                        1,
                        "file looks binary (NUL and control bytes); not checked",
                    ),
                ),
                data,
                digest,
            )
        if path.suffix.lower() not in MARKDOWN_SUFFIXES:
            return Loaded(None, (), data, digest)
        text, problems = decode(data, display)
        if not parse:
            return Loaded(None, tuple(problems), data, digest, parsable=True)
        document = Document.parse(display, text, self.kind_of(path))
        return Loaded(document, tuple(problems), data, digest, parsable=True)

    def document(self, path: Path) -> Document | None:
        """A parsed Markdown file (checked or not), or None if it cannot be read."""
        return self.load(path).document

    @property
    def index(self) -> Document | None:
        return self.document(self.index_path) if self.index_path.is_file() else None

    def index_links(self, names: Collection[str] = ()) -> tuple[tuple[Link, ...], bool] | None:
        """The links of the index (None without a readable one), and whether that is all of
        them. With `names` (file names), an index that is not parsed already and is not
        itself checked is parsed only where a link may lead to a file of one of those names:
        the runs of text that contain one, or an escape (`%`, `&`, `\\`) that could spell one,
        or a reference when the index defines references. Links elsewhere are left out."""
        if not self.index_path.is_file():
            return None
        key = self._key(self.index_path)
        checked = self.in_scope(self.display(self.index_path))
        if not names or checked or key in self._loaded or key in self._packed:
            index = self.index
            return (index.links, True) if index is not None else None
        loaded = self.read(self.index_path)
        if not loaded.parsable or loaded.data is None:
            return None
        from .markdown import link_tokens

        text = normalise(decode(loaded.data, self.display(self.index_path))[0])

        def wanted(source: str, references: bool) -> bool:
            return (
                any(name in source for name in names)
                or any(char in source for char in "%&\\")
                or (references and "[" in source)
            )

        partial = Document(self.display(self.index_path), text, "index", link_tokens(text, wanted))
        return partial.links, False

    # -- templates ---------------------------------------------------------------------------

    def template_for(self, doc: Document) -> TemplateSpec | None:
        """The template `doc` follows; looked up once per document (every template and label
        rule asks, and the lookup stats files)."""
        key = (doc.path, doc.kind)
        if key not in self._template_of:
            self._template_of[key] = self._find_template(doc)
        return self._template_of[key]

    def _find_template(self, doc: Document) -> TemplateSpec | None:
        path = self.absolute(doc.path)
        if doc.kind == "drill" and self.drill_template_path.is_file():
            return self._template(self.drill_template_path)
        if doc.kind not in ("runbook", "drill"):
            return None
        if self.runbooks_dir in path.parents:
            if self.template_path.is_file():
                return self._template(self.template_path)
            return self._default()
        for folder in path.parents:
            for name in TEMPLATE_NAMES:
                candidate = folder / name
                if candidate.is_file() and candidate != path:
                    return self._template(candidate)
            if folder == self.root or folder == self.cwd:
                break
        return None

    def _default(self) -> TemplateSpec:
        key = Path("<default>")
        if key not in self._templates:
            self._templates[key] = default_spec()
        spec = self._templates[key]
        assert spec is not None
        return spec

    def _template(self, path: Path) -> TemplateSpec | None:
        if path not in self._templates:
            doc = self.document(path)
            self._templates[path] = (
                spec_from_document(doc, self.display(path)) if doc is not None else None
            )
        return self._templates[path]

    def runbook_files(self) -> list[Path]:
        """Every runbook and drill of the library on disk (not only the checked ones); the
        folder is walked once per run."""
        if self._runbook_files is None:
            if not self.runbooks_dir.is_dir():
                return []
            self._runbook_files = sorted(
                (
                    p
                    for p in self.walk(self.runbooks_dir)
                    if p.suffix.lower() in MARKDOWN_SUFFIXES
                    and self.kind_of(p) in ("runbook", "drill")
                ),
                key=lambda p: self.display(p),
            )
        return list(self._runbook_files)

    def runbook_files_in_scope(self) -> list[Path]:
        """`runbook_files()` that are checked in this run. When only files were named, they
        are looked at directly and the library is not walked."""
        if not self.scope or any(not item.is_file() for item in self.scope):
            return [p for p in self.runbook_files() if self.path_in_scope(p)]
        if not self.runbooks_dir.is_dir():
            return []
        found = []
        runbooks = self.runbooks_dir.resolve()
        for item in self.scope:
            if item.suffix.lower() not in MARKDOWN_SUFFIXES or not _under(item, runbooks):
                continue
            folders = item.parent.relative_to(runbooks).parts
            if any(part in SKIP_DIRS or part.startswith(".") for part in folders):
                continue
            ancestors = [runbooks.joinpath(*folders[: i + 1]) for i in range(len(folders))]
            if any(self.excluded(p) for p in [*ancestors, item]):
                continue
            if self.kind_of(item) in ("runbook", "drill"):
                found.append(item)
        return sorted(set(found), key=self.display)
