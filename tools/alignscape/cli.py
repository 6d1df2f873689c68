"""The `alignscape` command: thin argument parsing over the library layers.

Each command lives in a module under alignscape.commands with `register(subparsers)`; this file
only collects them, so adding a command never touches another.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "alignscape.commands.validate",
    "alignscape.commands.scaffold",
    "alignscape.commands.build",
    "alignscape.commands.serve",
    "alignscape.commands.query",
    "alignscape.commands.pareto",
    "alignscape.commands.similar",
    "alignscape.commands.gaps",
    "alignscape.commands.explain",
    "alignscape.commands.recommend",
    "alignscape.commands.run",
    "alignscape.commands.measure",
    "alignscape.commands.fmt",
    "alignscape.commands.issue_form",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alignscape",
        description="An open atlas of alignment-data pipelines for large language models.")
    parser.add_argument("--root", help="project root (default: the nearest parent holding "
                        "catalog/taxonomy.yaml, or $ALIGNSCAPE_ROOT)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args) or 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
