"""Reading one file: its bytes, their digest, and every way reading can fail.

Reading never raises. A file that cannot be read, is over the size limit, looks binary or is not
valid UTF-8 becomes a `LoadProblem`, which the RB0xx rules report; a file with invalid UTF-8 is
still checked, with the bad bytes replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..document import Document

MARKDOWN_SUFFIXES = (".md", ".markdown")
DATA_SUFFIXES = (".json", ".jsonl", ".yaml", ".yml")


@dataclass(frozen=True)
class LoadProblem:
    path: str
    kind: str  # not-utf8 | unreadable | too-large | binary | symlink-loop
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Loaded:
    document: Document | None
    problems: tuple[LoadProblem, ...]
    data: bytes | None = None
    digest: str = ""  # sha256 of the bytes read ("" when the file could not be read)
    parsable: bool = False  # a Markdown file that was (or would be) parsed into a Document


def digest_of(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def decode(data: bytes, path: str) -> tuple[str, list[LoadProblem]]:
    problems: list[LoadProblem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        problems.append(
            LoadProblem(
                path,
                "not-utf8",
                line,
                column,
                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "save it as UTF-8",
            )
        )
        return data.decode("utf-8", "replace"), problems


def is_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\0" not in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 10 or head.count(b"\0") > 16


def read_file(
    path: Path,
    display: str,
    max_bytes: int,
    kind_of: Callable[[Path], str],
    parse: bool = True,
    data: bytes | None = None,
) -> Loaded:
    """Read `path` (shown as `display`); a Markdown file is decoded and, with `parse`, parsed
    into a Document of the kind `kind_of(path)` gives. With `data`, those bytes stand for the
    file's (an editor's unsaved buffer) and the disk is not read."""
    if data is not None:
        return _loaded(path, display, max_bytes, kind_of, parse, data)
    try:
        size = path.stat().st_size
    except OSError as exc:
        reason = "symbolic link loop" if exc.errno == 40 else (exc.strerror or str(exc))
        kind = "symlink-loop" if exc.errno == 40 else "unreadable"
        return Loaded(None, (LoadProblem(display, kind, 1, 1, f"cannot read file: {reason}"),))
    if size > max_bytes:
        return _too_large(display, size, max_bytes)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Loaded(
            None,
            (LoadProblem(display, "unreadable", 1, 1, f"cannot read file: {exc.strerror or exc}"),),
        )
    return _loaded(path, display, max_bytes, kind_of, parse, data)


def _too_large(display: str, size: int, max_bytes: int) -> Loaded:
    return Loaded(
        None,
        (
            LoadProblem(
                display,
                "too-large",
                1,
                1,
                f"file is {size:,} bytes, over the {max_bytes:,}-byte "
                "limit; not checked (raise max-file-bytes if this is intended)",
            ),
        ),
    )


def _loaded(
    path: Path,
    display: str,
    max_bytes: int,
    kind_of: Callable[[Path], str],
    parse: bool,
    data: bytes,
) -> Loaded:
    if len(data) > max_bytes:
        return _too_large(display, len(data), max_bytes)
    digest = digest_of(data)
    if is_binary(data):
        return Loaded(
            None,
            (
                LoadProblem(
                    display,
                    "binary",
                    1,
                    1,
                    "file looks binary (NUL and control bytes); not checked",
                ),
            ),
            data,
            digest,
        )
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return Loaded(None, (), data, digest)
    text, problems = decode(data, display)
    if not parse:
        return Loaded(None, tuple(problems), data, digest, parsable=True)
    document = Document.parse(display, text, kind_of(path))
    return Loaded(document, tuple(problems), data, digest, parsable=True)
