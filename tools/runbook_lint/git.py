"""Running git: the one way the linter, the cache and the audit ask the repository a question."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_output(cwd: Path, *args: str, timeout: float = 60) -> str | None:
    """The standard output of `git -C cwd ARGS`, or None when git is missing, fails (outside a
    work tree, say) or does not answer within `timeout` seconds. Never raises."""
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
