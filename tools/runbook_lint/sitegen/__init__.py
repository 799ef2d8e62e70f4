"""Site generation for the mkdocs plugin: pages built from the library, rules and schemas."""
