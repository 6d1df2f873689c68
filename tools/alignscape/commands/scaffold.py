"""alignscape new: a commented template (new ID --kind K), a guided wizard (new), a draft from
flags (new --short-name ... --set ...), or a draft from a filled proposal issue (--from-issue)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from alignscape.commands import root_of

CONTENT_FLAGS = ("short_name", "name", "year", "arxiv", "cite", "summary", "set", "bibtex")


def register(sub) -> None:
    parser = sub.add_parser(
        "new", help="add an entry: template, wizard, flags or a proposal issue",
        description="`new ID --kind K` writes a commented template to fill in. `new` alone "
        "asks for each field, offering the taxonomy's options with their definitions. Given "
        "content flags (--short-name, --set, --bibtex...) it writes a draft without asking "
        "(add --wizard to be asked for the rest). --from-issue reads a filled proposal form. "
        "Drafts are validated at once and every missing or wrong field is reported.")
    parser.add_argument("id", nargs="?", help="lower-case snake_case id, e.g. my_method "
                        "(drafts derive it from the short name)")
    parser.add_argument("--kind", choices=["method", "dataset", "system", "objective",
                                           "benchmark"])
    parser.add_argument("--short-name", dest="short_name")
    parser.add_argument("--name", help="full name or the paper's title")
    parser.add_argument("--year", type=int)
    parser.add_argument("--arxiv", help="arXiv id, e.g. 2305.18290")
    parser.add_argument("--cite", help="an existing key of references.bib (instead of --bibtex)")
    parser.add_argument("--summary")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="any other field, repeatable: synthesis.sources=a,b, "
                        "synthesis.evidence='Section 3 ...', synthesis.open='...', "
                        "iteration=iterative_online, training.paradigm=direct_preference, "
                        "links.code=URL, builds_on=dpo")
    parser.add_argument("--bibtex", metavar="FILE|-", help="the paper's BibTeX ('-': stdin); "
                        "normalised and merged into catalog/references.bib")
    parser.add_argument("--wizard", action="store_true",
                        help="ask for whatever the flags leave out")
    parser.add_argument("--from-issue", dest="from_issue", type=Path, metavar="FILE",
                        help="a filled proposal issue form saved as Markdown")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(handler=run)


def run(args) -> int:
    root = root_of(args)
    if args.from_issue:
        from alignscape.contrib.actions import new_from_issue

        return new_from_issue(root, args.from_issue, args.force)
    content = any(getattr(args, name) for name in CONTENT_FLAGS)
    if args.id and not content and not args.wizard:
        return template(args, root)
    from alignscape.contrib.actions import new_draft

    return new_draft(root, args, interactive=args.wizard or not content)


def template(args, root: Path) -> int:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_]{1,63}", args.id):
        print(f"alignscape new: {args.id!r} is not a valid id (lower-case letters, digits and "
              "underscores, 2-64 characters)", file=sys.stderr)
        return 2
    path = root / "catalog" / "entries" / f"{args.id}.yaml"
    if path.exists() and not args.force:
        print(f"alignscape new: {path} exists (use --force to overwrite)", file=sys.stderr)
        return 1
    # Imported when run so that the CLI, which imports every command, starts fast.
    from alignscape.catalog.scaffold import render_template

    path.write_text(render_template(args.id, args.kind or "method", root), encoding="utf-8")
    print(f"wrote {path}; fill in every TODO, then run: alignscape validate {path}")
    return 0
