"""This repository's library copied into a test folder, to break it on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def copy_library(root: Path) -> Path:
    """runbooks/, schemas/ and the Makefile under `root`; the library passes as it is."""
    for folder in ("runbooks", "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "Makefile", root / "Makefile")
    return root


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> int:
    """Replace `old` (which must occur `count` times) in a copied file; the 1-based line of
    the first replacement."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{rel}: {old!r} occurs {text.count(old)} times"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line
