"""MD rules on text (pymarkdownlnt): line length, inline HTML, links and images, emphasis and
code spans."""

from __future__ import annotations

from .md_common import md_rule

LONG = (
    "Take a snapshot of the event store before any change that writes to it, and keep "
    "the snapshot until the change is verified.\n"
)

RULES = (
    md_rule(
        "MD011",
        "no-reversed-links",
        "A link is written `[text](target)`, not `(text)[target]`.",
        "The reversed form renders as plain brackets and parentheses: the operator sees the "
        "target as text and has no link to follow.",
        "Then follow (the restore runbook)[recovery.md].\n",
        "Then follow [the restore runbook](recovery.md).\n",
    ),
    md_rule(
        "MD013",
        "line-length",
        "No line is longer than the configured limit (80 characters unless configured).",
        "Short lines make reviews readable: a diff shows the sentence that changed, not a "
        "whole paragraph, and the source reads in a terminal or a split pane during an "
        "incident. Table rows and code can be exempted or given their own limit.",
        LONG,
        "Take a snapshot of the event store before any change that writes to it,\n"
        "and keep the snapshot until the change is verified.\n",
        options={
            "line-length": "the limit for text, headings and table rows (default 80)",
            "code-block-line-length": "the limit in code blocks (default: line-length)",
            "code-blocks": "whether code blocks are checked (default true)",
            "tables": "whether table rows are checked (default true)",
        },
    ),
    md_rule(
        "MD033",
        "no-inline-html",
        "No raw HTML in the Markdown, except the elements configured as allowed.",
        "HTML bypasses what the site does for Markdown (anchors, link checks, search text) and "
        "an unknown tag is hidden by the browser: `<why>` written as a placeholder disappears "
        "from the page. Write the placeholder as code, or allow the element on purpose.",
        "Write the reason as: Not applicable: <why>.\n",
        "Write the reason as: `Not applicable: <why>`.\n",
        options={"allowed-html": 'element names allowed inline, e.g. ["kbd"] (default none)'},
    ),
    md_rule(
        "MD034",
        "no-bare-urls",
        "A URL in text is written as a link (`<https://...>` or `[text](https://...)`).",
        "Whether a bare URL becomes a link depends on the renderer; in angle brackets or as a "
        "link it always does, and the end of the URL is never guessed from the punctuation.",
        "Dashboards: https://grafana.example.com/d/ops\n",
        "Dashboards: <https://grafana.example.com/d/ops>\n",
    ),
    md_rule(
        "MD037",
        "no-space-in-emphasis",
        "Emphasis markers hug their text: `**important**`, not `** important**`.",
        "With a space inside, the markers are not emphasis: the page shows the asterisks and "
        "the warning they were meant to stress reads like a typo.",
        "This is ** never** done by hand.\n",
        "This is **never** done by hand.\n",
    ),
    md_rule(
        "MD038",
        "no-space-in-code",
        "A code span has no spaces just inside its backticks.",
        "A space inside the backticks is part of the code an operator copies; ` opsctl` pasted "
        "after another word runs something else.",
        "Run ` opsctl service status` first.\n",
        "Run `opsctl service status` first.\n",
    ),
    md_rule(
        "MD039",
        "no-space-in-links",
        "A link's text has no spaces just inside its brackets.",
        "The spaces become part of the underlined text, which then looks like a link to "
        "something that begins with a blank.",
        "See [ the index ](index.md).\n",
        "See [the index](index.md).\n",
    ),
    md_rule(
        "MD042",
        "no-empty-links",
        "A link has a target.",
        "`[text]()` renders as a link that goes nowhere; in an outage it is the one the "
        "operator needed.",
        "See [the restore runbook]().\n",
        "See [the restore runbook](recovery.md).\n",
    ),
    md_rule(
        "MD045",
        "no-alt-text",
        "An image has alternative text.",
        "The alternative text is what a screen reader reads and what shows when the image "
        "cannot be loaded (a page opened from a copied folder without its assets).",
        "![](flow.png)\n",
        "![Triage flow: halt, fork or outage](flow.png)\n",
    ),
    md_rule(
        "MD049",
        "emphasis-style",
        "Italic text uses one marker (by default, the first one in the file).",
        "`*text*` and `_text_` render the same; one style keeps the source consistent, and "
        "underscores inside words are not read as emphasis by every renderer.",
        "Use *only* the primary and _never_ the replica.\n",
        "Use *only* the primary and *never* the replica.\n",
    ),
    md_rule(
        "MD050",
        "strong-style",
        "Bold text uses one marker (by default, the first one in the file).",
        "`**text**` and `__text__` render the same; the labels and Verification blocks of this "
        "template use `**`, and a file that mixes both is harder to search.",
        "**Verification:** and __Expected outcome:__\n",
        "**Verification:** and **Expected outcome:**\n",
    ),
    md_rule(
        "MD051",
        "link-fragments",
        "A link to `#section` in the same file names a heading that exists.",
        "A fragment that matches no heading opens the page at its top, not at the step the "
        "operator was sent to.",
        "# Backup Procedures\n\nIf it fails, see [Rollback](#rollback).\n",
        "# Backup Procedures\n\nIf it fails, see [Rollback](#rollback).\n\n## Rollback\n\nStop.\n",
    ),
    md_rule(
        "MD053",
        "link-image-reference-definitions",
        "Every link reference definition (`[name]: url`) is used.",
        "An unused definition is invisible in the page and usually the remains of a link that "
        "was removed or renamed; the text that needed it may now be plain.",
        "See the dashboard.\n\n[dashboard]: https://grafana.example.com/d/ops\n",
        "See the [dashboard].\n\n[dashboard]: https://grafana.example.com/d/ops\n",
    ),
    md_rule(
        "MD059",
        "descriptive-link-text",
        "A link's text says where it goes, not `click here` or `link`.",
        "Readers scan links, and a screen reader can list them out of context: `here` says "
        "nothing about which runbook it opens.",
        "For the restore steps, [click here](recovery.md).\n",
        "Follow [Recovery Procedures](recovery.md) for the restore steps.\n",
    ),
)
