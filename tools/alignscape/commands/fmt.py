"""alignscape fmt [PATH ...] [--check]: the canonical layout of entries and references.bib."""

from __future__ import annotations

from pathlib import Path

from alignscape.commands import root_of


def register(sub) -> None:
    parser = sub.add_parser(
        "fmt", help="put entries and references.bib in the canonical layout",
        description="Reorder entry keys into the canonical order (comments move with the key "
        "below them; values are never rewritten) and give references.bib one layout (entries "
        "in file order, fields in a fixed order). Without paths: every entry and "
        "catalog/references.bib. A file is only rewritten if it still loads to the same data.")
    parser.add_argument("paths", nargs="*", type=Path, help="entry files, .bib files or folders")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; name the files that would change and exit 1")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.contrib.actions import fmt

    return fmt(root_of(args), list(args.paths), args.check)
