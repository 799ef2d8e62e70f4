"""Targets of a Makefile: explicit rule targets and .PHONY names (no pattern rules)."""

from __future__ import annotations

import re
from pathlib import Path

_RULE = re.compile(r"^([^\s:=#%$][^:=#]*?)\s*::?(?!=)")


def targets(path: Path) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    found: set[str] = set()
    for line in text.replace("\\\n", " ").splitlines():
        if line.startswith("\t"):
            continue
        m = _RULE.match(line)
        if m:
            for name in m.group(1).split():
                if name != ".PHONY" and not name.startswith("."):
                    found.add(name)
        elif line.startswith(".PHONY"):
            found.update(line.split(":", 1)[1].split())
    phony = re.findall(r"^\.PHONY\s*:(.*)$", text, re.MULTILINE)
    for names in phony:
        found.update(names.split())
    return frozenset(found)


def check_make(argv_texts: list[tuple[str, bool]], known: frozenset[str]) -> list[tuple[int, str]]:
    """(index, unknown target) for each target word of `make ARGS` that is not in `known`.

    Options are skipped (with their values for -C/-f/-j/-l/-o/-W/-I); `VAR=value` words are
    variable assignments. With -C or -f another Makefile is meant and nothing is reported.
    """
    unknown: list[tuple[int, str]] = []
    i = 0
    value_opts = {"-C", "-f", "-j", "-l", "-o", "-W", "-I", "--file", "--directory"}
    while i < len(argv_texts):
        text, dynamic = argv_texts[i]
        if text in ("-C", "-f", "--file", "--directory") or text.startswith(
            ("-C", "-f", "--file=", "--directory=")
        ):
            return []
        if text.startswith("-"):
            i += 2 if text in value_opts else 1
            continue
        if not dynamic and "=" not in text and text not in known:
            unknown.append((i, text))
        i += 1
    return unknown
