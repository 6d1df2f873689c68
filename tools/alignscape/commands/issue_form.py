"""alignscape issue-form: the proposal issue form, generated from the taxonomy."""

from __future__ import annotations

from pathlib import Path

from alignscape.commands import root_of


def register(sub) -> None:
    parser = sub.add_parser(
        "issue-form", help="write the proposal issue form from the taxonomy",
        description="Write .github/ISSUE_TEMPLATE/propose-entry.yml, a GitHub issue form whose "
        "fields mirror the entry schema and list every taxonomy option; read back by "
        "`alignscape new --from-issue`.")
    parser.add_argument("--out", type=Path, help="where to write (default: "
                        ".github/ISSUE_TEMPLATE/propose-entry.yml under the project root)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the file differs from what would be written")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.contrib.actions import issue_form

    return issue_form(root_of(args), args.out, args.check)
