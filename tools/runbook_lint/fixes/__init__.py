"""Fixes: the edits a finding may carry, built where the finding is made, applied in one place.

`apply` plans and writes every fix of a run (all or nothing per file, atomic writes, `--diff`
previews); `sections` and `index_row` build the fixes of RB101 (missing sections) and RB301
(a runbook missing from the index), which `runbook-lint new` also uses.
"""
