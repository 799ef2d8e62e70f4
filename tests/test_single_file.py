"""A single-file run (what pre-commit does) reports what a full run reports for that file,
while reading only the other files it must."""

from __future__ import annotations

import json

import pytest

from runbook_lint.document import Document

from .conftest import Runner

SECTION = "# {title}\n\n## Handling\n\n**Signals:** `{signal}`\n\nDo the thing.\n"


def _library() -> dict[str, str]:
    files = {
        "runbooks/a.md": SECTION.format(title="A", signal="stage_conflict"),
        "runbooks/b.md": SECTION.format(title="B", signal="stage_conflict"),
    }
    for n in range(8):
        files[f"runbooks/other-{n}.md"] = SECTION.format(title=f"O{n}", signal=f"code_{n}")
    return files


def _signal_findings(run: Runner, *args: str) -> list[tuple[str, int]]:
    code, out, err = run(
        _library(), "check", "--no-cache", "--format", "json", "--select", "RB321", *args
    )
    assert code in (0, 1), err
    return [(f["path"], f["line"]) for f in json.loads(out)["findings"]]


def test_single_file_sees_a_claim_in_another_file(run: Runner) -> None:
    assert _signal_findings(run) == [("runbooks/b.md", 5)]
    assert _signal_findings(run, "runbooks/b.md") == [("runbooks/b.md", 5)]
    assert _signal_findings(run, "runbooks/a.md") == []


def test_single_file_parses_only_files_that_can_matter(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    original = Document.parse.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Document], path: str, text: str, kind: str = "runbook") -> Document:
        parsed.append(path)
        return original(cls, path, text, kind)  # type: ignore[no-any-return]

    monkeypatch.setattr(Document, "parse", classmethod(counting))
    assert _signal_findings(run, "runbooks/b.md", "--jobs", "1") == [("runbooks/b.md", 5)]
    assert not any("other-" in path for path in parsed), parsed
