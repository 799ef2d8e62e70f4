"""Secret detection shared by runbooks, samples and contracts.

Token-shaped secrets (cloud keys, GitHub and Slack tokens, private keys) are recognised
anywhere; `password=literal`-style assignments only in code, where prose cannot be mistaken for
one. A value that is a `$VARIABLE`, `${VARIABLE}`, `<placeholder>` or `{name}` is never a secret.
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
    (
        "Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{8,}"),
    ),
    (
        "private key",
        re.compile(
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
        ),
    ),
    ("API key", re.compile(r"\bsk-(?:proj-|live-)?[A-Za-z0-9_-]{32,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("Stripe key", re.compile(r"\b(?:sk|rk)_live_[0-9a-zA-Z]{20,}\b")),
    ("bearer token", re.compile(r"(?i)\bBearer\s+(?![$<{])[A-Za-z0-9\-._~+/]{20,}=*")),
    ("credentials in URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@$<{]+:(?![$<{])[^\s@/]{3,}@")),
)

_ASSIGN_RE = re.compile(
    r"(?i)(?P<key>\b[A-Z0-9_]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)"
    r"[A-Z0-9_]*)(?P<sep>\s*[=:]\s*|\s+)(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"';&|)]+)"
)
_OPTION_RE = re.compile(
    r"(?i)(?P<key>--?(?:[a-z0-9-]*-)?(?:password|passwd|secret|token|api-key|access-key))"
    r"(?P<sep>=|\s+)(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"';&|)]+)"
)
_SAFE_VALUE_RE = re.compile(
    r"^[\"']?(?:\$|<|\{|%|\*{3,}|x{4,}|\.\.\.|redacted|none|null|"
    r"true|false|-)",
    re.IGNORECASE,
)


def _is_placeholder(value: str) -> bool:
    inner = value.strip("\"'")
    if not inner or len(inner) < 4:
        return True
    if _SAFE_VALUE_RE.match(value):
        return True
    if inner.startswith("-"):  # the next option, not a value
        return True
    return inner.isupper() and "_" in inner and inner.replace("_", "").isalpha()


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


def find_secrets(text: str, *, code: bool) -> Iterator[tuple[int, str]]:
    """(offset, kind) of each secret-looking value in `text`, one per value."""
    if not may_hold_secret(text, code=code):
        return
    spans: list[tuple[int, int]] = []
    for kind, pattern in TOKEN_PATTERNS:
        for match in pattern.finditer(text):
            if any(s <= match.start() < e for s, e in spans):
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
