"""alignscape new ID --kind KIND: a commented template entry."""

from __future__ import annotations

import re
import sys

from alignscape.commands import root_of


def register(sub) -> None:
    parser = sub.add_parser("new", help="write a commented template entry",
                            description="Write catalog/entries/ID.yaml from a template whose "
                            "TODO fields you fill in; it validates once they are filled.")
    parser.add_argument("id", help="lower-case snake_case id, e.g. my_method")
    parser.add_argument("--kind", default="method",
                        choices=["method", "dataset", "system", "objective", "benchmark"])
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_]{1,63}", args.id):
        print(f"alignscape new: {args.id!r} is not a valid id (lower-case letters, digits and "
              "underscores, 2-64 characters)", file=sys.stderr)
        return 2
    path = root_of(args) / "catalog" / "entries" / f"{args.id}.yaml"
    if path.exists() and not args.force:
        print(f"alignscape new: {path} exists (use --force to overwrite)", file=sys.stderr)
        return 1
    # Imported when run so that the CLI, which imports every command, starts fast.
    from alignscape.catalog.scaffold import render_template

    path.write_text(render_template(args.id, args.kind), encoding="utf-8")
    print(f"wrote {path}; fill in every TODO, then run: alignscape validate {path}")
    return 0
