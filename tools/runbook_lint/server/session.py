"""What the language server keeps between checks, and one check of an open file.

A `Session` belongs to one configuration (one library root). It keeps the configuration, the
parsed files of the library (a `LastingStore`: an entry is used again only while its file looks
as it did when read), and the values rules compute once from the configuration, the contracts,
the schemas and the commit (`Context.lasting`). A check is `engine.run` on one file, exactly as
`runbook-lint check FILE` runs it, with the session's store and values: the same rules, the
same findings. Files open in the editor are read from their buffers.

`Workspace` holds the open files and a session per configuration root, and says which open
files to check again when a file changes: the ones whose last check read it (the reads the
content cache tracks), or all of a session's when the file is one of its inputs (the
configuration, a template, a contract, a schema, the catalog, the requirements, the Makefile,
a sample) or when a file appears or disappears (links and references check that files exist).
Parsed files need no such care: the store notices a changed file by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_FILE, Config
from ..engine import run as run_engine
from ..errors import UsageError
from ..findings import Finding
from ..fingerprint import inputs
from ..library import Library
from ..library.lasting import LastingStore
from ..settings import load as load_config

CONFIG_NAMES = (CONFIG_FILE, "pyproject.toml")
GIT_KEYS = "git"  # `Context.lasting` keys that read the git work tree start with this


@dataclass(frozen=True)
class Checked:
    """One check of one file: its findings (as `check FILE` reports them) and what it read."""

    path: Path  # absolute
    display: str  # as findings name it: relative to the session's root
    findings: tuple[Finding, ...]
    reads: frozenset[Path]
    error: str | None = None  # a configuration or contract error: `check` exits with 2


def buffer_bytes(path: Path, text: str) -> bytes:
    """The bytes to check for an editor's buffer. A buffer that is the file on disk as an
    editor shows it (invalid UTF-8 replaced, byte-order mark dropped) is checked as the file's
    own bytes, so encoding findings stay those of `check`; any other buffer as UTF-8."""
    try:
        disk = path.read_bytes()
    except OSError:
        disk = None
    if disk is not None and (
        disk.decode("utf-8", "replace").removeprefix("\ufeff") == text.removeprefix("\ufeff")
    ):
        return disk
    return text.encode("utf-8", "surrogatepass")


class Session:
    """Checks as `runbook-lint check FILE` run in the folder `cwd` checks."""

    def __init__(self, config: Config, cwd: Path) -> None:
        self.config = config
        self.cwd = cwd
        self.root = config.root.resolve()
        self.store = LastingStore(
            pinned=tuple(
                config.path(value)
                for value in (config.index, config.template, config.drill_template)
            )
        )
        self.lasting: dict[str, object] = {}
        self.reads: dict[Path, frozenset[Path]] = {}  # open file -> what its last check read

    def check(self, path: Path) -> Checked:
        library = Library(self.config, self.cwd, self.store)
        display = library.display(path)
        try:
            report = run_engine([str(path)], self.config, library=library, lasting=self.lasting)
        except UsageError as exc:
            return Checked(path, display, (), frozenset(), str(exc))
        finally:
            reads = frozenset(Path(p) for p in library.files_read())
            self.reads[path] = reads
        findings = tuple(f for f in report.findings if f.path == display)
        return Checked(path, display, findings, reads)

    def is_input(self, path: Path) -> bool:
        """Whether the file is one the cache's fingerprint hashes (everything besides the
        checked files that a result depends on)."""
        if path.name in CONFIG_NAMES:
            return True
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            return False
        return bool(inputs(self.config, [rel]))

    def readers(self, path: Path) -> set[Path]:
        """The open files whose last check read `path`."""
        return {opened for opened, reads in self.reads.items() if path in reads}

    def forget_git(self) -> None:
        for key in [k for k in self.lasting if k.startswith(GIT_KEYS)]:
            del self.lasting[key]


class Workspace:
    """The open files, and a session per folder the editor opened (its workspace folders):
    a file is checked as `check FILE` run in the deepest of them that holds it (in the file's
    own folder when none does), with the configuration found from there."""

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        self.folders: list[Path] = []
        self.sessions: dict[Path, Session] = {}  # by working folder
        self._configs: dict[Path, Config] = {}  # working folder -> its configuration
        self.buffers: dict[Path, str] = {}  # open file -> its text in the editor
        self.set_folders(folders)

    def set_folders(self, folders: Iterable[Path]) -> None:
        self.folders = [f.resolve() for f in folders]
        self.sessions.clear()
        self._configs.clear()

    def cwd_of(self, path: Path) -> Path:
        holding = [f for f in self.folders if f in path.parents]
        return max(holding, key=lambda f: len(f.parts)) if holding else path.parent

    def session_for(self, path: Path) -> Session:
        """The session that checks `path` (UsageError for an invalid configuration)."""
        cwd = self.cwd_of(path)
        config = self._configs.get(cwd)
        if config is None:
            config = load_config(None, cwd)
            self._configs[cwd] = config
        session = self.sessions.get(cwd)
        if session is None or session.config != config:
            session = Session(config, cwd)
            for opened, text in self.buffers.items():
                session.store.set_buffer(opened, buffer_bytes(opened, text))
            self.sessions[cwd] = session
        return session

    def open(self, path: Path, text: str) -> None:
        self.buffers[path] = text
        data = buffer_bytes(path, text)
        for session in self.sessions.values():
            session.store.set_buffer(path, data)

    def close(self, path: Path) -> None:
        self.buffers.pop(path, None)
        for session in self.sessions.values():
            session.store.drop_buffer(path)
            session.reads.pop(path, None)

    def check(self, path: Path) -> Checked:
        try:
            session = self.session_for(path)
        except UsageError as exc:
            return Checked(path, path.name, (), frozenset(), str(exc))
        return session.check(path)

    def edited(self, path: Path) -> list[Path]:
        """The open files to check after an edit of the open file `path`: itself first, then
        those that read it."""
        others = {p for s in self.sessions.values() for p in s.readers(path)} - {path}
        return [path, *sorted(others)]

    def changed(self, paths: Iterable[Path], *, created_or_deleted: bool = False) -> list[Path]:
        """The open files to check after files changed on disk (saved, written, created or
        deleted): all of a session's when an input of it changed or a file came or went, else
        the ones whose last check read a changed file."""
        paths = list(paths)
        again: set[Path] = set()
        if any(p.name in CONFIG_NAMES for p in paths):
            self._configs.clear()  # a configuration may start or stop applying anywhere
            self.sessions.clear()
            return sorted(self.buffers)
        for cwd, session in self.sessions.items():
            session.forget_git()  # a saved file may now differ from the commit
            inputs_changed = any(session.is_input(p) for p in paths)
            if inputs_changed:
                session.lasting.clear()  # contracts, schemas, catalog: read again
            if inputs_changed or created_or_deleted:
                again.update(p for p in self.buffers if self.cwd_of(p) == cwd)
                continue
            for path in paths:
                again.update(session.readers(path))
        again.update(p for p in paths if p in self.buffers)
        return sorted(again)
