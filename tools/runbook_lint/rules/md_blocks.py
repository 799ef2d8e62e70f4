"""MD rules on blocks (pymarkdownlnt): lists, blank lines and whitespace, code blocks, block
quotes, tables and rules between sections."""

from __future__ import annotations

from .md_common import md_rule

RULES = (
    md_rule(
        "MD004",
        "ul-style",
        "Bullet lists use one marker (by default, the first one in the file).",
        "Switching from `-` to `*` starts a new list in the middle of what looks like one, so "
        "the items are spaced and numbered as two lists, and the source reads inconsistently.",
        "- Stop the workers\n* Stop the API\n",
        "- Stop the workers\n- Stop the API\n",
    ),
    md_rule(
        "MD005",
        "list-indent",
        "Items of the same list level are indented by the same amount.",
        "An item indented one space more than its siblings looks nested in the source but is "
        "not in the page; whoever edits it next guesses which one was meant.",
        "- Stop the workers\n - Stop the API\n",
        "- Stop the workers\n- Stop the API\n",
    ),
    md_rule(
        "MD007",
        "ul-indent",
        "A nested bullet list is indented by two spaces per level.",
        "Renderers disagree about deeper indentation: four spaces nest the item in one and turn "
        "it into a code block or a sibling in another. Two spaces mean the same everywhere.",
        "- Stop the workers\n    - Wait for the queue to drain\n",
        "- Stop the workers\n  - Wait for the queue to drain\n",
    ),
    md_rule(
        "MD009",
        "no-trailing-spaces",
        "No line ends with spaces (two are allowed where they mean a line break).",
        "Trailing spaces are invisible, show up as noise in every diff, and a single one at the "
        "end of a command line copied from the page can change what the shell does with a `\\`.",
        "Stop the workers. \n",
        "Stop the workers.\n",
    ),
    md_rule(
        "MD010",
        "no-hard-tabs",
        "No line contains a tab character; indent with spaces.",
        "A tab's width depends on the editor, so nesting that looks right in one is wrong in "
        "another, and a tab pasted into an interactive shell triggers completion instead of "
        "typing a space.",
        "Stop\tthe workers.\n",
        "Stop the workers.\n",
    ),
    md_rule(
        "MD012",
        "no-multiple-blanks",
        "No more than one blank line in a row.",
        "Extra blank lines change nothing in the page and make the source look like a section "
        "ended where it did not.",
        "# Backup Procedures\n\n\nTake a snapshot first.\n",
        "# Backup Procedures\n\nTake a snapshot first.\n",
    ),
    md_rule(
        "MD014",
        "commands-show-output",
        "A code block does not put `$ ` before every command unless it also shows output.",
        "An operator copies the block and pastes it into a shell: with a prompt on every line "
        "each command fails with `$: command not found`. Prompts belong in `console` blocks "
        "that show what the commands print.",
        "```bash\n$ opsctl service status\n$ opsctl health\n```\n",
        "```bash\nopsctl service status\nopsctl health\n```\n",
    ),
    md_rule(
        "MD027",
        "no-multiple-space-blockquote",
        "A block quote has one space after its `>`.",
        "More spaces are easy to add by accident and, past four, turn the quoted text into a "
        "code block.",
        ">  Never clear a halt by hand.\n",
        "> Never clear a halt by hand.\n",
    ),
    md_rule(
        "MD028",
        "no-blanks-blockquote",
        "Two block quotes are not separated by only a blank line.",
        "Renderers disagree whether `> a`, a blank line and `> b` is one quote or two; a `>` on "
        "the empty line makes it one, text between them makes it two.",
        "> Never clear a halt by hand.\n\n> Escalate instead.\n",
        "> Never clear a halt by hand.\n>\n> Escalate instead.\n",
    ),
    md_rule(
        "MD029",
        "ol-prefix",
        "Numbered list items are numbered 1, 2, 3 (or all 1).",
        "The page renumbers the list anyway, so a source that says `1, 3` shows `1, 2`: the "
        "numbers an author reads while editing differ from the ones an operator follows.",
        "1. Stop the workers\n3. Stop the API\n",
        "1. Stop the workers\n2. Stop the API\n",
    ),
    md_rule(
        "MD030",
        "list-marker-space",
        "A list marker is followed by one space.",
        "Extra spaces after `-` or `1.` change how far continuation lines must be indented, so "
        "a later paragraph or code block silently falls out of the item.",
        "-  Stop the workers\n",
        "- Stop the workers\n",
    ),
    md_rule(
        "MD031",
        "blanks-around-fences",
        "A fenced code block has a blank line above and below it.",
        "Without the blank lines some renderers keep the fence inside the paragraph, and the "
        "command an operator is meant to copy is shown as text.",
        "Check the service:\n```bash\nopsctl service status\n```\n",
        "Check the service:\n\n```bash\nopsctl service status\n```\n",
    ),
    md_rule(
        "MD032",
        "blanks-around-lists",
        "A list has a blank line above and below it.",
        "A list glued to the paragraph above it is easy to misread in the source as a "
        "continuation of that paragraph, and some renderers show it that way.",
        "Before you start:\n- Open a ticket\n",
        "Before you start:\n\n- Open a ticket\n",
    ),
    md_rule(
        "MD035",
        "hr-style",
        "Horizontal rules use one style (by default, the first one's).",
        "`---`, `***` and `___` all draw the same line; using one keeps the source consistent "
        "and searchable.",
        "Part one.\n\n---\n\nPart two.\n\n***\n",
        "Part one.\n\n---\n\nPart two.\n\n---\n",
    ),
    md_rule(
        "MD040",
        "fenced-code-language",
        "A fenced code block names its language.",
        "The language says what the block is: `bash` is a command to run (and is checked "
        "against the CLI contracts), `text` or `console` is output to compare with. Without it "
        "the reader and the checker have to guess.",
        "```\nopsctl service status\n```\n",
        "```bash\nopsctl service status\n```\n",
    ),
    md_rule(
        "MD046",
        "code-block-style",
        "Code blocks use one style: fenced (```) or indented, not both.",
        "Indented code blocks cannot name a language and are easy to create by accident with "
        "four spaces; mixing the two styles hides such accidents.",
        "```bash\nopsctl service status\n```\n\n    opsctl health\n",
        "```bash\nopsctl service status\n```\n\n```bash\nopsctl health\n```\n",
    ),
    md_rule(
        "MD047",
        "single-trailing-newline",
        "A file ends with exactly one newline.",
        "A missing final newline shows in every diff of the last line, and tools that append "
        "to the file (an index row added by `runbook-lint new`) glue their text to it.",
        "# Backup Procedures",
        "# Backup Procedures\n",
    ),
    md_rule(
        "MD048",
        "code-fence-style",
        "Code fences use one character: backticks or tildes, not both.",
        "One fence character keeps the source consistent, and a search for the blocks of a "
        "language (```` ```bash ````) finds all of them.",
        "```bash\nopsctl service status\n```\n\n~~~bash\nopsctl health\n~~~\n",
        "```bash\nopsctl service status\n```\n\n```bash\nopsctl health\n```\n",
    ),
    md_rule(
        "MD055",
        "table-pipe-style",
        "Every row of a table has the same leading and trailing pipes.",
        "A row without its trailing pipe still renders, but the next row added by copying it "
        "inherits the difference, and the table's source stops lining up.",
        "| Condition | Escalate To |\n| --- | --- |\n| Backup fails | Database on-call\n",
        "| Condition | Escalate To |\n| --- | --- |\n| Backup fails | Database on-call |\n",
    ),
    md_rule(
        "MD056",
        "table-column-count",
        "Every row of a table has as many cells as the header.",
        "A missing cell is rendered empty and an extra one is dropped without a word: an "
        "escalation row that lost its Contact column still looks like a table.",
        "| Condition | Escalate To |\n| --- | --- |\n| Backup fails |\n",
        "| Condition | Escalate To |\n| --- | --- |\n| Backup fails | Database on-call |\n",
    ),
    md_rule(
        "MD058",
        "blanks-around-tables",
        "A table has a blank line above and below it.",
        "A table needs a blank line to end: text or a quote that follows it directly is read "
        "as another row by some renderers and as a new block by others.",
        "| Condition | Escalate To |\n| --- | --- |\n| Backup fails | Database on-call |\n"
        "> Page before you restore.\n",
        "| Condition | Escalate To |\n| --- | --- |\n| Backup fails | Database on-call |\n\n"
        "> Page before you restore.\n",
    ),
    md_rule(
        "MD060",
        "table-column-style",
        "Every row of a table is laid out in one style: aligned, compact or tight.",
        "Rows padded one way and rows padded another make the source of a table hard to read "
        "and every edit a reformatting; one style keeps the diff to the cells that changed.",
        "| Condition | Escalate To |\n|-----------|-------------|\n| Backup fails | DBA |\n",
        "| Condition | Escalate To |\n| --- | --- |\n| Backup fails | DBA |\n",
    ),
)
