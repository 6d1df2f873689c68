"""The documentation site: the validated catalog rendered into Markdown and data files
(Jinja2), then built by mkdocs-material. Generation is a standalone step, not an mkdocs plugin,
so that any tool reading mkdocs.yml (mkdocs, Zensical) can build the result."""
