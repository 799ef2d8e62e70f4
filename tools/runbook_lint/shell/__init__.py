"""Shell commands in runbooks, checked against CLI contracts.

Data flows one way: Markdown code (from the Document) -> snippets with a position map
(`snippets`) -> shell syntax tree and invocations (`syntax`) -> program resolution (`wrappers`,
`programs`) -> contract check (`spec`, `loader`, `introspect`, `checker`) -> problems with exact
Markdown positions (`analysis`). Heavy imports (tree-sitter, jsonschema, yaml) happen lazily.
"""
