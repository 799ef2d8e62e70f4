"""RB4xx without a CLI contract: lookalike characters and secrets in commands, bidi controls."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Edit, Fix, Hit
from ..rule import DOC_KINDS, Rule
from ..secrets import find_secrets, secret_candidates

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document

NOT_COMMANDS = frozenset({"mermaid", "text", "txt", "markdown", "md", "diff", "csv", "log"})

# character -> (description, replacement)
LOOKALIKES: dict[str, tuple[str, str]] = {
    "\u2013": ("en dash", "-"),
    "\u2014": ("em dash", "--"),
    "\u2212": ("minus sign", "-"),
    "\u2010": ("Unicode hyphen", "-"),
    "\u2011": ("non-breaking hyphen", "-"),
    "\u2018": ("left single quotation mark", "'"),
    "\u2019": ("right single quotation mark", "'"),
    "\u201a": ("low single quotation mark", "'"),
    "\u201b": ("reversed single quotation mark", "'"),
    "\u201c": ("left double quotation mark", '"'),
    "\u201d": ("right double quotation mark", '"'),
    "\u201e": ("low double quotation mark", '"'),
    "\u00a0": ("non-breaking space", " "),
    "\u2007": ("figure space", " "),
    "\u2009": ("thin space", " "),
    "\u202f": ("narrow non-breaking space", " "),
    "\u200b": ("zero-width space", ""),
    "\u200c": ("zero-width non-joiner", ""),
    "\u200d": ("zero-width joiner", ""),
    "\u2060": ("word joiner", ""),
    "\ufeff": ("zero-width no-break space", ""),
}
_LOOKALIKE_RE = re.compile("[" + "".join(sorted(LOOKALIKES)) + "]")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI)) + "]")


def _replacement(text: str, index: int) -> str:
    char = text[index]
    description, replacement = LOOKALIKES[char]
    del description
    if char == "\u2013":  # '–root' is a mangled '--root' when it starts an option
        start = index == 0 or text[index - 1] in " \t=("
        if start and index + 1 < len(text) and text[index + 1].isalpha():
            return "--"
    return replacement


def code_spans(doc: Document) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) of every piece of code a reader might copy."""
    for block in doc.code_blocks:
        if block.lang in NOT_COMMANDS:
            continue
        for source in block.lines:
            yield source.line, source.column, source.text
    for code in doc.inline_codes:
        if "\n" in code.text:
            continue
        yield code.line, code.column, code.text


def check_lookalikes(doc: Document, ctx: Context) -> Iterator[Hit]:
    from ..mojibake import find_mojibake

    for line, column, text in code_spans(doc):
        if text.isascii() or _LOOKALIKE_RE.search(text) is None:
            continue  # no lookalike character: nothing to report
        edits = []
        first = None
        names = []
        garbled = {i for s, e, _ in find_mojibake(text) for i in range(s, e)}
        for index, char in enumerate(text):
            if char not in LOOKALIKES or index in garbled:
                continue
            if first is None:
                first = index
            names.append(LOOKALIKES[char][0])
            raw = doc.line_text(line)
            at = column - 1 + index
            if at < len(raw) and raw[at] == char:
                edits.append(Edit(line, at + 1, line, at + 2, _replacement(text, index)))
        if first is None:
            continue
        unique = sorted(set(names), key=names.index)
        fix = Fix("replace lookalike characters with ASCII", tuple(edits)) if edits else None
        yield Hit(
            line,
            column + first,
            f"{', '.join(unique)} in code: a pasted command will fail; type the ASCII "
            "character instead",
            fix=fix,
        )


def check_secrets(doc: Document, ctx: Context) -> Iterator[Hit]:
    seen: set[tuple[int, int]] = set()
    spans = list(code_spans(doc))
    for index in secret_candidates([text for _, _, text in spans], code=True):
        line, column, text = spans[index]
        for offset, kind in find_secrets(text, code=True):
            seen.add((line, column + offset))
            yield Hit(
                line,
                column + offset,
                f"{kind} written inline: reference an environment variable ($NAME) or a "
                "<placeholder> instead, and rotate the exposed secret",
            )
    lines = doc.lines
    for index in secret_candidates(lines, code=False):
        number, text = index + 1, lines[index]
        for offset, kind in find_secrets(text, code=False):
            if (number, offset + 1) in seen or any(
                ln == number and c <= offset + 1 for ln, c in seen
            ):
                continue
            yield Hit(
                number,
                offset + 1,
                f"{kind} written inline: reference an environment variable ($NAME) or a "
                "<placeholder> instead, and rotate the exposed secret",
            )


def check_bidi(doc: Document, ctx: Context) -> Iterator[Hit]:
    if doc.text.isascii() or _BIDI_RE.search(doc.text) is None:
        return
    for number, line in enumerate(doc.lines, start=1):
        match = _BIDI_RE.search(line)
        if match is not None:
            char = match.group()
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            yield Hit(
                number,
                match.start() + 1,
                f"bidirectional control character {name}: it can make text display "
                "differently from what is copied; remove it",
            )


RULES = (
    Rule(
        id="RB401",
        name="lookalike-characters",
        severity="error",
        fixable=True,
        summary="Code contains en/em dashes, smart quotes, non-breaking or zero-width spaces.",
        rationale=(
            "Word processors and chat tools turn '--root' into '–root' and straight quotes into "
            "curly ones. The command looks right on screen and fails when pasted, usually with "
            "a confusing error, in the middle of an incident. The fix replaces each lookalike "
            "with its ASCII character."
        ),
        bad="```bash\nscripts/ops-manager-status.sh \u2013repo /srv/app \u201c--pretty\u201d\n```",
        good="```bash\nscripts/ops-manager-status.sh --repo /srv/app --pretty\n```",
        check=check_lookalikes,
        kinds=DOC_KINDS,
    ),
    Rule(
        id="RB402",
        name="inline-secret",
        severity="error",
        summary="A secret (token, key, password literal) is written in the runbook.",
        rationale=(
            "Runbooks are copied into tickets, chat and the offline site. A secret written in "
            "one is exposed to everyone who can read it, and stays in git history. Commands "
            "reference secrets through environment variables ('$OPS_MANAGER_SERVICE_TOKEN') or "
            "placeholders; the finding never repeats the value."
        ),
        bad='```bash\ncurl -H "Authorization: Bearer 8f3b2a9c7d1e4f6a0b5c8d2e7f9a1b3c" \\\n'
        "  https://api.internal/health\n```",
        good='```bash\ncurl -H "Authorization: Bearer $API_TOKEN" https://api.internal/health\n```',
        check=check_secrets,
        kinds=DOC_KINDS,
    ),
    Rule(
        id="RB403",
        name="bidi-control",
        severity="error",
        summary="Invisible bidirectional control characters in the text.",
        rationale=(
            "Bidirectional overrides reorder how text is displayed without changing what is "
            "copied ('Trojan Source'). A command can look harmless and paste as something else."
        ),
        bad="Run `rm -rf /tmp/cache \u202e# safe`",
        good="Run `rm -rf /tmp/cache`",
        check=check_bidi,
        kinds=DOC_KINDS,
    ),
)
