"""Parse JSON with the standard library and remember where every value starts.

The pure-Python scanner of the `json` module calls its `scan_once` for every value, in document
order. Wrapping it records the start offset of each value; a pre-order walk of the decoded
document (objects kept as key/value pairs, so duplicate keys keep their place) pairs each JSON
path with its offset. Syntax errors are the decoder's own `JSONDecodeError` with its position.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

JsonPath = tuple[str | int, ...]
_WS = " \t\n\r"


class _Pairs(list[tuple[str, Any]]):
    """An object as decoded: its members in source order, duplicates included."""


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in code points


@dataclass(frozen=True)
class ParsedJson:
    """A decoded document and the position of each value (and object key) in its text."""

    value: Any
    text: str
    values: dict[JsonPath, int]  # path -> offset of the value's first character
    keys: dict[JsonPath, int]  # path of a member -> offset of its key's opening quote
    line_offset: int = 0  # added to lines (a JSONL line inside its file)

    def position(self, offset: int) -> Position:
        line = self.text.count("\n", 0, offset)
        start = self.text.rfind("\n", 0, offset) + 1
        return Position(line + 1 + self.line_offset, offset - start + 1)

    def value_position(self, path: JsonPath) -> Position:
        """Where the value at `path` starts; the nearest enclosing value if it is absent."""
        while path not in self.values and path:
            path = path[:-1]
        return self.position(self.values.get(path, 0))

    def key_position(self, path: JsonPath) -> Position:
        """Where the key of the member at `path` starts (the value's position for items)."""
        if path in self.keys:
            return self.position(self.keys[path])
        return self.value_position(path)


def _plain(value: Any) -> Any:
    if isinstance(value, _Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _key_start(text: str, value_offset: int) -> int | None:
    """Offset of the opening quote of the key whose value starts at `value_offset`."""
    i = value_offset - 1
    while i >= 0 and text[i] in _WS:
        i -= 1
    if i < 0 or text[i] != ":":
        return None
    i -= 1
    while i >= 0 and text[i] in _WS:
        i -= 1
    if i < 0 or text[i] != '"':
        return None
    i -= 1
    while i >= 0:
        if text[i] == '"':
            backslashes = 0
            j = i - 1
            while j >= 0 and text[j] == "\\":
                backslashes += 1
                j -= 1
            if backslashes % 2 == 0:
                return i
        i -= 1
    return None


class _Decoder(json.JSONDecoder):
    def __init__(self) -> None:
        super().__init__(object_pairs_hook=_Pairs)
        self.offsets: list[int] = []
        record = self.offsets.append

        def wrap(scan: Callable[[str, int], tuple[Any, int]]) -> Callable[[str, int], Any]:
            def scan_once(s: str, idx: int) -> tuple[Any, int]:
                record(idx)
                return scan(s, idx)

            return scan_once

        def parse_object(state: Any, strict: bool, scan: Any, *rest: Any) -> Any:
            return json.decoder.JSONObject(  # type: ignore[attr-defined]
                state, strict, wrap(scan), *rest
            )

        def parse_array(state: Any, scan: Any) -> Any:
            return json.decoder.JSONArray(state, wrap(scan))  # type: ignore[attr-defined]

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.scan_once = wrap(json.scanner.py_make_scanner(self))  # type: ignore[attr-defined]


def _walk(value: Any, path: JsonPath) -> Iterator[JsonPath]:
    yield path
    if isinstance(value, _Pairs):
        for key, item in value:
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def parse(text: str, line_offset: int = 0) -> ParsedJson:
    """Decode one JSON document; raises json.JSONDecodeError with the decoder's position."""
    decoder = _Decoder()
    try:
        raw = decoder.decode(text)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        digits = re.search(r"\d{4301,}", text)
        message = "number with too many digits to read (over 4,300)"
        raise json.JSONDecodeError(message, text, digits.start() if digits else 0) from exc
    values: dict[JsonPath, int] = {}
    keys: dict[JsonPath, int] = {}
    for path, offset in zip(_walk(raw, ()), decoder.offsets, strict=True):
        values[path] = offset
        if path and isinstance(path[-1], str):
            key = _key_start(text, offset)
            if key is not None:
                keys[path] = key
    return ParsedJson(_plain(raw), text, values, keys, line_offset)


def format_path(path: JsonPath) -> str:
    """A JSON path as operators read it: `$.leases[0].status`."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out
