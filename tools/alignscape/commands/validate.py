"""alignscape validate [PATH ...]: every problem in the catalog, located, at once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from alignscape.commands import root_of


def register(sub) -> None:
    parser = sub.add_parser("validate", help="check entries, taxonomy, trade-offs and BibTeX",
                            description="Validate the catalog (or the given entry files, in the "
                            "context of the catalog). Exit 1 on any problem.")
    parser.add_argument("paths", nargs="*", type=Path, help="entry files or folders")
    parser.add_argument("--format", choices=["text", "json", "github"], default="text",
                        help="github: one ::error workflow command per finding (annotations)")
    parser.add_argument("--changed", nargs="?", const="", default=None, metavar="BASE",
                        help="only the entry files changed since the git commit BASE (default "
                        "origin/main if it exists, else HEAD), plus staged and untracked ones, "
                        "in the context of the whole catalog")
    parser.set_defaults(handler=run)
    rules = sub.add_parser("rules", help="list the validation rule codes")
    rules.add_argument("--markdown", action="store_true", help="as a Markdown table")
    rules.set_defaults(handler=list_rules)
    schema = sub.add_parser("schema", help="write the entry schema with the vocabulary inlined",
                            description="Write a self-contained entry JSON Schema (option ids "
                            "from taxonomy.yaml inlined) for editors such as VS Code's YAML "
                            "extension.")
    schema.add_argument("--out", type=Path, default=Path("build/entry.schema.json"))
    schema.set_defaults(handler=write_schema)


def run(args) -> int:
    root = root_of(args)
    if args.changed is not None:
        if args.paths:
            print("alignscape validate: give paths or --changed, not both", file=sys.stderr)
            return 2
        from alignscape.contrib.changes import GitError, changed_since

        try:
            changes = changed_since(root, args.changed or None)
        except GitError as exc:
            print(f"alignscape validate --changed: {exc}", file=sys.stderr)
            return 2
        if changes.needs_whole_catalog:
            why = ", ".join(changes.shared + [f"{d} deleted" for d in changes.deleted])
            print(f"changed since {changes.base}: {why}; validating the whole catalog",
                  file=sys.stderr)
            args.paths = []
        elif not changes.entries:
            print(f"no catalog file changed since {changes.base}", file=sys.stderr)
            return 0
        else:
            args.paths = changes.entries
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    # Imported when run: the CLI imports every command module, and jsonschema and networkx
    # would add a quarter of a second to every cached `alignscape query`.
    from alignscape.catalog.validation import validate_catalog

    result = validate_catalog(root, list(args.paths))
    if args.format == "github":
        from alignscape.contrib.annotations import github_line

        for finding in result.findings:
            print(github_line(finding, root))
        _status(args, result)
    elif args.format == "json":
        print(json.dumps({"ok": not result.errors, "files": result.files_checked,
                          "findings": [f.as_dict() for f in result.findings]}, indent=2))
    else:
        for finding in result.findings:
            print(finding.format())
        _status(args, result)
    return 1 if result.errors else 0


def _status(args, result) -> None:
    status = "ok" if not result.errors else f"{len(result.errors)} problem(s)"
    if args.changed is not None and args.paths:
        scope = (f"{len(args.paths)} changed entry file(s) checked against "
                 f"{result.files_checked}")
    else:
        scope = f"{result.files_checked} entry file(s) checked"
    print(f"{scope}: {status}", file=sys.stderr)


def write_schema(args) -> int:
    from alignscape.catalog.schemas import bundled_entry_schema, write_bundled
    from alignscape.catalog.validation import load_vocabulary

    taxonomy, tradeoffs, findings = load_vocabulary(root_of(args))
    if taxonomy is None or tradeoffs is None:
        for finding in findings:
            print(finding.format(), file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_bundled(args.out, bundled_entry_schema(taxonomy, list(tradeoffs.dimensions),
                                                 list(tradeoffs.levels)))
    print(f"wrote {args.out}")
    return 0


def list_rules(args) -> int:
    from alignscape.catalog.findings import RULES, rules_markdown

    if args.markdown:
        sys.stdout.write(rules_markdown())
    else:
        for code, (name, meaning) in RULES.items():
            print(f"{code}  {name:22} {meaning}")
    return 0
