"""Hypothesis strategies: runbook-shaped Markdown, mutated bytes, JSON and configuration."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .harness import seed_documents, seed_samples

SECTIONS = (
    "Purpose",
    "Prerequisites",
    "Trigger Conditions",
    "Procedure",
    "Escalation",
    "Rollback",
    "References",
    "Sign-off",
    "Scenario",
)

# Pieces of runbooks, including the shapes rules look at and the ones that tend to break
# position arithmetic (containers, tabs, entities, multi-line inline code, odd links).
FRAGMENTS = (
    "# Operator Recovery",
    "Title\n=====",
    "Sub\n---",
    "Last Updated: 2026-11-20",
    "Last Updated: 2026-13-45",
    "**Version:** 2.1",
    "Owner: Site Reliability",
    "---\nLast Updated: 2026-11-20\nowner: x\n---",
    "---\na: &x [1, 2]\nb: *x\n---",
    "---\n!!python/object/apply:os.system ['echo pwned']\n---",
    "---\nunterminated: [front matter",
    "### Step 1: Check the heartbeat",
    "### Step 2 - Take over",
    "### Step 0: 🔴 **CONSTITUTIONAL** (ADR-10)",
    "#### Step 9999999999999999999999: huge",
    "🔵 **OPERATIONAL**",
    "🔴 **CONSTITUTIONAL** per FR147",
    "ðŸ”µ **OPERATIONAL**",
    "🟠 **EMERGENCY**",
    "- [ ] Read the status",
    "- [x] Done\n  - [ ] nested",
    "1. first\n2. second\n   - [ ] inner",
    "**Verification:**",
    "**Verification:** `jq '.status' state/heartbeat_status.json`",
    "- Command to verify: `opsctl health --component all`",
    "- Command to verify: `python3 -m cli status --run-id <run_id>`",
    "Command to verify: `opsctl events tail --limit`",
    "```bash\nopsctl health --component all\n```",
    '```bash\nRUN_ID=<run_id>\npython3 -m cli takeover --run-id "$RUN_ID" \\\n  --reason x\n```',
    "```console\n$ opsctl –env production health\n```",
    "```bash\nopsctl health --component all | jq '.takeover.handoff_applied'",
    "~~~sh\nexport PASSWORD=hunter2hunter2\n"
    "curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345' x\n~~~",
    "```bash\ncat <<EOF\nunterminated heredoc\n```",
    "```bash\n$(( ${x:-`echo \"'`} ))\n```",
    "```mermaid\nflowchart TD\n  A-->B\n```",
    '```json\n{"status": "STALE"\n```',
    "    indented code block\n    opsctl nope",
    "| Condition | Escalate To | Contact |\n|---|---|---|\n| a | b | c |",
    "| a | b |\n|---|---|\n| `x|y` | \\| |\n| only one",
    "| Condition | Escalate To |\n|--|--|",
    "[index](index.md)",
    "[missing](../nowhere.md#nope)",
    "[anchor](#step-1-check-the-heartbeat)",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x]( \tvbscript:msgbox )",
    '<a href="javascript:alert(1)">x</a>',
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<img src=x onerror=alert(1)>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<iframe\nsrc=x>",
    "<!-- runbook-lint: disable=RB101 -->",
    "<!-- runbook-lint: disable-file=RB3 -->",
    "<!-- runbook-lint: disable=NOPE, RB -->",
    "<!-- unterminated comment",
    "<https://example.com/a>",
    "![img](data:image/png;base64,AAAA)",
    "[ref]: <javascript:alert(1)>\n\n[use][ref]",
    "Run `opsctl health` \\\n`--component all` now",
    "`` a ` b ``",
    "*a **b* c** _d_",
    "> quoted\n> - [ ] item\n>\n> ```bash\n> opsctl health\n> ```",
    "- item\n\n      indented code in item",
    "&lt;script&gt; &#0; &#x110000; &amp;",
    "\t- tab\tseparated",
    "AKIAABCDEFGHIJKLMNOP",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "line with \u2028 separator and \u0085 next-line",
    "vertical\x0btab and form\x0cfeed and \x1c file separator",
    "\u202e reversed \u200b zero width",
    "e\u0301\u0301\u0301 combining",
    "\x00 NUL",
    "\x1b[31m escape",
    "",
    "\n\n",
)

_PREFIXES = ("", "", "", "> ", "- ", "  ", "1. ", ">> ", "    ", "\t", "- > ")


@st.composite
def markdown(draw: st.DrawFn) -> str:
    """A runbook-like document: fragments, free text and sections in a random order."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 30))):
        choice = draw(st.integers(0, 9))
        if choice < 6:
            piece = draw(st.sampled_from(FRAGMENTS))
        elif choice < 8:
            piece = f"{'#' * draw(st.integers(1, 7))} {draw(st.sampled_from(SECTIONS))}"
        else:
            piece = draw(st.text(max_size=40))
        prefix = draw(st.sampled_from(_PREFIXES))
        if prefix:
            piece = "\n".join(prefix + line for line in piece.split("\n"))
        parts.append(piece)
    separator = draw(st.sampled_from(("\n\n", "\n", "\r\n\r\n", "\r\r")))
    return separator.join(parts) + draw(st.sampled_from(("", "\n", "\r\n")))


_SPECIAL_BYTES = (
    b"\x00",
    b"\r",
    b"\r\n",
    b"\n",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\xe2\x80",
    b"\xed\xa0\x80",  # an encoded surrogate: invalid UTF-8
    b"```",
    b"~~~",
    b"---\n",
    b"<!--",
    b"-->",
    b"[",
    b"](",
    b"`",
    b"|",
    b"> ",
    b"- [ ] ",
    b"### Step 1: ",
    b"\t",
    b"\\",
    b"*",
    b"<",
    b"&#",
)


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[bytes, ...] | None = None) -> bytes:
    """A real document with a few byte-level mutations (truncate, flip, insert, cut, copy)."""
    pool = seeds if seeds is not None else seed_documents()
    data = bytearray(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("truncate", "flip", "insert", "delete", "duplicate", "crlf")))
        size = len(data)
        at = draw(st.integers(0, size))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and size:
            index = min(at, size - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(_SPECIAL_BYTES)) * draw(st.integers(1, 3))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        elif op == "crlf":
            data = bytearray(bytes(data).replace(b"\n", draw(st.sampled_from((b"\r\n", b"\r")))))
    return bytes(data)


# -- JSON -------------------------------------------------------------------------------------

_NUMBERS = ("1e999999", "-0", "1" * 5000, "0.1e-99999", "9" * 400 + ".5", "NaN", "-Infinity")


def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(("STALE", "HEALTHY", "2026-11-20T05:02:58Z", "not-a-date", "")),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(
                st.sampled_from(("status", "run_id", "$ref", "type", "properties", "x", "")),
                children,
                max_size=4,
            ),
        ),
        max_leaves=max_leaves,
    )


@st.composite
def json_text(draw: st.DrawFn) -> str:
    """JSON-ish text: valid documents, deep nesting, huge numbers, duplicate keys, garbage."""
    import json

    kind = draw(st.integers(0, 5))
    if kind == 0:
        depth = draw(st.sampled_from((50, 900, 5000, 100_000)))
        return "[" * depth + "]" * draw(st.sampled_from((depth, 0, depth // 2)))
    if kind == 1:
        number = draw(st.sampled_from(_NUMBERS))
        return f'{{"status": {number}, "silence_seconds": {number}}}'
    if kind == 2:
        key = draw(st.sampled_from(("status", "run_id", "$ref")))
        return f'{{"{key}": "STALE", "{key}": 1, "{key}": {{"{key}": []}}}}'
    if kind == 3:
        _, data = draw(st.sampled_from(seed_samples()))
        text = data.decode("utf-8", "replace")
        cut = draw(st.integers(0, len(text)))
        return text[:cut] + draw(st.sampled_from(("", "}", ",", "\x00", '"', "\ud7ff", "\r")))
    value = draw(json_values())
    indent = draw(st.sampled_from((None, 2)))
    return json.dumps(value, ensure_ascii=draw(st.booleans()), indent=indent)


# -- configuration ----------------------------------------------------------------------------

CONFIG_KEYS = (
    "runbooks",
    "index",
    "template",
    "drills",
    "samples",
    "schemas",
    "contracts",
    "programs",
    "artifacts",
    "makefile",
    "introspect",
    "shellcheck",
    "exclude",
    "select",
    "ignore",
    "per-path-ignores",
    "severity",
    "review-days",
    "max-file-bytes",
    "governance",
    "cache-dir",
    "jobs",
    "no-such-key",
    "",
)

TOML_VALUES = (
    '"runbooks"',
    '""',
    '"../../../../etc"',
    '"/"',
    "0",
    "-1",
    "1",
    "9223372036854775807",
    "1e400",
    "nan",
    "inf",
    "true",
    "[]",
    '["RB1"]',
    '["RB9999"]',
    '["(unclosed"]',
    '["a", 1]',
    "{}",
    '{ "RB101" = "error" }',
    '{ "RB101" = "fatal" }',
    '{ "*.md" = ["RB3"] }',
    '{ "*.md" = "RB3" }',
    "2026-11-20",
    "[[1]]",
    '"\\u0000"',
)


@st.composite
def toml_config(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(CONFIG_KEYS))
        quoted = f'"{key}"' if not key or not key.replace("-", "").isalnum() else key
        lines.append(f"{quoted} = {draw(st.sampled_from(TOML_VALUES))}")
    if draw(st.integers(0, 4)) == 0:
        garbage = ("[unclosed", "= 1", "a = ", "x = [1,", "\x00", "[a]\n[a]")
        lines.append(draw(st.sampled_from(garbage)))
    return "\n".join(lines) + "\n"
