"""What in a shell code block is a command, and what is the output around it.

Runbooks paste terminal sessions into `bash`/`shell`/`console` fences. Only what an operator
types is shell; checking the rest as shell reports the output, another program's session or
another language as broken commands.

- A block with prompts (`$ `, `$> `, `user@host:~$ `, `host:/path$ `, `[user@host dir]$ `,
  `sh-4.4$ `, and `# ` in a `console` block) is a transcript: the prompted lines are commands,
  with the lines that continue them (a trailing backslash, an open quote, a heredoc up to its
  terminator; a `> ` secondary prompt is dropped). Every other line is output.
- A block without prompts whose lines start with another program's prompt (`dbname=# `,
  `gpg> `, `host:6379> `, `> `) is that program's session: nothing in it is shell.
- A `console` block without prompts is all output.
- Any other block is one command text, as written.

`looks_like_output` and `other_language` judge text that does not parse as shell: a line that
reads as program output (JSON, a table row, a log line, a menu), or a whole block that reads as
PromQL, SQL or Ruby.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

CONSOLE_LANGS = frozenset({"console", "shell-session", "sh-session"})

PROMPT_RE = re.compile(
    r"""^(?P<indent>[ \t]*)(?P<prompt>
        \$>?                                    # $ or $>
      | \[[^\]\n]*\][$#]                        # [user@host dir]$
      | [\w.-]+@[\w.-]+(?::[^\s$#]*)?[$#]       # user@host:~$
      | [\w.-]+:[~/][^\s$#]*[$#]                # host:~/dir$
      | (?:sh|bash|zsh)-\d+(?:\.\d+)*[$#]       # sh-4.4$
    )(?:[ \t]+|$)""",
    re.VERBOSE,
)
ROOT_PROMPT_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<prompt>#)(?:[ \t]+|$)")
# Another program's prompt: psql `db=# `, `gpg> `, redis-cli `host:6379> `, irb, a bare `> `.
SESSION_PROMPT_RE = re.compile(
    r"^[ \t]*(?:[\w.:-]+=?[#>]|>|irb\([^)]*\)[\d:]*>|\[\d+\] pry\([^)]*\)>)[ \t]+\S"
)
SECONDARY_PROMPT_RE = re.compile(r"^[ \t]*> ?")
HEREDOC_RE = re.compile(r"<<-?[ \t]*(['\"]?)([A-Za-z_][\w-]*)\1")
BACKSLASH_SPACE_RE = re.compile(r"\\[ \t]+$")


class LineLike(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Piece:
    """Command text on one Markdown line (its prompt removed)."""

    line: int
    column: int
    text: str


@dataclass(frozen=True)
class Reading:
    kind: str  # "commands" (the whole block), "transcript", "session", "output"
    pieces: tuple[Piece, ...]  # what is typed, in order
    # (line, column) of each command line that ends in a backslash followed by blanks: the
    # line does not continue, though it was meant to
    broken_continuations: tuple[tuple[int, int], ...] = ()


def _open_quote(text: str) -> bool:
    """Whether `text` (one command so far) ends inside a quote."""
    quote = ""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and not quote:
            break  # a comment: quotes in it do not count
    return bool(quote)


def _prompt(text: str, console: bool) -> re.Match[str] | None:
    return PROMPT_RE.match(text) or (ROOT_PROMPT_RE.match(text) if console else None)


def _broken(src: LineLike, text: str) -> tuple[int, int] | None:
    match = BACKSLASH_SPACE_RE.search(text)
    return (src.line, src.column + match.start()) if match else None


def read_block(lang: str, lines: Sequence[LineLike]) -> Reading:
    console = lang in CONSOLE_LANGS
    texts = [src.text.rstrip("\r") for src in lines]
    if any(_prompt(text, console) for text in texts):
        return _transcript(lines, texts, console)
    if any(
        SESSION_PROMPT_RE.match(text) and not (i and texts[i - 1].rstrip().endswith("\\"))
        for i, text in enumerate(texts)
    ):
        return Reading("session", ())  # (a `> file` line that continues a command is shell)
    if console:
        return Reading("output", ())
    broken = tuple(b for src, text in zip(lines, texts, strict=True) if (b := _broken(src, text)))
    pieces = tuple(
        Piece(src.line, src.column, text) for src, text in zip(lines, texts, strict=True)
    )
    return Reading("commands", pieces, broken)


def _transcript(lines: Sequence[LineLike], texts: list[str], console: bool) -> Reading:
    pieces: list[Piece] = []
    broken: list[tuple[int, int]] = []
    command = ""  # the command being continued, "" when none
    heredoc: str | None = None
    for src, text in zip(lines, texts, strict=True):
        if heredoc is not None:
            match = SECONDARY_PROMPT_RE.match(text) if console or pieces else None
            start = match.end() if match else 0
            pieces.append(Piece(src.line, src.column + start, text[start:]))
            if text[start:].strip() == heredoc:
                heredoc, command = None, ""
            continue
        if command:
            match = SECONDARY_PROMPT_RE.match(text)
            start = match.end() if match else 0
            piece = Piece(src.line, src.column + start, text[start:])
        else:
            found = _prompt(text, console)
            if found is None:
                continue  # output
            piece = Piece(src.line, src.column + found.end(), text[found.end() :])
        pieces.append(piece)
        if (where := _broken(src, text)) is not None:
            broken.append(where)
        command += piece.text + "\n"
        opener = HEREDOC_RE.search(piece.text)
        if opener is not None:
            heredoc = opener.group(2)
        elif not (text.rstrip().endswith("\\") or _open_quote(command)):
            command = ""
    return Reading("transcript", tuple(pieces), tuple(broken))


# -- text that does not parse as shell ---------------------------------------------------------

_OUTPUT_RES = (
    re.compile(r"^\s*[\[\]{}],?\s*$"),  # a JSON bracket on its own
    re.compile(r'^\s*"[^"]+"\s*:'),  # a JSON member
    re.compile(r"^\s*(?:\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|<\d+>|[IWEF]\d{4} |[A-Z]{4}\[)"),  # logs
    re.compile(r"^\s*\(?\d+\)\s"),  # a numbered reply or menu item: `1) ...`, `(1) ...`
    re.compile(r"^\s*[*<>] "),  # curl's trace
    re.compile(r"^\s*\[[^\]]*\] "),  # `[ perf record: ... ]`, `[ultimate] (1). ...`
    re.compile(r"^\s+[A-Za-z][\w ()/.-]*:(?:\s|$)"),  # an indented `Key: value`
    re.compile(r"^[A-Za-z][\w ()/.-]*:\s{2,}\S"),  # `Key:      value`
    re.compile(r"\S(?: {2,}|\t)\S.*\S(?: {2,}|\t)\S"),  # a table row: columns apart
    re.compile(r"^\s*[-=+|]{3,}[-=+| ]*$"),  # a table rule
    re.compile(r"^\s*(?:[\w.-]+=?[#>]|>)\s"),  # another program's prompt
)


def looks_like_output(text: str) -> bool:
    return any(pattern.search(text) for pattern in _OUTPUT_RES)


_PROMQL_RE = re.compile(
    r"\w\{[^}]*(?:=~|!~|!=|=)\s*\"[^\"]*\"[^}]*\}|\[\d+[smhdwy]\]|"
    r"\b(?:sum|avg|max|min|count|topk|bottomk|rate|irate|increase|histogram_quantile|"
    r"label_replace|scalar|vector|absent|delta|deriv)\s*(?:by\s*\([^)]*\)\s*)?\(|"
    r"\b(?:group_left|group_right|ignoring|without|on)\s*\("
)
_SQL_RE = re.compile(
    r"^\s*(?:select|insert|update|delete|alter|create|drop|with|show|explain|vacuum|analyze|"
    r"grant|revoke|begin|commit|set)\b[^\n]*",
    re.IGNORECASE,
)
_RUBY_RE = re.compile(r"\w::[A-Z]|\.\w+[!?]?\(|\bdo\s*\|\w|\bputs\b|=>|\bend\s*$", re.MULTILINE)
_COMMENT_RE = re.compile(r"^\s*(?:#|//|--).*$", re.MULTILINE)


def other_language(text: str) -> str | None:
    """The language a block that does not parse as shell is written in, when it reads as
    PromQL, SQL or Ruby from its first line of code on; None otherwise."""
    code = _COMMENT_RE.sub("", text).strip()
    if not code:
        return None
    first = code.splitlines()[0]
    if _SQL_RE.match(first) and ("(" in code or ";" in code or " from " in code.lower()):
        return "SQL"
    if _PROMQL_RE.search(first) or (_PROMQL_RE.search(code) and first.rstrip().endswith("(")):
        return "PromQL"
    if len(_RUBY_RE.findall(code)) >= 2:
        return "Ruby"
    return None
