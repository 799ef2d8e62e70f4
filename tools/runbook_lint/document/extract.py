"""The extractor: one pass over markdown-it's token stream, turned into the model's records.

Block tokens carry the lines they span; inline tokens do not, so positions inside a line are
found in the source text (`_position`, and `positions.py`), past the container prefixes
("> ", list indentation) markdown-it strips.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from .positions import cell_columns, close_index, content_column, find_code, plain_text
from .records import (
    Cell,
    CodeBlock,
    Extracted,
    Heading,
    HtmlComment,
    HtmlFragment,
    InlineCode,
    Link,
    ListItem,
    Paragraph,
    SourceLine,
    Table,
)
from .text import HTML_TAG_RE, locate_in, slugify

if TYPE_CHECKING:
    from markdown_it.token import Token

_CHECKBOX_RE = re.compile(r"^\[([ xX])\](?:\s|$)")
_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)
_PLACED = frozenset(("code_inline", "link_open", "image", "html_inline"))
_HREF_RE = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def extract(tokens: Sequence[Token], lines: Sequence[str]) -> Extracted:
    """Every record of a document, from its tokens and its lines."""
    return Extractor(tokens, lines).run()


class Extractor:
    def __init__(self, tokens: Sequence[Token], lines: Sequence[str]) -> None:
        self.tokens = tokens
        self.lines = lines
        self.headings: list[Heading] = []
        self.code_blocks: list[CodeBlock] = []
        self.inline_codes: list[InlineCode] = []
        self.links: list[Link] = []
        self.paragraphs: list[Paragraph] = []
        self.list_items: list[ListItem] = []
        self.tables: list[Table] = []
        self.comments: list[HtmlComment] = []
        self.html: list[HtmlFragment] = []
        self.front_matter: tuple[str, int] | None = None
        self.blocks: list[tuple[int, int]] = []
        self._slugs: dict[str, int] = {}

    def _line(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 1 <= line <= len(lines) else ""

    def run(self) -> Extracted:
        tokens = self.tokens
        count = len(tokens)
        blocks = self.blocks
        item_stack: list[int] = []  # indices into list_items of open items
        list_depth = 0
        quote_depth = 0
        pending_item: tuple[int, int, int] | None = None  # (line, end_line, parent)
        table: dict[str, object] | None = None
        index = 0
        # The branches test distinct token types, most frequent first; a token whose type
        # none of them handles only counts as a top-level block.
        while index < count:
            tok = tokens[index]
            tmap = tok.map
            if tmap is not None and tok.level == 0 and tok.nesting >= 0:
                blocks.append((tmap[0] + 1, max(tmap[1], tmap[0] + 1)))
            kind = tok.type
            if kind == "paragraph_open":
                if tmap is not None:
                    inline = tokens[index + 1]
                    para = self._inline(inline, in_list=list_depth > 0, in_quote=quote_depth > 0)
                    if pending_item is not None and para is not None:
                        item_stack[-1] = self._add_item(para.text, pending_item, list_depth, para)
                        pending_item = None
                    index += 3
                    continue
            elif kind == "list_item_open":
                if tmap is not None:
                    parent = item_stack[-1] if item_stack else -1
                    pending_item = (tmap[0] + 1, tmap[1], parent)
                    item_stack.append(-1)
            elif kind == "list_item_close":
                if pending_item is not None:  # an item with no paragraph
                    self._add_item("", pending_item, list_depth)
                    pending_item = None
                item_stack.pop()
            elif kind == "inline":
                if table is not None:
                    rows = table["rows"]
                    assert isinstance(rows, list)
                    cell = self._cell(tok)
                    if rows:
                        rows[-1].append(cell)
            elif kind == "bullet_list_open" or kind == "ordered_list_open":
                list_depth += 1
            elif kind == "bullet_list_close" or kind == "ordered_list_close":
                list_depth -= 1
            elif kind == "heading_open":
                if tmap is not None:
                    inline = tokens[index + 1]
                    self._heading(tok, inline)
                    self._inline(inline, in_list=False, in_quote=quote_depth > 0, record=False)
                    index += 3
                    continue
            elif kind == "fence" or kind == "code_block":
                if tmap is not None:
                    if pending_item is not None:
                        item_stack[-1] = self._add_item("", pending_item, list_depth)
                        pending_item = None
                    self._code(tok)
            elif kind == "tr_open":
                if table is not None and tmap is not None:
                    rows = table["rows"]
                    assert isinstance(rows, list)
                    rows.append([])
            elif kind == "table_open":
                if tmap is not None:
                    table = {"line": tmap[0] + 1, "end": tmap[1], "rows": []}
            elif kind == "table_close":
                if table is not None:
                    self._table(table)
                    table = None
            elif kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif kind == "html_block":
                if tmap is not None:
                    self._html(tok.content, tmap[0] + 1, block=True)
            elif kind == "front_matter" and tmap is not None:
                self.front_matter = (tok.content, tmap[0] + 2)
            index += 1
        return Extracted(
            headings=tuple(self.headings),
            code_blocks=tuple(self.code_blocks),
            inline_codes=tuple(self.inline_codes),
            links=tuple(self.links),
            paragraphs=tuple(self.paragraphs),
            list_items=tuple(self.list_items),
            tables=tuple(self.tables),
            comments=tuple(self.comments),
            html=tuple(self.html),
            front_matter=self.front_matter,
            blocks=tuple(self.blocks),
        )

    # -- pieces ------------------------------------------------------------------------------

    def _add_item(
        self,
        text: str,
        pending: tuple[int, int, int],
        depth: int,
        para: Paragraph | None = None,
    ) -> int:
        line, end, parent = pending
        checkbox: Literal["", "open", "done"] = ""
        if text[:1] == "[":
            match = _CHECKBOX_RE.match(text)
            if match:
                checkbox = "open" if match.group(1) == " " else "done"
        newline = text.find("\n")
        first = text if newline < 0 else text[:newline]
        if not first:
            column = 1
        elif para is not None and para.line == line:
            column = para.column  # the same first line, already placed
        else:
            column = content_column(self.lines, line, first)
        self.list_items.append(
            ListItem(  # text, line, end_line, column, depth, parent, checkbox
                text,
                line,
                end,
                column,
                depth - 1 if depth > 1 else 0,
                parent if parent >= 0 else None,
                checkbox,
            )
        )
        return len(self.list_items) - 1

    def _heading(self, tok: Token, inline: Token) -> None:
        assert tok.map is not None
        line = tok.map[0] + 1
        text = plain_text(inline.children or []).strip()
        column = content_column(self.lines, line, inline.content) if inline.content else 1
        if tok.markup in ("=", "-"):  # setext heading: text is on the first line
            raw = self._line(line)
            column = len(raw) - len(raw.lstrip()) + 1
        base = slugify(HTML_TAG_RE.sub("", text) if "<" in text else text)
        slug = base
        if base in self._slugs:
            count = self._slugs[base]
            while f"{base}_{count}" in self._slugs:
                count += 1
            slug = f"{base}_{count}"
            self._slugs[base] = count + 1
        self._slugs.setdefault(slug, 1)
        level = int(tok.tag[1]) if tok.tag[:1] == "h" and tok.tag[1:].isdigit() else 1
        self.headings.append(Heading(level, text, line, column, slug))

    def _position(
        self, first: int, content: str, offset: int, cols: dict[int, int]
    ) -> tuple[int, int]:
        """Map an offset in a multi-line inline source to (line, column); `cols` caches the
        column where each row of the source starts (row 0 always present)."""
        newline = content.rfind("\n", 0, offset)
        if newline < 0:
            return first, cols[0] + offset
        row = content.count("\n", 0, offset)
        base = cols.get(row)
        if base is None:
            text = content.split("\n")[row]
            base = cols[row] = content_column(self.lines, first + row, text)
        return first + row, base + offset - (newline + 1)

    def _inline(
        self, inline: Token, *, in_list: bool, in_quote: bool, record: bool = True
    ) -> Paragraph | None:
        if inline.map is None:
            return None
        first = inline.map[0] + 1
        content = inline.content
        newline = content.find("\n")
        col0 = content_column(self.lines, first, content if newline < 0 else content[:newline])
        cols = {0: col0}
        cursor = 0
        context: list[str] = []
        children = inline.children or []
        # Text and breaks only move the cursor and grow the context that later spans use:
        # after the last code span, link, image or inline HTML there is nothing to record.
        end = len(children)
        while end and children[end - 1].type not in _PLACED:
            end -= 1
        for pos in range(end):
            child = children[pos]
            ctype = child.type
            if ctype == "text":
                text = child.content
                if text:
                    found = content.find(text, cursor)
                    if found >= 0:
                        cursor = found + len(text)
                context.append(text)
            elif ctype == "softbreak" or ctype == "hardbreak":
                context.append(" ")
            elif ctype == "code_inline":
                offset = find_code(content, child, cursor)
                if offset >= 0:
                    line, column = self._position(first, content, offset, cols)
                    cursor = offset + len(child.content)
                else:
                    line, column = first, col0
                self.inline_codes.append(InlineCode(child.content, line, column, "".join(context)))
                context.append(child.content)
            elif ctype == "link_open" or ctype == "image":
                href = str(child.attrs.get("href" if ctype == "link_open" else "src", ""))
                label = (
                    plain_text(children[pos + 1 : close_index(children, pos)])
                    if ctype == "link_open"
                    else child.content
                )
                offset = -1
                if child.markup != "autolink":
                    offset = content.find("](" + href, cursor)
                    offset = offset + 2 if offset >= 0 else content.find(href, cursor)
                else:
                    offset = content.find(href, cursor)
                if offset < 0:
                    offset = content.find("[" + label, cursor)
                if offset < 0:
                    offset = cursor
                line, column = self._position(first, content, offset, cols)
                self.links.append(Link(href, label, line, column, ctype == "image"))
            elif ctype == "html_inline":
                offset = content.find(child.content, cursor)
                if offset < 0:
                    offset = cursor
                else:
                    cursor = offset + len(child.content)
                line, column = self._position(first, content, offset, cols)
                self._html(child.content, line, block=False, column=column)
        if not record:
            return None
        # text, line, end_line, column, in_list, in_quote
        para = Paragraph(content, first, inline.map[1], col0, in_list, in_quote)
        self.paragraphs.append(para)
        return para

    def _code(self, tok: Token) -> None:
        assert tok.map is not None
        start, end = tok.map
        fenced = tok.type == "fence"
        content = tok.content
        rows = content.split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        first = start + 2 if fenced else start + 1
        lines = self.lines
        source = tuple(
            SourceLine(first + i, content_column(lines, first + i, text), text)
            for i, text in enumerate(rows)
        )
        closed = True
        if fenced:  # closed when the block's last line is a closing fence for its opening one
            last_line = self._line(end).strip() if end >= 1 else ""
            closing = re.escape(tok.markup[:1]) + f"{{{len(tok.markup)},}}"
            closed = end - start >= 2 and bool(
                re.fullmatch(closing + r"[ \t]*", last_line.lstrip("> \t"))
            )
        info = tok.info.strip()
        lang = info.split()[0].lower().strip("{}.") if info else ""
        line = start + 1
        column = content_column(lines, line, self._line(line).lstrip(" >\t"))
        self.code_blocks.append(
            CodeBlock(lang, info, line, column, source, fenced=fenced, closed=closed)
        )

    def _html(self, content: str, line: int, *, block: bool, column: int | None = None) -> None:
        base_col = (
            column
            if column is not None
            else content_column(self.lines, line, content.split("\n")[0])
        )
        for match in _COMMENT_RE.finditer(content):
            before = content[: match.start()]
            row = before.count("\n")
            col = (base_col if row == 0 else 1) + match.start() - (before.rfind("\n") + 1)
            self.comments.append(HtmlComment(match.group(1).strip(), line + row, col, block))
        stripped = _COMMENT_RE.sub(lambda m: " " * len(m.group(0)), content)
        if stripped.strip():
            self.html.append(HtmlFragment(content, line, base_col, block))
            for match in _HREF_RE.finditer(stripped):
                target = match.group(2) or match.group(3) or match.group(4) or ""
                before = content[: match.start()]
                row = before.count("\n")
                col = (base_col if row == 0 else 1) + match.start() - (before.rfind("\n") + 1)
                self.links.append(
                    Link(
                        target, "", line + row, col, image=match.group(1).lower() == "src", raw=True
                    )
                )

    def _cell(self, inline: Token) -> Cell:
        if inline.map is None:
            return Cell(inline.content, 0, 0, ())
        before_links = len(self.links)
        self._inline(inline, in_list=False, in_quote=False, record=False)
        line = inline.map[0] + 1
        column = locate_in(self._line(line), inline.content) if inline.content else 1
        text = plain_text(inline.children or []).strip()
        return Cell(text, line, column, tuple(self.links[before_links:]))

    def _table(self, table: dict[str, object]) -> None:
        rows = table["rows"]
        assert isinstance(rows, list)
        for row in rows:
            if not row or not row[0].line:
                continue
            columns = cell_columns(self._line(row[0].line))
            for i, cell in enumerate(row):
                if i < len(columns):
                    row[i] = Cell(cell.text, cell.line, columns[i], cell.links)
        header = tuple(rows[0]) if rows else ()
        body = tuple(tuple(r) for r in rows[1:])
        line = table["line"]
        end = table["end"]
        assert isinstance(line, int) and isinstance(end, int)
        self.tables.append(Table(line, end, header, body))
