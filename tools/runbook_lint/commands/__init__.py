"""Command snippets in runbooks, checked against CLI contracts.

Data flows one way: Markdown code (from the Document) -> snippets with a position map ->
shell syntax tree -> invocations -> program resolution -> contract check -> problems with
exact Markdown positions. Heavy imports (tree-sitter, jsonschema, yaml) happen lazily.
"""
