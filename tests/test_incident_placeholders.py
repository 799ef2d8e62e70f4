"""What incident mode asks for: placeholders the operator supplies, read from the shell syntax
tree; never the variables a page's commands set themselves."""

from __future__ import annotations

from runbook_lint.document import Document
from runbook_lint.sitegen.placeholders import placeholders


def _page(block: str, verify: str = "") -> Document:
    text = f"# T\n\n## Procedure\n\n### Step 1: Act\n\n```bash\n{block}\n```\n"
    if verify:
        text += f"\n**Verification:**\n\n- Command to verify: `{verify}`\n"
    return Document.parse("runbooks/t.md", text)


SETS_ITS_OWN = """STAMP=$(date -u +%Y%m%dT%H%M%SZ)
for check in 1 2 3; do echo "$check $STAMP"; done
select choice in a b; do echo "$choice"; break; done
for ((i = 0; i < 3; i++)); do echo "$i"; done
read -r -a parts line < "$STAMP.txt"; echo "${parts[0]} $line"
mapfile -t rows < rows.txt; echo "${rows[@]}"
printf -v label '%s' x; echo "$label"
export REGION=eu; local depth; declare -i count=0; echo "$REGION $depth $count"
(( total += 1 )); let size=2; echo "$total $size"
getopts ab flag; echo "$flag"
echo "$HOME_DIR" "$1" "$?"
"""


def test_variables_the_commands_set_are_never_asked_for() -> None:
    found = placeholders(_page(SETS_ITS_OWN))
    assert found.placeholders == []
    assert found.environment == ["HOME_DIR"]  # read, never set: the operator's environment
    expected = {"STAMP", "check", "choice", "i", "parts", "line", "rows", "label", "REGION"}
    expected |= {"depth", "count", "total", "size", "flag"}
    assert expected <= set(found.assigned)


def test_a_loop_variable_read_before_the_loop_is_still_the_page_s_own() -> None:
    found = placeholders(_page('echo "$check"\nfor check in 1 2; do :; done'))
    assert found.environment == []


def test_a_placeholder_for_a_value_the_page_computes_is_filled_with_its_variable() -> None:
    block = 'STAMP=$(date -u +%Y%m%d)\nopsctl events snapshot --output "<backup-dir>/s-$STAMP"'
    found = placeholders(_page(block, verify="opsctl backup verify <backup-dir>/s-<stamp>"))
    by_token = {p.token: p for p in found.placeholders}
    assert by_token["<stamp>"].computed == "STAMP"
    assert by_token["<backup-dir>"].computed is None
    assert [p.token for p in found.asked] == ["<backup-dir>"]
    assert by_token["<stamp>"].as_json()["computed"] == "STAMP"


def test_a_placeholder_bound_to_a_variable_is_asked_even_if_reassigned() -> None:
    found = placeholders(_page('RUN_ID=<run-id>\nRUN_ID=$(cat id)\necho "$RUN_ID"'))
    assert [(p.token, p.variables, p.computed) for p in found.placeholders] == [
        ("<run-id>", ["RUN_ID"], None)
    ]


QUOTED = """opsctl halt trigger --reason "<halt-reason>" --operator <operator-id>
jq '.runs[] | select(.id == "<run-id>")' state.json
echo "$(cat <bare-in-substitution>)"
cat <<EOF
note <in-heredoc>
EOF
cat <<'EOF'
note <in-quoted-heredoc>
EOF
# a comment naming <in-comment>
"""


def test_how_each_placeholder_is_quoted_decides_what_its_value_may_hold() -> None:
    quoting = {p.token: sorted(p.quoting) for p in placeholders(_page(QUOTED)).placeholders}
    assert quoting == {
        "<halt-reason>": ["double"],
        "<operator-id>": ["bare"],
        "<run-id>": ["single"],
        "<bare-in-substitution>": ["bare"],
        "<in-heredoc>": ["heredoc"],
        "<in-quoted-heredoc>": ["literal"],
        "<in-comment>": ["literal"],
    }


def test_the_library_asks_only_for_values_the_operator_supplies() -> None:
    """On every runbook and drill: no variable the page sets is asked for or listed as the
    operator's environment, and a reason the commands quote is known to be quoted."""
    from runbook_lint.config import load
    from runbook_lint.sitegen.library import load as load_library

    library = load_library(load())
    pages = {u: d for u, d in library.documents.items() if d.kind in ("runbook", "drill")}
    assert pages
    for uri, doc in pages.items():
        found = placeholders(doc)
        assert not set(found.environment) & set(found.assigned), uri
        for placeholder in found.asked:
            assert placeholder.computed is None
    found = placeholders(pages["runbooks/operator-recovery.md"])
    assert "check" in found.assigned and "check" not in found.environment
    epic3 = {p.token: p for p in placeholders(pages["runbooks/epic-3-halt-fork.md"]).asked}
    assert "<stamp>" not in epic3
    assert epic3["<halt-reason>"].quoting == {"double"}
