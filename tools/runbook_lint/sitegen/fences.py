"""A superfences formatter for mermaid blocks that keeps the diagram source escaped.

mkdocs-mermaid2 recognises its "custom loader" (the one mkdocs-material renders) by the
formatter's name, `fence_mermaid_custom`. Its own formatter writes the diagram source into the
HTML unescaped, so a placeholder such as `<run_id>` in a node label would be parsed as a tag and
vanish from the diagram. This one escapes the source; the browser hands mermaid the same text
the author wrote.
"""

from __future__ import annotations

import html
from typing import Any


def fence_mermaid_custom(
    source: str,
    language: str,
    class_name: str,
    options: dict[str, Any],
    md: Any,
    classes: list[str] | None = None,
    id_value: str = "",
    **kwargs: Any,
) -> str:
    names = " ".join([*(classes or []), class_name])
    ident = f' id="{html.escape(id_value)}"' if id_value else ""
    return f'<pre{ident} class="{html.escape(names)}"><code>{html.escape(source)}\n</code></pre>'
