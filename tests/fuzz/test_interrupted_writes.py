"""No lost work: `check --fix` and `new` never leave a file half-written or a temporary file
behind, whatever fails in the middle of a write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import Result, make_project, run_cli

MOJIBAKE = "ðŸ”µ **OPERATIONAL**"


def _library(root: Path) -> dict[Path, bytes]:
    make_project(root)
    for name in ("a", "b", "c"):
        text = (root / "runbooks/operator-recovery.md").read_text("utf-8")
        (root / f"runbooks/{name}.md").write_text(text.replace("🔵 **OPERATIONAL**", MOJIBAKE))
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _clear_failure(result: Result, failure: BaseException) -> None:
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    if isinstance(failure, KeyboardInterrupt):
        assert result.code == 130, result
    else:  # one line naming the file the disk refused
        assert result.code == 2, result
        assert result.err.startswith("runbook-lint: error: ")
        assert ".md: No space left on device" in result.err, result.err


def _no_temporary_files(root: Path) -> None:
    assert [p for p in root.rglob(".*.tmp")] == []


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
@pytest.mark.parametrize("where", ["replace", "fsync"])
def test_an_interrupted_fix_leaves_every_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException, where: str
) -> None:
    before = _library(tmp_path)
    calls: list[str] = []
    real = getattr(os, where)

    def fail_second(*args: object) -> object:
        calls.append(where)
        if len(calls) == 2:  # the first file is written, the second write fails
            raise failure
        return real(*args)

    monkeypatch.setattr(os, where, fail_second)
    result = run_cli(tmp_path, ["check", "--fix", "--no-cache", "runbooks"])
    monkeypatch.setattr(os, where, real)
    _clear_failure(result, failure)
    after = _snapshot(tmp_path)
    _no_temporary_files(tmp_path)
    changed = [p for p in before if after.get(p) != before[p]]
    for path in changed:  # a changed file is completely fixed, never partly written
        text = after[path].decode("utf-8")
        assert MOJIBAKE not in text and "🔵 **OPERATIONAL**" in text, path
    assert len(changed) <= 1, changed


def test_a_fix_that_succeeds_rewrites_each_file_once(tmp_path: Path) -> None:
    _library(tmp_path)
    result = run_cli(tmp_path, ["check", "--fix", "--no-cache", "runbooks"])
    assert "Traceback" not in result.err
    for name in ("a", "b", "c"):
        assert MOJIBAKE not in (tmp_path / f"runbooks/{name}.md").read_text("utf-8")
    _no_temporary_files(tmp_path)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_new_leaves_nothing_behind_when_the_index_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    make_project(tmp_path)
    before = _snapshot(tmp_path)
    real = os.replace

    def fail(*args: object) -> None:
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    result = run_cli(tmp_path, ["new", "Disk Full Recovery", "--owner", "SRE"])
    monkeypatch.setattr(os, "replace", real)
    _clear_failure(result, failure)
    assert _snapshot(tmp_path) == before
    _no_temporary_files(tmp_path)
