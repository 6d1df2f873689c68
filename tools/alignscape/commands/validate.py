"""alignscape validate [PATH ...]: every problem in the catalog, located, at once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from alignscape.catalog.findings import RULES, rules_markdown
from alignscape.catalog.validate import validate_catalog
from alignscape.commands import root_of


def register(sub) -> None:
    parser = sub.add_parser("validate", help="check entries, taxonomy, trade-offs and BibTeX",
                            description="Validate the catalog (or the given entry files, in the "
                            "context of the catalog). Exit 1 on any problem.")
    parser.add_argument("paths", nargs="*", type=Path, help="entry files or folders")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(handler=run)
    rules = sub.add_parser("rules", help="list the validation rule codes")
    rules.add_argument("--markdown", action="store_true", help="as a Markdown table")
    rules.set_defaults(handler=list_rules)


def run(args) -> int:
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    result = validate_catalog(root_of(args), list(args.paths))
    if args.format == "json":
        print(json.dumps({"ok": not result.errors, "files": result.files_checked,
                          "findings": [f.as_dict() for f in result.findings]}, indent=2))
    else:
        for finding in result.findings:
            print(finding.format())
        status = "ok" if not result.errors else f"{len(result.errors)} problem(s)"
        print(f"{result.files_checked} entry file(s) checked: {status}", file=sys.stderr)
    return 1 if result.errors else 0


def list_rules(args) -> int:
    if args.markdown:
        sys.stdout.write(rules_markdown())
    else:
        for code, (name, meaning) in RULES.items():
            print(f"{code}  {name:22} {meaning}")
    return 0
