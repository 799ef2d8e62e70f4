"""The checker's positions placed in an editor's buffer, in each position encoding."""

from __future__ import annotations

from pathlib import Path

from runbook_lint.server.positions import UTF8, UTF16, UTF32, LineIndex
from runbook_lint.server.session import buffer_bytes

TEXT = "# T\r\n🔵 **OPERATIONAL** –x\r\nlast"


def test_columns_count_utf16_units_utf8_bytes_or_code_points() -> None:
    # Column 19 is the en dash: after one emoji (1 character, 2 UTF-16 units, 4 UTF-8 bytes).
    assert TEXT.split("\r\n")[1][18] == "–"
    assert LineIndex(TEXT, UTF16).position(2, 19) == (1, 19)
    assert LineIndex(TEXT, UTF8).position(2, 19) == (1, 21)
    assert LineIndex(TEXT, UTF32).position(2, 19) == (1, 18)


def test_word_end_and_positions_past_the_end() -> None:
    index = LineIndex(TEXT, UTF16)
    assert index.word_end(2, 19) == (1, 21)
    assert index.position(2, 99) == (1, len("🔵 **OPERATIONAL** –x") + 1)
    assert index.position(9, 1) == (2, 4)  # past the last line: its end


def test_a_byte_order_mark_in_the_buffer_shifts_the_first_line_only() -> None:
    index = LineIndex("\ufeff# Title\nx", UTF16)
    assert index.position(1, 3) == (0, 3)
    assert index.position(2, 1) == (1, 0)


def test_lone_carriage_returns_end_lines_and_fixes_keep_them() -> None:
    index = LineIndex("a\rb\rc", UTF16)
    assert index.position(3, 1) == (2, 0)
    assert index.replacement("x\ny\n") == "x\ry\r"


def test_an_unchanged_buffer_is_checked_as_the_file_bytes(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    raw = b"\xef\xbb\xbf# T\r\nbad \xff byte\n"
    path.write_bytes(raw)
    shown = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    assert buffer_bytes(path, shown) == raw  # the invalid byte is still found
    assert buffer_bytes(path, shown + "more") == (shown + "more").encode()
    assert buffer_bytes(tmp_path / "new.md", "# New\n") == b"# New\n"
