"""Report artifacts: the catalog, JSON with source positions, schemas and field references.

Nothing here imports jsonschema or referencing at module level; validation imports them only
when a sample or schema is actually checked.
"""
