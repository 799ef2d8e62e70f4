"""Pathological files: each run ends, stays within memory, and says what it could not check.

These run the real console entry point in a subprocess with a time-out and an address-space
limit, both far above what a normal run needs: they catch hangs and blow-ups, not slowness.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import placed
from .harness import assert_in_bounds, file_lines, parse_report

MEMORY_LIMIT = 2 * 1024**3
TIMEOUT = 180

BILLION_LAUGHS = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "---\n# Laughs\n"
)


def pathological(marker: Path) -> dict[str, bytes]:
    deep = 5000
    return {
        "runbooks/long-line.md": b"# T\n\n" + b"word " * 400_000 + b"\n",
        "runbooks/long-code-line.md": b"# T\n\n```bash\nopsctl " + b"--x " * 20_000 + b"\n```\n",
        "runbooks/deep-list.md": b"# T\n\n" + b"".join(b"  " * i + b"- x\n" for i in range(deep)),
        "runbooks/deep-list-inline.md": b"# T\n\n" + b"- " * deep + b"[ ] deep\n",
        "runbooks/deep-quote.md": b"# T\n\n" + b"> " * deep + b"deep\n",
        "runbooks/deep-mixed.md": b"# T\n\n" + b"> - " * deep + b"`opsctl health`\n",
        "runbooks/brackets.md": b"# T\n\n" + b"[" * 20_000 + b"](x)" * 20_000 + b"\n",
        "runbooks/emphasis.md": b"# T\n\n" + b"*a _b " * 50_000 + b"\n",
        "runbooks/backticks.md": b"# T\n\n" + b"`" * 50_000 + b"x" + b"``" * 20_000 + b"\n",
        "runbooks/html-nest.md": b"# T\n\n" + b"<div>" * 20_000 + b"\n",
        "runbooks/huge-table.md": b"# T\n\n"
        + b"| a " * 2_000
        + b"|\n"
        + b"|---" * 2_000
        + b"|\n"
        + (b"| `opsctl` [x](y.md) " * 200 + b"|\n") * 2_000,
        "runbooks/many-headings.md": b"".join(
            b"## Step %d: x\n\n- [ ] y\n" % i for i in range(2_000)
        ),
        "runbooks/many-links.md": b"# T\n\n" + b"[a](missing.md#x) " * 5_000 + b"\n",
        "runbooks/unterminated.md": b"---\nowner: [\n" + b"```bash\n" * 5_000 + b"<!-- x\n" * 5_000,
        "runbooks/nul-heavy.md": b"# T\n\n" + b"a\x00" * 100_000,
        "runbooks/laughs.md": BILLION_LAUGHS.encode(),
        "runbooks/yaml-object.md": (
            "---\nx: !!python/object/apply:os.system ['touch " + str(marker) + "']\n"
            "y: !!python/object/new:builtins.exec ['open(\"" + str(marker) + '", "w")\']\n'
            "---\n# Object\n"
        ).encode(),
        "runbooks/samples/dkt/stale-heartbeat/state/heartbeat_status.json": b"[" * 200_000,
        "runbooks/samples/dkt/stale-heartbeat/state/events.jsonl": (b"{" * 100_000 + b"\n") * 20,
    }


def _limit() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and fork")
def test_pathological_files_finish_with_findings(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    files = pathological(marker)
    targets = sorted(files)
    with placed(project, files):
        done = subprocess.run(
            [sys.executable, "-m", "runbook_lint.cli", "check", "--format", "json", *targets],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit,
            env={**os.environ, "RUNBOOK_LINT_TODAY": "2026-11-23"},
        )
        assert done.returncode == 1, done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        findings = parse_report("json", done.stdout)
        assert not [f for f in findings if f["rule"] == "RB000"], [
            f["message"] for f in findings if f["rule"] == "RB000"
        ]
        assert_in_bounds(project, findings)
        by_path = {path: [f for f in findings if f["path"] == path] for path in targets}
    assert not marker.exists(), "YAML front matter constructed a Python object"
    assert any(
        f["rule"] == "RB115" or "front matter" in f["message"]
        for f in by_path["runbooks/laughs.md"]
    ), by_path["runbooks/laughs.md"]
    assert any("front matter" in f["message"] for f in by_path["runbooks/yaml-object.md"])
    for sample in (
        "runbooks/samples/dkt/stale-heartbeat/state/heartbeat_status.json",
        "runbooks/samples/dkt/stale-heartbeat/state/events.jsonl",
    ):
        assert by_path[sample], f"{sample}: a sample nested too deeply to check is not reported"


def test_file_lines_counts_every_line_ending(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"\xef\xbb\xbfa\r\nb\rc\nd\xff")
    assert file_lines(path) == ["a", "b", "c", "d\ufffd"]
    assert json.loads(json.dumps(file_lines(path)))  # plain strings
