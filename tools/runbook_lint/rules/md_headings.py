"""MD rules on headings (pymarkdownlnt): levels, style, spacing, duplicates, the title."""

from __future__ import annotations

from .md_common import md_rule

RULES = (
    md_rule(
        "MD001",
        "heading-increment",
        "Heading levels go down one step at a time.",
        "A jump from `#` to `###` leaves a hole in the page's outline: the site's table of "
        "contents and a screen reader show a level that does not exist, and the author usually "
        "meant a level that is missing (a step heading without its `## Procedure`).",
        "# Backup Procedures\n\n### Step 1: Stop writes\n",
        "# Backup Procedures\n\n## Procedure\n\n### Step 1: Stop writes\n",
    ),
    md_rule(
        "MD003",
        "heading-style",
        "Every heading in a file uses the same style (by default, the first one's).",
        "Mixing `## Heading` with underlined (setext) headings makes the source harder to scan "
        "and to search: `grep '^## '` no longer finds every section.",
        "# Backup Procedures\n\nPurpose\n-------\n",
        "# Backup Procedures\n\n## Purpose\n",
    ),
    md_rule(
        "MD018",
        "no-missing-space-atx",
        "A `#` heading has a space after its hashes.",
        "Without the space, `#Purpose` is a paragraph, not a heading: the section disappears "
        "from the outline and every rule that looks for it reports it missing.",
        "#Purpose\n",
        "# Purpose\n",
    ),
    md_rule(
        "MD019",
        "no-multiple-space-atx",
        "A `#` heading has one space after its hashes, not several.",
        "Extra spaces change nothing in the page but make headings differ in the source, so a "
        "search for `## Rollback` misses `##  Rollback`.",
        "##  Rollback\n",
        "## Rollback\n",
    ),
    md_rule(
        "MD020",
        "no-missing-space-closed-atx",
        "A closed heading (`# Title #`) has spaces inside its hashes.",
        "`#Title#` is not a heading at all; with the spaces it is. The author meant a heading.",
        "#Rollback#\n",
        "# Rollback #\n",
    ),
    md_rule(
        "MD021",
        "no-multiple-space-closed-atx",
        "A closed heading (`# Title #`) has one space inside each set of hashes.",
        "Extra spaces inside a closed heading are invisible in the page and make the same "
        "heading look different in the source and in searches.",
        "#  Rollback  #\n",
        "# Rollback #\n",
    ),
    md_rule(
        "MD022",
        "blanks-around-headings",
        "A heading has a blank line above and below it.",
        "Some Markdown renderers do not end a paragraph or list at a heading that follows it "
        "directly, and a heading squeezed between text is easy to miss when reading the source "
        "in a terminal during an incident.",
        "# Backup Procedures\nTake a snapshot before any risky change.\n",
        "# Backup Procedures\n\nTake a snapshot before any risky change.\n",
    ),
    md_rule(
        "MD023",
        "heading-start-left",
        "A heading starts at the beginning of its line.",
        "An indented heading renders as a heading in some places and as text in others (inside "
        "a list it becomes part of the item); at the left edge it is always a heading.",
        "Text before.\n\n  # Backup Procedures\n",
        "Text before.\n\n# Backup Procedures\n",
    ),
    md_rule(
        "MD024",
        "no-duplicate-heading",
        "No two headings in a file have the same text.",
        "Two headings with the same text get anchors `#checks` and `#checks_1`: a link to the "
        "second one breaks as soon as the first is renamed, and the outline shows two entries "
        "an operator cannot tell apart.",
        "# Backup Procedures\n\n## Checks\n\n## Checks\n",
        "# Backup Procedures\n\n## Checks before the backup\n\n## Checks after the backup\n",
    ),
    md_rule(
        "MD025",
        "single-title",
        "A file has one top-level heading (a `title:` in front matter counts as one).",
        "The top-level heading is the page's title: the site's navigation, the browser tab and "
        "the search result all show one. A second `#` heading, or a front-matter title next to "
        "one, leaves it to chance which one the reader sees.",
        "# Backup Procedures\n\n# Restore Procedures\n",
        "# Backup Procedures\n\n## Restore\n",
    ),
    md_rule(
        "MD026",
        "no-trailing-punctuation",
        "A heading does not end with punctuation (`.`, `,`, `;`, `:`, `!`).",
        "Headings are titles, not sentences; the punctuation ends up in the anchor an operator "
        "shares and in the table of contents.",
        "# Backup Procedures\n\n## Procedure:\n",
        "# Backup Procedures\n\n## Procedure\n",
    ),
    md_rule(
        "MD036",
        "no-emphasis-as-heading",
        "A paragraph of bold or italic text alone is not used in place of a heading.",
        "`**Procedure**` looks like a heading on the page but is not one: it has no anchor, is "
        "not in the outline, and the template rules do not see the section it starts.",
        "# Backup Procedures\n\n**Procedure**\n\nStop writes first.\n",
        "# Backup Procedures\n\n## Procedure\n\nStop writes first.\n",
    ),
    md_rule(
        "MD041",
        "first-line-heading",
        "A file starts with its top-level heading (after any front matter).",
        "The first heading is the page's title in the site and the runbook's name in the index; "
        "text above it is shown before the title and belongs nowhere in the outline.",
        "Read this before you start.\n\n# Backup Procedures\n",
        "# Backup Procedures\n\nRead this before you start.\n",
    ),
)
