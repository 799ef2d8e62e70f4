"""The one Markdown parser configuration, and safe loading of YAML front matter."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_NESTING = 200  # markdown-it's own limit on nested blocks keeps deep input bounded


@cache
def parser() -> MarkdownIt:
    return _configured()


def _configured() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    md.use(front_matter_plugin)
    # Keep every link, including javascript: and data: ones that markdown-it would drop
    # when rendering: this parser is for inspection, and those links are findings.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def parse_tokens(text: str) -> tuple[Token, ...]:
    return tuple(parser().parse(text))


@cache
def _block_parser() -> MarkdownIt:
    return _configured().disable("inline")


def link_tokens(text: str, wanted: Callable[[str, bool], bool]) -> tuple[Token, ...]:
    """A token stream from which a Document reads the links of `text` that can matter: every
    block is parsed, but only the inline runs for which `wanted(source, has_references)` is
    true are parsed inline, and only they (as paragraphs, at their own lines) and raw HTML
    blocks are kept. Reading a few links from a large file (an index of thousands of rows)
    costs a fraction of a full parse. `has_references` tells whether the text defines link
    reference definitions, which an inline run may use without naming their target."""

    md = parser()
    env: dict[str, Any] = {}
    tokens = _block_parser().parse(text, env)
    references = bool(env.get("references"))
    kept: list[Token] = []
    for token in tokens:
        if token.type == "html_block":
            kept.append(token)
        elif token.type == "inline" and wanted(token.content, references):
            kept.extend(_paragraph(_inline(token, md, env)))
    return tuple(kept)


def table_tokens(text: str, wanted: Callable[[str, str], bool]) -> tuple[Token, ...]:
    """A token stream from which a Document reads its headings and the tables for which
    `wanted(heading above, first header cell)` (both as written) is true: every block is
    parsed, but only those are parsed inline and kept. The severity table of an index of
    thousands of runbook rows costs a fraction of a full parse."""
    md = parser()
    env: dict[str, Any] = {}
    tokens = _block_parser().parse(text, env)
    kept: list[Token] = []
    heading, index = "", 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            heading = tokens[index + 1].content
            kept.extend((token, _inline(tokens[index + 1], md, env), tokens[index + 2]))
            index += 3
            continue
        if token.type == "table_open":
            end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
            first = next((t.content for t in tokens[index:end] if t.type == "inline"), "")
            if wanted(heading, first):
                for inner in tokens[index : end + 1]:
                    kept.append(_inline(inner, md, env) if inner.type == "inline" else inner)
            index = end + 1
            continue
        index += 1
    return tuple(kept)


def _inline(token: Token, md: MarkdownIt, env: dict[str, Any]) -> Token:
    """The inline run `token` of a block-only parse, parsed inline."""
    children: list[Token] = []
    md.inline.parse(token.content, md, env, children)
    token.children = children
    return token


def _paragraph(inline: Token) -> tuple[Token, ...]:
    """An inline run kept on its own, as a paragraph at its own lines."""
    from markdown_it.token import Token

    return (
        Token("paragraph_open", "p", 1, map=inline.map),
        inline,
        Token("paragraph_close", "p", -1),
    )


def anchor_tokens(text: str) -> tuple[Token, ...]:
    """A token stream from which a Document reads the anchors `text` offers: every block is
    parsed, but only headings and the inline runs that may hold raw HTML (a `<`, for an `id`
    or `name` attribute) are parsed inline, and only they and raw HTML blocks are kept. The
    anchors of a large linked file (an index of thousands of rows) cost a fraction of a full
    parse."""

    md = parser()
    env: dict[str, Any] = {}
    tokens = _block_parser().parse(text, env)
    kept: list[Token] = []
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            kept.append(token)
        elif token.type != "inline":
            continue
        elif index and tokens[index - 1].type == "heading_open":
            kept.extend((tokens[index - 1], _inline(token, md, env), tokens[index + 1]))
        elif "<" in token.content:
            kept.extend(_paragraph(_inline(token, md, env)))
    return tuple(kept)


class FrontMatterError(ValueError):
    pass


def load_front_matter(raw: str) -> dict[str, str]:
    """Load YAML front matter safely: plain scalars only, no aliases, no object construction.

    Values are returned as strings (dates keep their written form). A document that is not a
    mapping, or that uses anchors/aliases, raises FrontMatterError.
    """
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    # Scalars stay strings: no implicit dates, numbers or booleans.
    _Loader.yaml_implicit_resolvers = {}
    if "&" in raw or "*" in raw:
        try:
            for event in yaml.parse(raw, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    raise FrontMatterError("YAML anchors and aliases are not allowed")
        except yaml.YAMLError as exc:
            raise FrontMatterError(str(exc).split("\n")[0]) from exc
    try:
        data = yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise FrontMatterError(str(exc).split("\n")[0]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a mapping")
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            continue
        out[str(key)] = "" if value is None else str(value)
    return out
