"""A single-file run (what pre-commit does) reports what a full run reports for that file,
while reading only the other files it must."""

from __future__ import annotations

import json

import pytest

from runbook_lint.document import Document

from .conftest import STORY, Runner

SECTION = "# {title}\n\n## Handling\n\n**Signals:** `{signal}`\n\nDo the thing.\n"


def _library() -> dict[str, str]:
    files = {
        **STORY,
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


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the documents parsed in full during the test."""
    seen: list[str] = []
    original = Document.parse.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Document], path: str, text: str, kind: str = "runbook") -> Document:
        seen.append(path)
        return original(cls, path, text, kind)  # type: ignore[no-any-return]

    monkeypatch.setattr(Document, "parse", classmethod(counting))
    return seen


def test_single_file_parses_only_files_that_can_matter(run: Runner, parsed: list[str]) -> None:
    assert _signal_findings(run, "runbooks/b.md", "--jobs", "1") == [("runbooks/b.md", 5)]
    assert not any("other-" in path for path in parsed), parsed


INDEX_ROWS = "".join(f"| [Filler {n}](filler-{n}.md) | x |\n" for n in range(40))


@pytest.mark.parametrize(
    ("how", "listed"),
    [
        ("| [Target](target.md) | x |\n", True),
        ("| [Target][t] | x |\n\n[t]: target.md\n", True),
        ("| [Target](targ%65t.md) | x |\n", True),
        ("| [Target](targ&#101;t.md) | x |\n", True),
        ("| [Target](targ\\et.md) | x |\n", False),  # not an escape: a different file
        ('<p><a href="target.md">Target</a></p>\n', True),
        ("| [Target](alias.md) | x |\n", True),  # a symbolic link to target.md
        ("| [Target](./sub/../target.md) | x |\n", True),
        ("```\n[Target](target.md)\n```\n", False),  # a code block is not a link
        ("| `[Target](target.md)` | x |\n", False),
        ("", False),
    ],
)
def test_single_file_index_check_matches_the_full_run(
    run: Runner, tmp_path: object, how: str, listed: bool
) -> None:
    """RB301 in a single-file run parses only the parts of the index that can name the file;
    whatever the way the file is listed, the answer is the whole run's."""
    index = "# Index\n\n| Runbook | Area |\n| --- | --- |\n" + INDEX_ROWS + "\n" + how
    files = {**STORY, "runbooks/index.md": index, "runbooks/target.md": "# Target\n"}
    files.update({f"runbooks/filler-{n}.md": f"# Filler {n}\n" for n in range(40)})
    import os
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    (tmp_path / "runbooks").mkdir(parents=True, exist_ok=True)
    os.symlink("target.md", tmp_path / "runbooks" / "alias.md")

    def rb301(*args: str) -> list[str]:
        code, out, err = run(files, "check", "--no-cache", "--format", "json", *args)
        assert code in (0, 1), err
        return [f["path"] for f in json.loads(out)["findings"] if f["rule"] == "RB301"]

    whole = [p for p in rb301() if p.endswith("target.md")]
    assert whole == ([] if listed else ["runbooks/target.md"])
    assert rb301("runbooks/target.md") == whole
    assert rb301("runbooks/target.md", "runbooks/filler-3.md") == whole


def test_single_file_does_not_parse_the_whole_index(run: Runner, parsed: list[str]) -> None:
    index = "# Index\n\n| Runbook | Area |\n| --- | --- |\n" + INDEX_ROWS
    files = {**STORY, "runbooks/index.md": index}
    files.update({f"runbooks/filler-{n}.md": f"# Filler {n}\n" for n in range(40)})
    code, out, err = run(files, "check", "--no-cache", "--jobs", "1", "runbooks/filler-7.md")
    assert code in (0, 1), err
    assert "RB301" not in out
    assert "runbooks/index.md" not in parsed and "runbooks/filler-7.md" in parsed
    code, out, err = run({"runbooks/index.md": "# Index\n"}, "check", "runbooks/filler-7.md")
    assert "RB301" in out  # no longer listed: the answer changes with the index
