"""`runbook-lint server`: the Language Server Protocol over stdio.

`session.py` keeps what stays true between checks (configuration, parsed files, contracts and
schemas, editor buffers) and checks an open file through the engine, as `check FILE` would;
`positions.py` turns the checker's 1-based positions into the editor's; `diagnostics.py`
makes diagnostics and code actions of findings and their safe fixes; `protocol.py` is the
pygls server that wires them to the editor's messages. Only `protocol.py` and
`diagnostics.py` import pygls and lsprotocol, and only `runbook-lint server` imports them.
"""
