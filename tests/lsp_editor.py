"""An editor for tests and the benchmark: pygls's language client driving `runbook-lint server`
over stdio, as VS Code, Neovim or Helix would (initialize, open, change, save, watched files,
code actions), recording every diagnostics notification the server publishes."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.client import BaseLanguageClient

T = TypeVar("T")

TIMEOUT = 60.0


def run_session(session: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run an editor session to its end in a thread of its own, with its own event loop: the
    browser tests' playwright keeps a loop running in the main thread for the whole run."""
    import threading

    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(session()))
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=target, name="lsp-editor")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def utf16_index(line: str, character: int) -> int:
    """The string index of an LSP character offset (UTF-16 code units) on `line`."""
    units = 0
    for index, ch in enumerate(line):
        if units >= character:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def apply_text_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP text edits (positions in UTF-16) as an editor does: all against the text
    before any of them, the last in the file first."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
            starts.append(i + 1)

    def offset(pos: lsp.Position) -> int:
        start = starts[pos.line]
        end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(text)
        return start + utf16_index(text[start:end], pos.character)

    spans = sorted(
        ((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


class Editor:
    """One server process and what it published, per document URI."""

    def __init__(self, root: Path, env: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.env = {**os.environ, **(env or {})}
        self.client = BaseLanguageClient("runbook-lint-tests", "1")
        self.published: dict[str, list[lsp.PublishDiagnosticsParams]] = {}
        self.logs: list[str] = []
        self.registrations: list[lsp.Registration] = []
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self._changed = asyncio.Condition()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            async with self._changed:
                self.published.setdefault(params.uri, []).append(params)
                self._changed.notify_all()

        @self.client.feature(lsp.WINDOW_LOG_MESSAGE)
        def log(params: lsp.LogMessageParams) -> None:
            self.logs.append(params.message)

        @self.client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def register(params: lsp.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

    async def start(self, *args: str) -> lsp.InitializeResult:
        await self.client.start_io(
            sys.executable, "-m", "runbook_lint.cli", "server", *args, env=self.env, cwd=self.root
        )
        capabilities = lsp.ClientCapabilities(
            general=lsp.GeneralClientCapabilities(
                position_encodings=[lsp.PositionEncodingKind.Utf16]
            ),
            workspace=lsp.WorkspaceClientCapabilities(
                did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(
                    dynamic_registration=True
                )
            ),
            text_document=lsp.TextDocumentClientCapabilities(
                synchronization=lsp.TextDocumentSyncClientCapabilities(did_save=True),
                publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(
                    version_support=True, code_description_support=True
                ),
            ),
        )
        result = await asyncio.wait_for(
            self.client.initialize_async(
                lsp.InitializeParams(
                    capabilities=capabilities,
                    root_uri=self.root.as_uri(),
                    workspace_folders=[
                        lsp.WorkspaceFolder(uri=self.root.as_uri(), name=self.root.name)
                    ],
                )
            ),
            TIMEOUT,
        )
        self.client.initialized(lsp.InitializedParams())
        return result

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
            self.client.exit(None)
        finally:
            await self.client.stop()

    def uri(self, rel: str) -> str:
        return (self.root / rel).resolve().as_uri()

    async def wait_for(
        self, uri: str, accept: Callable[[lsp.PublishDiagnosticsParams], bool], after: int = 0
    ) -> lsp.PublishDiagnosticsParams:
        """The first notification for `uri`, from the `after`-th on, that `accept`s."""

        def found() -> lsp.PublishDiagnosticsParams | None:
            for params in self.published.get(uri, [])[after:]:
                if accept(params):
                    return params
            return None

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), TIMEOUT)
        result = found()
        assert result is not None
        return result

    def count(self, uri: str) -> int:
        return len(self.published.get(uri, []))

    async def open(self, rel: str, text: str | None = None) -> list[lsp.Diagnostic]:
        """Open a file (its text as an editor decodes it, unless given) and return the
        diagnostics of that version."""
        uri = self.uri(rel)
        if text is None:
            text = (self.root / rel).read_bytes().decode("utf-8", "replace")
        self.versions[uri], self.texts[uri] = 1, text
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id="markdown", version=1, text=text
                )
            )
        )
        return list((await self.wait_for(uri, lambda p: p.version == 1)).diagnostics)

    async def change(self, rel: str, text: str) -> list[lsp.Diagnostic]:
        """Replace the whole text of an open file (unsaved); the new version's diagnostics."""
        uri = self.uri(rel)
        self.versions[uri] += 1
        version, self.texts[uri] = self.versions[uri], text
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return list((await self.wait_for(uri, lambda p: p.version == version)).diagnostics)

    async def edit(self, rel: str, edits: list[lsp.TextEdit]) -> list[lsp.Diagnostic]:
        """Send incremental changes (ranges in UTF-16); the new version's diagnostics."""
        uri = self.uri(rel)
        self.versions[uri] += 1
        version = self.versions[uri]
        self.texts[uri] = apply_text_edits(self.texts[uri], edits)
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    lsp.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                    for e in reversed(ordered)
                ],
            )
        )
        return list((await self.wait_for(uri, lambda p: p.version == version)).diagnostics)

    def close(self, rel: str) -> None:
        uri = self.uri(rel)
        self.client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )

    def files_changed(self, *events: tuple[str, lsp.FileChangeType]) -> None:
        self.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[lsp.FileEvent(uri=self.uri(rel), type=kind) for rel, kind in events]
            )
        )

    async def code_actions(self, rel: str, where: lsp.Range) -> list[Any]:
        uri = self.uri(rel)
        result = await asyncio.wait_for(
            self.client.text_document_code_action_async(
                lsp.CodeActionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    range=where,
                    context=lsp.CodeActionContext(diagnostics=[]),
                )
            ),
            TIMEOUT,
        )
        return list(result or [])
