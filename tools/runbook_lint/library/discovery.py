"""Finding the library's files: which are checked, what kind each is, how each is shown.

Files are found by convention (every `.md` under `runbooks/`, drills in `runbooks/drills/`, the
index and the template) or configuration. Walking never raises: an unreadable folder or a
symbolic-link loop is recorded as a `LoadProblem`. Paths are shown relative to the working
directory with forward slashes, the form every finding carries.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..config import Config
from .files import DATA_SUFFIXES, MARKDOWN_SUFFIXES, LoadProblem

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
        "vendor",  # third-party code kept in the repository
        "testdata",
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
        "_index.md",  # a Hugo section page
    }
)
TEMPLATE_NAMES = ("TEMPLATE.md", "template.md", "_template.md", "runbook-template.md")


def glob_regex(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One expression for path globs relative to the root: `*` and `?` stay within a folder,
    `**` spans folders (`docs/**/*.md` also matches `docs/x.md`)."""
    parts = []
    for pattern in patterns:
        out, i = [], 0
        pattern = pattern.strip("/")
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif pattern.startswith("**", i):
                out.append(".*")
                i += 2
            elif pattern[i] == "*":
                out.append("[^/]*")
                i += 1
            elif pattern[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(pattern[i]))
                i += 1
        parts.append("".join(out))
    return re.compile("|".join(f"(?:{p})" for p in parts) + r"\Z") if parts else None


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


def _under(path: Path, folder: Path) -> bool:
    """`folder in path.parents` for absolute resolved paths, without building the parents."""
    prefix = str(folder)
    if not prefix.endswith(os.sep):
        prefix += os.sep
    return str(path).startswith(prefix)


class Discovery:
    """The library's layout (from the configuration) and the files of one run."""

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
        self.contacts_path = config.contacts_path()  # the deployment's file, or the repository's
        # Where '/page' links start on the site that renders the library (None: the root).
        self.site_root = (
            config.path(config.site_root) if config.site_root not in ("", ".") else None
        )
        self._runbook_files: list[Path] | None = None
        self.paths: dict[str, Path] = {}  # display path -> absolute path, for every read file
        self.problems: list[LoadProblem] = []
        self.scope: list[Path] = []  # checked files and folders
        self.other_files: list[str] = []  # checked non-Markdown files (display paths)
        self.checked: list[str] = []  # display paths of the checked Markdown files, in order
        self._in_scope: dict[tuple[str, int], bool] = {}
        self._real: dict[Path, Path] = {}  # walked files whose path is already resolved
        # The exclude patterns as one expression (fnmatch's own translation, case as fnmatch
        # treats it on this system).
        self._runbook_globs = glob_regex(config.runbook_files)
        self._not_runbooks = glob_regex(config.not_runbooks)
        self._exclude = (
            re.compile(
                "|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in config.exclude)
            )
            if config.exclude
            else None
        )

    def resolved(self, path: Path) -> Path:
        """`path.resolve()`, without the system call for a file `walk` found."""
        return self._real.get(path) or path.resolve()

    def file_key(self, path: Path) -> Path:
        """The key a file is read and kept under: resolved, except a symbolic link (a link
        loop is reported on the link)."""
        if path in self._real:
            return path
        return path.resolve() if not path.is_symlink() else path.absolute()

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
        return self._within_scope(self.resolved(path))

    def _within_scope(self, resolved: Path) -> bool:
        return any(resolved == item or _under(resolved, item) for item in self.scope)

    def excluded(self, path: Path) -> bool:
        if self._exclude is None:
            return False
        rel = os.path.normcase(display_path(path, self.root))
        return bool(self._exclude.match(rel) or self._exclude.match(os.path.normcase(path.name)))

    def exists(self, path: Path) -> bool:
        """Whether a named file is there to check (a dangling symbolic link is: reading it
        reports the problem)."""
        return path.exists() or path.is_symlink()

    def is_library_layout(self) -> bool:
        return self.runbooks_dir.is_dir()

    def kind_of(self, path: Path) -> str:
        path = self.resolved(path)
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
        if self._runbook_globs is not None or self._not_runbooks is not None:
            rel = display_path(path, self.root)
            if self._not_runbooks is not None and self._not_runbooks.match(rel):
                return "other"
            if self._runbook_globs is not None:
                if path.name.lower() in NOT_RUNBOOKS or not self._runbook_globs.match(rel):
                    return "template" if path.name in TEMPLATE_NAMES else "other"
                return "runbook"
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
            elif self.exists(path):
                self.scope.append(path.resolve())
                if path.suffix.lower() in MARKDOWN_SUFFIXES:
                    found.setdefault(path, None)
                else:
                    self._other(path)
            else:
                from ..errors import UsageError

                raise UsageError(f"{target}: no such file or folder")
        override = self.config.contacts_override
        if override and not self._within_scope(Path(override).resolve()):
            # The contacts file a deployment names is checked like the library's own.
            self.scope.append(Path(override).resolve())
            self._other(Path(override))
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
        from ..profiles import STORY

        if self.config.profile != STORY:
            return ["."]  # another library's shape: the whole repository
        targets = []
        for value in (self.config.runbooks, self.config.schemas):
            path = self.config.path(value)
            if path.exists():
                targets.append(display_path(path, self.cwd))
        return targets or ["."]

    def runbook_files(self) -> list[Path]:
        """Every runbook and drill of the library on disk (not only the checked ones); the
        folder is walked once per run."""
        if self._runbook_files is None and self._runbook_globs is not None:
            self._runbook_files = sorted(
                (
                    p
                    for p in self.walk(self.root)
                    if p.suffix.lower() in MARKDOWN_SUFFIXES and self.kind_of(p) == "runbook"
                ),
                key=lambda p: self.display(p),
            )
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
        if (
            not self.scope
            or any(not item.is_file() for item in self.scope)
            or self._runbook_globs is not None
        ):
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
