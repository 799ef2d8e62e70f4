"""`runbook-lint server` driven over stdio by a real language client (pygls's): the diagnostics
are `check`'s findings, at the same places, for every file of the library, the fixtures and the
catalogue's examples; edits, fixes and changes on disk update them."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from runbook_lint.cli import main
from runbook_lint.rules import all_rules

from .conftest import as_story, write_files
from .lsp_editor import Editor, apply_text_edits, run_session, utf16_units

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-12-31"  # after every Last Updated of the library, within its review period
ENV = {"RUNBOOK_LINT_TODAY": TODAY}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNBOOK_LINT_TODAY", TODAY)  # for `check` run here, as for the server


SEVERITY = {"error": 1, "warning": 2, "info": 3}
Seen = tuple[int, int, str, int, str]


def check_json(cwd: Path, rel: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """`runbook-lint check --no-cache --format json FILE` run in `cwd`: its findings."""
    monkeypatch.chdir(cwd)
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["check", "--no-cache", "--format", "json", rel])
    assert code in (0, 1), out.getvalue()
    findings: list[dict[str, Any]] = json.loads(out.getvalue())["findings"]
    assert all(f["path"] == rel for f in findings), findings
    return findings


def expected(root: Path, rel: str, findings: list[dict[str, Any]]) -> list[Seen]:
    """Findings placed as an editor counts: 0-based lines, UTF-16 code units from the start of
    the line as the editor holds it. `check` counts 1-based lines and columns in characters of
    the line without its byte-order mark."""
    text = (root / rel).read_bytes().decode("utf-8", "replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    bom = 1 if text.startswith("\ufeff") else 0
    out = []
    for f in findings:
        line = min(f["line"], len(lines)) - 1
        start = f["column"] - 1 + (bom if line == 0 else 0)
        out.append(
            (
                line,
                utf16_units(lines[line][:start]),
                f["rule"],
                SEVERITY[f["severity"]],
                f["message"],
            )
        )
    return sorted(out)


def seen(diagnostics: list[lsp.Diagnostic]) -> list[Seen]:
    return sorted(
        (
            d.range.start.line,
            d.range.start.character,
            str(d.code),
            int(d.severity or 0),
            d.message,
        )
        for d in diagnostics
    )


def diagnose(root: Path, folders: list[Path], files: list[Path]) -> dict[Path, list[Any]]:
    """Open each file in one server with these workspace folders; each one's diagnostics."""

    async def session() -> dict[Path, list[Any]]:
        editor = Editor(root, ENV)
        await editor.start()
        editor_folders = [lsp.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders]
        editor.client.workspace_did_change_workspace_folders(
            lsp.DidChangeWorkspaceFoldersParams(
                event=lsp.WorkspaceFoldersChangeEvent(added=editor_folders, removed=[])
            )
        )
        out: dict[Path, list[Any]] = {}
        try:
            for path in files:
                rel = path.relative_to(root).as_posix()
                out[path] = await editor.open(rel)
                editor.close(rel)
        finally:
            await editor.stop()
        return out

    return run_session(session)


def _files(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".markdown"))


def test_diagnostics_equal_check_on_the_library_and_fixtures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = [
        p
        for folder in ("runbooks", "docs", "tests/fixtures", "tests/adversarial")
        for p in _files(REPO / folder)
        if "/assets/" not in p.as_posix()
    ]
    assert len(files) > 40
    published = diagnose(REPO, [REPO], files)
    compared = 0
    for path in files:
        rel = path.relative_to(REPO).as_posix()
        want = expected(REPO, rel, check_json(REPO, rel, monkeypatch))
        assert seen(published[path]) == want, rel
        compared += len(want)
    assert compared > 10  # the fixtures are there to be found wrong


def test_diagnostics_equal_check_on_every_catalogue_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders, files = [], []
    for rule in all_rules():
        if rule.engine or not rule.runnable_examples:
            continue
        for which, layout, text in (
            ("bad", rule.bad_files, rule.bad),
            ("good", rule.good_files, rule.good),
        ):
            folder = tmp_path / f"{rule.id}-{which}"
            write_files(folder, as_story(dict(layout) or {rule.example_path: text}))
            folders.append(folder)
            files.extend(_files(folder))
    published = diagnose(tmp_path, folders, files)
    fired = set()
    for path in files:
        folder = next(f for f in folders if f in path.parents)
        rel = path.relative_to(folder).as_posix()
        want = expected(folder, rel, check_json(folder, rel, monkeypatch))
        assert seen(published[path]) == want, f"{folder.name}: {rel}"
        fired.update(w[2] for w in want)
    assert len(fired) > 40  # most rules fire in their own bad example


def test_diagnostics_carry_rule_links_and_severity() -> None:
    rel = "tests/adversarial/markdown/script-tricks.md"
    published = diagnose(REPO, [REPO], [REPO / rel])[REPO / rel]
    assert published
    catalogued = {r.id for r in all_rules()}
    for d in published:
        assert d.source == "runbook-lint"
        if d.code in catalogued:
            assert d.code_description is not None
            assert (
                d.code_description.href
                == (REPO / "site/reference/rules" / f"{d.code}.html").as_uri()
            )


def _library(folder: Path) -> None:
    for name in ("runbooks", "schemas"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copyfile(REPO / "Makefile", folder / "Makefile")
    (folder / "runbook-lint.toml").write_text("", encoding="utf-8")


LINE = "opsctl warnings list --severity low"
EMOJI = 'echo "🔵🔴 ✓" && opsctl warnings list –severity low'


def test_an_editing_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Open, edit (unsaved), fix with a code action, and change the template on disk."""
    work, mirror = tmp_path / "work", tmp_path / "mirror"
    _library(work)
    _library(mirror)
    rel = "runbooks/scaling.md"
    original = (work / rel).read_text(encoding="utf-8")
    lines = original.split("\n")
    line = lines.index(LINE)

    def with_line(text: str) -> str:
        return "\n".join([*lines[:line], text, *lines[line + 1 :]])

    async def session() -> None:
        editor = Editor(work, ENV)
        result = await editor.start()
        assert result.capabilities.code_action_provider is not None
        try:
            assert await editor.open(rel) == []
            assert [r.method for r in editor.registrations] == [
                lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
            ]

            # An unsaved edit: a lookalike dash after characters outside the BMP.
            start = 0
            edit = lsp.TextEdit(
                range=lsp.Range(lsp.Position(line, start), lsp.Position(line, start + len(LINE))),
                new_text=EMOJI,
            )
            diagnostics = await editor.edit(rel, [edit])
            edited = editor.texts[editor.uri(rel)]
            assert edited == with_line(EMOJI)
            assert (work / rel).read_text(encoding="utf-8") == original  # nothing saved
            (mirror / rel).write_text(edited, encoding="utf-8")
            want = expected(mirror, rel, check_json(mirror, rel, monkeypatch))
            assert seen(diagnostics) == want
            lookalike = next(d for d in diagnostics if d.code == "RB401")
            dash = EMOJI.index("–")
            assert lookalike.range.start.character == start + utf16_units(EMOJI[:dash])
            assert lookalike.range.start.character == start + dash + 2  # two surrogate pairs

            # The safe fix, as a quick fix, applied as the editor applies it.
            actions = await editor.code_actions(rel, lookalike.range)
            quick = [a for a in actions if a.kind == lsp.CodeActionKind.QuickFix]
            assert len(quick) == 1 and quick[0].diagnostics[0].code == "RB401"
            changes = quick[0].edit.changes
            assert list(changes) == [editor.uri(rel)]
            fixed = apply_text_edits(edited, changes[editor.uri(rel)])
            assert fixed == with_line(EMOJI.replace("–", "--"))
            assert await editor.change(rel, fixed) == []

            # The template on disk gains a section: the open runbook now lacks it.
            template = work / "runbooks/TEMPLATE.md"
            text = template.read_text(encoding="utf-8")
            template.write_text(
                text.replace("## Rollback", "## Communication\n\nWho is told.\n\n## Rollback"),
                encoding="utf-8",
            )
            before = editor.count(editor.uri(rel))
            editor.files_changed(("runbooks/TEMPLATE.md", lsp.FileChangeType.Changed))
            published = await editor.wait_for(editor.uri(rel), lambda p: True, after=before)
            assert [d.message for d in published.diagnostics if d.code == "RB101"] == [
                "missing required section 'Communication' (template: runbooks/TEMPLATE.md)"
            ]
            section = next(d for d in published.diagnostics if d.code == "RB101")
            actions = await editor.code_actions(rel, section.range)
            assert any(a.kind == lsp.CodeActionKind.QuickFix for a in actions)
        finally:
            await editor.stop()

    run_session(session)


def test_bad_input_becomes_a_diagnostic_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, mirror = tmp_path / "work", tmp_path / "mirror"
    _library(work)
    _library(mirror)
    rel = "runbooks/scaling.md"
    original = (work / rel).read_text(encoding="utf-8")

    async def session() -> None:
        editor = Editor(work, ENV)
        await editor.start()
        try:
            assert await editor.open(rel) == []
            # Text no checker expects: control characters, an endless code span.
            hostile = "\x00\x01\x02" * 50 + "\n# T\n" + "`" * 10_000 + "\n\u202e\u200b\n"
            diagnostics = await editor.change(rel, hostile)
            (mirror / rel).write_text(hostile, encoding="utf-8")
            assert diagnostics
            assert seen(diagnostics) == expected(mirror, rel, check_json(mirror, rel, monkeypatch))
            # A broken configuration: said on the file, and in the log.
            (work / "runbook-lint.toml").write_text("select = [", encoding="utf-8")
            before = editor.count(editor.uri(rel))
            editor.files_changed(("runbook-lint.toml", lsp.FileChangeType.Changed))
            published = await editor.wait_for(editor.uri(rel), lambda p: True, after=before)
            assert len(published.diagnostics) == 1
            assert "invalid TOML" in published.diagnostics[0].message
            assert any("invalid TOML" in line for line in editor.logs)
            # Repaired: checking resumes.
            (work / "runbook-lint.toml").write_text("", encoding="utf-8")
            before = editor.count(editor.uri(rel))
            editor.files_changed(("runbook-lint.toml", lsp.FileChangeType.Changed))
            await editor.wait_for(editor.uri(rel), lambda p: True, after=before)
            assert await editor.change(rel, original) == []
        finally:
            await editor.stop()

    run_session(session)
