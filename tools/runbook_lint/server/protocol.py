"""The language server: the editor's messages in, diagnostics and code actions out (pygls).

Open, change and save of a Markdown file check it at once (`Workspace.check`, the same engine
and rules as `check FILE`) and publish its diagnostics for that version of the buffer. Changes
that arrive while a check runs are checked together, newest text only. A saved or watched file
that an open file's last check read, or one of the library's inputs (configuration, template,
contract, schema, catalog), checks the open files that depend on it again. Nothing a file or
a rule does stops the server: a failure is logged and shown on the file.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from ..sitegen.rules import built_page
from .diagnostics import code_actions, diagnostic, problem
from .positions import UTF16, LineIndex
from .session import Checked, Workspace

MARKDOWN = (".md", ".markdown")
WATCHED = (
    "**/*.md",
    "**/*.markdown",
    "**/*.json",
    "**/*.jsonl",
    "**/*.yaml",
    "**/*.yml",
    "**/*.toml",
    "**/Makefile",
    "**/*.py",
)


class RunbookServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "runbook-lint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
        )
        self.state = Workspace()
        self.rule_pages: str | None = None  # base address of the rule pages, if configured
        self.results: dict[Path, tuple[Checked, LineIndex]] = {}
        self._queue: dict[Path, None] = {}
        self._scheduled = False
        from ..rules import all_rules

        self.catalogued = frozenset(rule.id for rule in all_rules())

    # -- helpers -----------------------------------------------------------------------------

    def encoding(self) -> str:
        value = self.workspace.position_encoding
        return str(getattr(value, "value", value) or UTF16)

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Warning) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def href(self, root: Path) -> Callable[[str], str | None]:
        def page(rule: str) -> str | None:
            if rule not in self.catalogued:
                return None
            if self.rule_pages:
                return self.rule_pages.rstrip("/") + "/" + built_page(rule).rsplit("/", 1)[1]
            return (root / "site" / built_page(rule)).as_uri()

        return page

    def text_of(self, path: Path) -> str | None:
        """The text of a file as the editor has it (open) or as it is on disk."""
        uri = from_fs_path(str(path))
        if uri is not None and path in self.state.buffers:
            return self.workspace.get_text_document(uri).source
        try:
            return path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    # -- checking ----------------------------------------------------------------------------

    def schedule(self, paths: Iterable[Path]) -> None:
        """Check these open files soon: edits already received are applied first, so a burst
        of changes is checked once, with its last text."""
        for path in paths:
            if path in self.state.buffers:
                self._queue[path] = None
        if self._scheduled or not self._queue:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.run_queue()
            return
        self._scheduled = True
        loop.call_soon(self.run_queue)

    def run_queue(self) -> None:
        self._scheduled = False
        while self._queue:
            path = next(iter(self._queue))
            del self._queue[path]
            self.publish(path)

    def publish(self, path: Path) -> None:
        uri = from_fs_path(str(path))
        if uri is None or path not in self.state.buffers:
            return
        document = self.workspace.get_text_document(uri)
        lines = LineIndex(document.source, self.encoding())
        try:
            checked = self.state.check(path)
        except Exception as exc:  # a bug must not take the editor's linter away
            detail = "".join(traceback.format_exception_only(exc)).strip()
            self.log(f"runbook-lint: checking {path} failed: {detail}", lsp.MessageType.Error)
            checked = Checked(path, path.name, (), frozenset(), f"internal error: {detail}")
        if checked.error is not None:
            self.log(f"runbook-lint: {path}: {checked.error}", lsp.MessageType.Error)
            diagnostics = [problem(checked.error)]
        else:
            href = self.href(self.root_of(path))
            diagnostics = [diagnostic(f, lines, href(f.rule)) for f in checked.findings]
        self.results[path] = (checked, lines)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    def root_of(self, path: Path) -> Path:
        """The library root of the file's session (where `make site` builds the site)."""
        session = self.state.sessions.get(self.state.cwd_of(path))
        return session.root if session is not None else self.state.cwd_of(path)

    def set_folders(self) -> None:
        folders = [_path(f.uri, markdown_only=False) for f in self.workspace.folders.values()]
        if not folders and self.workspace.root_uri:
            folders = [_path(self.workspace.root_uri, markdown_only=False)]
        self.state.set_folders(f for f in folders if f is not None)

    # -- what the editor says ----------------------------------------------------------------

    def opened(self, uri: str) -> None:
        path = _path(uri)
        if path is None:
            return
        self.state.open(path, self.workspace.get_text_document(uri).source)
        self.schedule(self.state.edited(path))

    def saved(self, uri: str) -> None:
        path = _path(uri)
        if path is None:
            return
        if path in self.state.buffers:  # the buffer is the file now: same bytes, or encoding
            self.state.open(path, self.workspace.get_text_document(uri).source)
        self.schedule(self.state.changed([path]))

    def closed(self, uri: str) -> None:
        path = _path(uri)
        if path is None:
            return
        readers = self.state.edited(path)[1:]  # they read the buffer; now the disk
        self.state.close(path)
        self.results.pop(path, None)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
        self.schedule(readers)

    def watched(self, changes: Iterable[lsp.FileEvent]) -> None:
        paths, came_or_went = [], False
        for change in changes:
            path = _path(change.uri, markdown_only=False)
            if path is None:
                continue
            paths.append(path)
            came_or_went |= change.type != lsp.FileChangeType.Changed
        if paths:
            self.schedule(self.state.changed(paths, created_or_deleted=came_or_went))

    def actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        path = _path(params.text_document.uri)
        if path is None or path not in self.results:
            return []
        checked, lines = self.results[path]
        if checked.error is not None:
            return []
        root = self.root_of(path)

        def texts(display: str) -> tuple[str, str] | None:
            target = (root / display).resolve()
            text, uri = self.text_of(target), from_fs_path(str(target))
            return (uri, text) if text is not None and uri is not None else None

        return code_actions(
            checked.findings,
            params.text_document.uri,
            lines,
            params.range,
            texts,
            self.href(root),
        )


def _path(uri: str, markdown_only: bool = True) -> Path | None:
    """The file a `file:` URI names (resolved), or None for another scheme (an unsaved new
    buffer, a diff view) or, with `markdown_only`, a file that is not Markdown."""
    if not uri.startswith("file:"):
        return None
    fs_path = to_fs_path(uri)
    if fs_path is None:
        return None
    path = Path(fs_path).resolve()
    if markdown_only and path.suffix.lower() not in MARKDOWN:
        return None
    return path


def _guard(name: str, handler: Callable[..., Any]) -> Callable[..., Any]:
    """Log a handler's failure instead of letting it reach the editor as a crash."""

    def guarded(ls: RunbookServer, params: Any) -> Any:
        try:
            return handler(ls, params)
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(exc)).strip()
            ls.log(f"runbook-lint: {name} failed: {detail}", lsp.MessageType.Error)
            return None

    return guarded


def build() -> RunbookServer:
    server = RunbookServer()

    def initialize(ls: RunbookServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("rulePages"), str):
            ls.rule_pages = options["rulePages"]
        ls.set_folders()

    def folders(ls: RunbookServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        ls.set_folders()
        ls.schedule(ls.state.buffers)

    def initialized(ls: RunbookServer, params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched is None or not watched.dynamic_registration:
            ls.log(
                "runbook-lint: the editor does not watch files for the server; changes to "
                "contracts, schemas or other files are seen when an open file is saved",
                lsp.MessageType.Info,
            )
            return
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
        )
        ls.client_register_capability(
            lsp.RegistrationParams(
                registrations=[
                    lsp.Registration(
                        id="runbook-lint-watched-files",
                        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=options,
                    )
                ]
            )
        )

    handlers: list[tuple[str, Callable[..., Any], Any]] = [
        (lsp.INITIALIZE, initialize, None),
        (lsp.INITIALIZED, initialized, None),
        (lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, folders, None),
        (lsp.TEXT_DOCUMENT_DID_OPEN, lambda ls, p: ls.opened(p.text_document.uri), None),
        (lsp.TEXT_DOCUMENT_DID_CHANGE, lambda ls, p: ls.opened(p.text_document.uri), None),
        (lsp.TEXT_DOCUMENT_DID_SAVE, lambda ls, p: ls.saved(p.text_document.uri), None),
        (lsp.TEXT_DOCUMENT_DID_CLOSE, lambda ls, p: ls.closed(p.text_document.uri), None),
        (lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, lambda ls, p: ls.watched(p.changes), None),
        (
            lsp.TEXT_DOCUMENT_CODE_ACTION,
            lambda ls, p: ls.actions(p),
            lsp.CodeActionOptions(
                code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]
            ),
        ),
    ]
    for method, handler, options in handlers:
        server.feature(method, options)(_guard(method, handler))
    return server


def serve() -> int:
    build().start_io()
    return 0
