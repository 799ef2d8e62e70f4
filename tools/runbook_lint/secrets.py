"""Secret detection shared by runbooks, samples and contracts.

Token-shaped secrets (cloud keys, GitHub, GitLab and Slack tokens, JWTs, private keys with their
body) are recognised anywhere; `password=literal`-style assignments only in code, and only as a
real assignment: an option or a variable that starts a word (`--password=x`, `DB_PASSWORD=x`,
`password: x`), never the tail of a word (`new-token`, `reset-windows-password`). A value is not
reported when it is a reference (`$VAR`, `${X}`, `<placeholder>`, `{name}`, a call or an
attribute such as `Vault.read(...)`, a variable name), a redaction (`[FILTERED]`, `***`), a
placeholder made of words (`CHANGEME`, `your-secret-here`, `wrong-password`), or a dummy (a run
of one character such as `T00000000` or `XXXX`, a sequence such as `abcdefgh`, AWS's `EXAMPLE`
keys): the approach of detect-secrets' filters and gitleaks' allow-lists.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate

TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "AWS secret access key",
        re.compile(r"(?i)\baws_secret_access_key\b\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}\b"),
    ),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("GitHub token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("GitLab token", re.compile(r"\bgl(?:pat|rt|dt|ptt|cbt|oas)-[0-9A-Za-z_-]{20,}")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("PyPI token", re.compile(r"\bpypi-AgE[A-Za-z0-9_-]{50,}")),
    (
        "JSON web token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    (
        "Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{8,}"),
    ),
    (  # the header with a body after it: naming the header in prose is no key
        "private key",
        re.compile(
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
            r"(?:\\n|\s)+(?:[\w-]+: [^\n]*(?:\\n|\s)+)*[A-Za-z0-9+/=]{40,}"
        ),
    ),
    ("API key", re.compile(r"\bsk-(?:proj-|live-)?[A-Za-z0-9_-]{32,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("Stripe key", re.compile(r"\b(?:sk|rk)_live_[0-9a-zA-Z]{20,}\b")),
    ("bearer token", re.compile(r"(?i)\bBearer\s+(?![$<{])[A-Za-z0-9\-._~+/]{20,}=*")),
    ("credentials in URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@$<{]+:(?![$<{])[^\s@/]{3,}@")),
)

_ASSIGN_RE = re.compile(
    r"(?i)(?P<key>(?<![\w-])[A-Z0-9_]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)"
    r"[A-Z0-9_]*)(?P<sep>\s*[=:]\s*|\s+)(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"';&|)]+)"
)
_OPTION_RE = re.compile(
    r"(?i)(?P<key>(?<![\w-])--?(?:[a-z0-9-]*-)?(?:password|passwd|secret|token|api-key|access-key))"
    r"(?P<sep>=|\s+)(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"';&|)]+)"
)
_SAFE_VALUE_RE = re.compile(
    r"^[\"']?(?:\$|<|\{|%|\*{3,}|x{4,}|\.\.\.|redacted|none|null|"
    r"true|false|-)",
    re.IGNORECASE,
)


# Words a made-up value is built from: `your-secret-here`, `wrong-password`, `CHANGEME`.
_WORDS = """a an the my your yours our me it in of for to here goes go put insert fill replace enter
    change changeme set not real actual some any random default new old example examples sample
    dummy fake wrong bad test testing demo foo bar baz qux xxx xxxx todo fixme tbd placeholder
    value secret secrets password passwd pass pwd token tokens key keys api access private public
    auth client user username admin name string text super secure strong very long redacted
    hidden filtered masked none null empty value1 value2"""
PLACEHOLDER_WORDS = frozenset(_WORDS.split())
_WORD_SPLIT_RE = re.compile(r"[-_.\s]+|(?<=[a-z])(?=[A-Z])")
# References, not literals: a call, an attribute, an index, an expansion, a template.
_INDIRECT_RE = re.compile(r"[()\[\]`]|::|\$\{|\{\{|%\(")
_DOTTED_RE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_IDENTIFIER_RE = re.compile(r"[a-z]+(?:_[a-z]+)+")
_RUN_RE = re.compile(r"([A-Za-z0-9])\1{5,}")
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl")


def is_dummy(value: str) -> bool:
    """A value only a person typed: a run of one character, an alphabet or digit sequence, or
    a documented example key."""
    lowered = value.lower()
    if _RUN_RE.search(value) or "example" in lowered:
        return True
    return any(seq[i : i + 8] in lowered for seq in _SEQUENCES for i in range(len(seq) - 7))


def is_placeholder_words(value: str) -> bool:
    """`CHANGEME`, `YOURSECRETKEYGOESHERE`, `your-secret-here`, `MySecretPassword`."""
    if value.isalpha() and value.isupper():
        return True
    if value.replace("_", "").isalpha() and value.isupper() and "_" in value:
        return True
    words = [w.lower() for w in _WORD_SPLIT_RE.split(value) if w]
    return bool(words) and all(w in PLACEHOLDER_WORDS for w in words)


def _is_placeholder(value: str) -> bool:
    """Whether an assigned value is something other than a written-out secret."""
    inner = value.strip("\"'")
    quoted = value[:1] in "\"'"
    if not inner or len(inner) < 4:
        return True
    if _SAFE_VALUE_RE.match(value) or inner.startswith("-"):  # or the next option
        return True
    if _INDIRECT_RE.search(inner) or is_placeholder_words(inner) or is_dummy(inner):
        return True
    # unquoted, an attribute or a variable of the program the code is written in
    return not quoted and bool(_DOTTED_RE.fullmatch(inner) or _IDENTIFIER_RE.fullmatch(inner))


_NOT_SECRET_KEY_RE = re.compile(
    r"(?i)(?:file|path|dir|name|id|url|env|var|type|kind|mode|len|"
    r"length|count|ttl|expiry|expires|header)$"
)


# Literal pieces, lower-cased, at least one of which is in every match of TOKEN_PATTERNS
# (`_TOKEN_ANCHORS`) or of the assignment and option patterns (`_CODE_ANCHORS`). A text with
# none of them cannot hold a secret, so the patterns run only where an anchor is found.
_TOKEN_ANCHORS = (
    "://",
    "akia",
    "asia",
    "aws_secret_access_key",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xox",
    "private key",
    "sk-",
    "aiza",
    "_live_",
    "bearer",
    "glpat-",
    "glrt-",
    "gldt-",
    "glptt-",
    "glcbt-",
    "gloas-",
    "npm_",
    "pypi-",
    "eyj",
)
_CODE_ANCHORS = (
    *_TOKEN_ANCHORS,
    "passw",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "access-key",
)
# The characters that re.IGNORECASE matches to an ASCII letter although str.lower() does not
# turn them into it ("\u0130" would also become two characters).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _folded(text: str) -> str:
    """`text` lower-cased the way the patterns' IGNORECASE sees it, offsets unchanged."""
    if not text.isascii() and any(c in text for c in "\u0130\u0131\u017f\u212a"):
        text = text.translate(_FOLD)
    return text.lower()


def _anchors(code: bool) -> tuple[str, ...]:
    return _CODE_ANCHORS if code else _TOKEN_ANCHORS


def may_hold_secret(text: str, *, code: bool) -> bool:
    """False when `text` certainly holds nothing find_secrets reports."""
    folded = _folded(text)
    return any(anchor in folded for anchor in _anchors(code))


def secret_candidates(texts: Sequence[str], *, code: bool) -> list[int]:
    """Indices, in order, of the texts (lines: no newline in them) that may hold a secret;
    find_secrets yields nothing for the others. One search over all of them together."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text with a newline: no shortcut
        return list(range(len(texts)))
    folded = _folded(joined)
    hits: list[int] = []
    for anchor in _anchors(code):
        at = folded.find(anchor)
        while at != -1:
            hits.append(at)
            at = folded.find(anchor, at + 1)
    if not hits:
        return []
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    return sorted({bisect_right(starts, at) - 1 for at in hits})


_URL_PASSWORD_RE = re.compile(r"://[^\s:/@]+:([^\s@/]+)@")
_BEARER_RE = re.compile(r"(?i)bearer\s+(\S+)")


def _dummy_token(kind: str, match: re.Match[str]) -> bool:
    """A token-shaped text that is a dummy or a made-up word, not a credential."""
    text = match.group(0)
    if kind == "credentials in URL":
        found = _URL_PASSWORD_RE.search(text)
        password = found.group(1) if found else text
        return _is_placeholder(password)
    if kind == "bearer token":
        found = _BEARER_RE.match(text)
        token = found.group(1) if found else text
        return is_dummy(token) or is_placeholder_words(token)
    if kind == "private key":
        return False
    return is_dummy(text)


def find_secrets(text: str, *, code: bool) -> Iterator[tuple[int, str]]:
    """(offset, kind) of each secret-looking value in `text`, one per value."""
    if not may_hold_secret(text, code=code):
        return
    spans: list[tuple[int, int]] = []
    for kind, pattern in TOKEN_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in spans):
                continue  # a part of a secret already reported
            if _dummy_token(kind, match):
                continue
            spans.append((match.start(), match.end()))
            yield match.start(), kind
    if not code:
        return
    for pattern in (_OPTION_RE, _ASSIGN_RE):
        for match in pattern.finditer(text):
            value, key = match.group("value"), match.group("key")
            start, end = match.span("value")
            if pattern is _ASSIGN_RE and match.group("sep").isspace():
                continue  # "token value" in code is an argument list, not an assignment
            if _is_placeholder(value) or _NOT_SECRET_KEY_RE.search(key.rstrip("_-")):
                continue
            if value.strip("\"'").startswith(("/", "./", "~/", "../")):
                continue  # a path to a secret file, not the secret
            if any(s < end and start < e for s, e in spans):
                continue
            spans.append((start, end))
            yield start, f"literal value for '{key}'"
