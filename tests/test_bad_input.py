"""Bad input always gives a result: a finding or a clear message, never a traceback."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from .conftest import STORY, Runner


def _json(run: Runner, files: dict[str, str | bytes], *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code, out, err = run(files, "check", "--format", "json", *args)
    assert code in (0, 1), err
    assert "Traceback" not in err
    return code, json.loads(out), err


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n\n\n",
        b"# T\n\n```bash\nunterminated fence\n",
        b"---\ntitle: [unclosed\n# T\n",
        b"---\na: &x [1]\nb: *x\n---\n# T\n",
        b"# T\n\n" + b"x" * 2_000_000 + b"\n",
        b"# T\n\n" + b"- " * 5000 + b"deep\n",
        b"# T\n\n" + b"> " * 5000 + b"deep\n",
        b"# T\n\n" + b"[" * 10000 + b"a" + b"](x)" * 10000 + b"\n",
        b"# T\n\n" + b"| a " * 3000 + b"|\n" + b"|---" * 3000 + b"|\n",
        b"# T\r\nmixed\nendings\r\n\rold mac\n",
        "# T\n\nRun `x` \u202e now\n".encode(),
        b"# T\xff\xfe broken utf8\n",
        b"# T\x00 nul\n",
    ],
    ids=[
        "empty",
        "blank",
        "unterminated-fence",
        "bad-front-matter",
        "yaml-alias",
        "2mb-line",
        "deep-list",
        "deep-quote",
        "pathological-links",
        "huge-table",
        "mixed-endings",
        "bidi",
        "invalid-utf8",
        "nul",
    ],
)
def test_odd_files_give_findings_not_crashes(run: Runner, content: bytes) -> None:
    _, payload, _ = _json(run, {"runbooks/odd.md": content})
    for finding in payload["findings"]:
        assert finding["rule"] != "RB000", finding
        assert finding["line"] >= 1 and finding["column"] >= 1


def test_invalid_utf8_points_at_the_byte(run: Runner) -> None:
    _, payload, _ = _json(
        run, {"runbooks/odd.md": b"# Title\n\nOwner: Op\xe9rations\n"}, "--select", "RB001"
    )
    assert payload["findings"] == [
        {
            "path": "runbooks/odd.md",
            "line": 3,
            "column": 10,
            "rule": "RB001",
            "severity": "error",
            "message": "file is not valid UTF-8 (byte 0xe9 at offset 18); save it as UTF-8",
        }
    ]


def test_binary_and_too_large_files(run: Runner) -> None:
    files: dict[str, str | bytes] = {
        "runbooks/image.md": b"\x89PNG\r\n\x1a\n\0\0\0" + bytes(range(32)) * 3,
        "runbooks/big.md": b"# Big\n" + b"x" * 300,
        "runbook-lint.toml": "max-file-bytes = 200\n",
    }
    _, payload, _ = _json(run, files, "--select", "RB0")
    assert [(f["path"], f["rule"]) for f in payload["findings"]] == [
        ("runbooks/big.md", "RB004"),
        ("runbooks/image.md", "RB005"),
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symbolic links and permissions")
def test_symlink_loop_and_unreadable_file(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "runbooks" / "sub").mkdir(parents=True)
    os.symlink("..", tmp_path / "runbooks" / "sub" / "loop")
    os.symlink("missing.md", tmp_path / "runbooks" / "dangling.md")
    _, payload, _ = _json(run, {"runbooks/ok.md": "# Ok\n"}, "--select", "RB003")
    messages = {(f["path"], f["message"]) for f in payload["findings"]}
    assert ("runbooks/dangling.md", "cannot read file: No such file or directory") in messages
    if os.geteuid() != 0:  # root reads everything
        secret = tmp_path / "runbooks" / "locked.md"
        secret.write_text("# Locked\n")
        secret.chmod(0)
        _, payload, _ = _json(run, {}, "--select", "RB003")
        assert any(f["path"] == "runbooks/locked.md" for f in payload["findings"])


def test_a_failing_rule_becomes_a_finding(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from runbook_lint import rules

    def boom(doc: object, ctx: object) -> list[object]:
        raise ZeroDivisionError("division by zero")

    original = rules.all_rules()
    broken = tuple(replace(r, check=boom) if r.id == "RB112" else r for r in original)
    monkeypatch.setattr(rules, "all_rules", lambda: broken)
    _, payload, _ = _json(run, {**STORY, "runbooks/a.md": "# A\n\nVersion: x\n"})
    internal = [f for f in payload["findings"] if f["rule"] == "RB000"]
    assert len(internal) == 1 and internal[0]["path"] == "runbooks/a.md"
    assert (
        "rule RB112 (invalid-version) failed on this file: ZeroDivisionError"
        in internal[0]["message"]
    )
    assert any(f["rule"] == "RB101" for f in payload["findings"])  # the others still ran


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symbolic links")
def test_unreadable_sample_is_reported(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "runbooks" / "samples" / "dkt").mkdir(parents=True)
    os.symlink("missing.json", tmp_path / "runbooks" / "samples" / "dkt" / "gone.json")
    _, payload, _ = _json(run, {"runbooks/ok.md": "# Ok\n"}, "--select", "RB003")
    assert [(f["path"], f["message"]) for f in payload["findings"]] == [
        ("runbooks/samples/dkt/gone.json", "cannot read file: No such file or directory")
    ]
