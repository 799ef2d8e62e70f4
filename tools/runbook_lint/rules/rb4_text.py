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
INLINE_ADVICE = (
    "written inline: reference an environment variable ($NAME) or a <placeholder> instead, "
    "and rotate the exposed secret"
)
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


def code_spans(doc: Document) -> Iterator[tuple[int, int, str, str]]:
    """(line, column, text, language) of every piece of code a reader might copy: in a shell
    block only what is typed (`transcripts.read_block`: prompts removed, output left out), in
    other code blocks every line, and inline code ("" for its language)."""
    from ..shell.snippets import SHELL_LANGS
    from ..shell.transcripts import read_block

    for block in doc.code_blocks:
        if block.lang in NOT_COMMANDS:
            continue
        if block.lang in SHELL_LANGS:
            for piece in read_block(block.lang, block.lines).pieces:
                yield piece.line, piece.column, piece.text, "sh"
            continue
        for source in block.lines:
            yield source.line, source.column, source.text, block.lang or "text"
    for code in doc.inline_codes:
        if "\n" in code.text:
            continue
        yield code.line, code.column, code.text, ""


# Where a comment starts, by the language of a block: `#` (shell, YAML, Python, unlabelled),
# `//` (C-like, Go, JavaScript, jsonnet), `--` (SQL, Lua).
_SLASH_COMMENTS = frozenset(
    {"c", "cpp", "go", "java", "javascript", "js", "jsonc", "jsonnet", "libsonnet", "rust", "ts"}
)
_DASH_COMMENTS = frozenset({"sql", "psql", "postgresql", "plsql", "lua"})
_QUOTES = "'\"`"


def data_and_comments(text: str, lang: str) -> set[int]:
    """Offsets of `text` that are a comment or inside a closed ASCII-quoted string: text a
    person wrote as data, where a typographic character breaks nothing."""
    marker = "//" if lang in _SLASH_COMMENTS else "--" if lang in _DASH_COMMENTS else "#"
    skipped: set[int] = set()
    index = 0
    while index < len(text):
        char = text[index]
        at_word = index == 0 or text[index - 1] in " \t"
        if text.startswith(marker, index) and (at_word or marker != "#"):
            skipped.update(range(index, len(text)))
            break
        if char in _QUOTES:
            close = text.find(char, index + 1)
            if close > 0:
                skipped.update(range(index + 1, close))
                index = close + 1
                continue
        index += 1
    return skipped


def _mangled_option(text: str) -> bool:
    """Inline code with a dash where `--` or `-` starts an option (`–root`), or curly
    quotes: a command written in prose, broken by a word processor."""
    return bool(re.search("(?:^|[ =(])[–—−]\\w|[‘’“”]", text))


def check_lookalikes(doc: Document, ctx: Context) -> Iterator[Hit]:
    from ..mojibake import find_mojibake

    for line, column, text, lang in code_spans(doc):
        if text.isascii() or _LOOKALIKE_RE.search(text) is None:
            continue  # no lookalike character: nothing to report
        if not lang and not _inline_command(doc, line, column, text):
            continue  # inline code in prose (a formula, a quoted name), not a command
        edits = []
        first = None
        names = []
        garbled = {i for s, e, _ in find_mojibake(text) for i in range(s, e)}
        garbled |= data_and_comments(text, lang or "sh")
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


def _inline_command(doc: Document, line: int, column: int, text: str) -> bool:
    """Whether inline code presents a command: cued ("Run:"), or showing an option dash or
    quotes a word processor mangled."""
    if _mangled_option(text):
        return True
    from ..shell.snippets import is_cued

    code = next((c for c in doc.inline_codes if (c.line, c.column) == (line, column)), None)
    return code is not None and is_cued(code)


def check_secrets(doc: Document, ctx: Context) -> Iterator[Hit]:
    seen: set[tuple[int, int]] = set()
    spans = [(line, column, text) for line, column, text, _ in code_spans(doc)]
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
    yield from _private_keys(doc, seen)
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
                f"{kind} {INLINE_ADVICE}",
            )


def _private_keys(doc: Document, seen: set[tuple[int, int]]) -> Iterator[Hit]:
    """A private key pasted with its body: the header line followed by base64 lines."""
    if "private key" not in doc.text.lower():
        return
    from ..secrets import TOKEN_PATTERNS

    pattern = next(p for kind, p in TOKEN_PATTERNS if kind == "private key")
    for match in pattern.finditer(doc.text):
        line = doc.text.count("\n", 0, match.start()) + 1
        column = match.start() - (doc.text.rfind("\n", 0, match.start()) + 1) + 1
        seen.add((line, column))
        yield Hit(line, column, f"private key {INLINE_ADVICE}")


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
