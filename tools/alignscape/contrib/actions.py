"""What `alignscape new` (drafts, wizard, --from-issue), `alignscape fmt` and `alignscape
issue-form` do, with their messages; the command modules only parse arguments."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from alignscape.catalog.validation import load_vocabulary, shown_path
from alignscape.contrib import bibtex, draft, issueform, wizard
from alignscape.contrib.entryfmt import FormatRefused, Vocabulary, format_entry


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _taxonomy(root: Path):
    taxonomy, _, findings = load_vocabulary(root)
    if taxonomy is None:
        for finding in findings:
            _err(finding.format())
        _err("alignscape: the taxonomy does not validate; run alignscape validate")
    return taxonomy


def _known_ids(root: Path) -> set[str]:
    return {p.stem for p in (root / "catalog" / "entries").glob("*.yaml")}


def _report(outcome: draft.Outcome, relocate=None) -> int:
    if outcome.merged is not None:
        if outcome.merged.added:
            print(f"added @{outcome.merged.key} to catalog/references.bib")
        else:
            print(f"references.bib already holds this work ({outcome.merged.reason}); "
                  f"cite: {outcome.merged.key}")
    print(f"wrote {shown_path(outcome.path)}")
    if not outcome.findings:
        print(f"it validates; next: alignscape fmt {shown_path(outcome.path)}, then read it "
              "against the paper once more")
        return 0
    for finding in outcome.findings:
        located = relocate(finding) if relocate else None
        print(located or finding.format())
    _err(f"the draft is not complete yet: {len(outcome.findings)} problem(s) above; fix them "
         f"in {shown_path(outcome.path)} and run: alignscape validate "
         f"{shown_path(outcome.path)}")
    return 1


def new_draft(root: Path, args, interactive: bool) -> int:
    taxonomy = _taxonomy(root)
    if taxonomy is None:
        return 1
    data: dict = {}
    for name in ("id", "kind", "short_name", "name", "year", "arxiv", "cite", "summary"):
        if getattr(args, name, None):
            data[name] = getattr(args, name)
    try:
        for assignment in args.set:
            draft.apply_assignment(data, assignment, taxonomy)
    except draft.DraftError as exc:
        _err(f"alignscape new: --set {exc}")
        return 2
    bib_text, bib_shown = None, "BibTeX"
    if args.bibtex:
        if args.bibtex == "-":
            if interactive:
                _err("alignscape new: --bibtex - reads stdin, which the wizard needs; give a "
                     "file, or paste the BibTeX when asked")
                return 2
            bib_text, bib_shown = sys.stdin.read(), "<stdin>"
        else:
            try:
                bib_text = Path(args.bibtex).read_text(encoding="utf-8")
                bib_shown = args.bibtex
            except (OSError, UnicodeDecodeError) as exc:
                _err(f"alignscape new: cannot read {args.bibtex}: {exc}")
                return 2
    if interactive:
        try:
            data, bib_text = wizard.run(wizard.Prompter(), taxonomy, _known_ids(root), data,
                                        bib_text)
        except wizard.Aborted:
            _err("\nalignscape new: stopped; nothing written")
            return 1
    data.setdefault("kind", "method")
    try:
        data, record = draft.prepare(data, bib_text, root)
    except bibtex.BibtexProblem as problem:
        _err(f"{bib_shown}:{problem.line}: bibtex: {problem.message}")
        return 1
    try:
        outcome = draft.write(data, record, root, taxonomy, args.force)
    except (draft.DraftError, bibtex.BibtexProblem) as exc:
        _err(f"alignscape new: {exc}")
        return 1
    return _report(outcome)


def _path_of(dotted: str) -> tuple[str, ...]:
    return tuple(p for p in re.sub(r"\[\d+\]", "", dotted).split(".") if p)


def new_from_issue(root: Path, source: Path, force: bool = False) -> int:
    shown = shown_path(source)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        _err(f"{shown}: no such file")
        return 2
    except (OSError, UnicodeDecodeError) as exc:
        _err(f"{shown}: cannot be read as UTF-8 text ({exc})")
        return 2
    taxonomy = _taxonomy(root)
    if taxonomy is None:
        return 1
    answers = issueform.parse_issue(text, taxonomy, _known_ids(root))
    if answers.errors:
        for error in sorted(answers.errors, key=lambda e: e.line):
            print(error.format(shown))
        _err(f"{len(answers.errors)} problem(s) in the form; nothing written")
        return 1
    try:
        data, record = draft.prepare(answers.data, answers.bibtex, root)
    except bibtex.BibtexProblem as problem:
        line = answers.bibtex_line + problem.line - 1
        print(issueform.FormError(line, "bibtex", problem.message).format(shown))
        return 1
    if data.get("id") in _known_ids(root) and not force:
        print(issueform.FormError(answers.line_of(("short_name",)) or 1, "id",
                                  f"an entry {data['id']!r} exists already",
                                  "a new id (fill in the Entry id field)").format(shown))
        return 1
    try:
        outcome = draft.write(data, record, root, taxonomy, force)
    except (draft.DraftError, bibtex.BibtexProblem) as exc:
        _err(f"alignscape new: {exc}")
        return 1
    draft_shown = shown_path(outcome.path)

    def relocate(finding) -> str | None:
        if finding.path != draft_shown:
            return None
        line = answers.line_of(_path_of(finding.field))
        if line is None:
            return None
        tail = finding.message + (f", expected {finding.expected}" if finding.expected else "")
        return f"{shown}:{line}: {finding.field}: {tail} [{finding.code}; draft line " \
               f"{finding.line}]"
    return _report(outcome, relocate)


# --- fmt ----------------------------------------------------------------------------------

def _targets(root: Path, paths: list[Path]) -> list[Path]:
    if not paths:
        return [*sorted((root / "catalog" / "entries").glob("*.yaml")),
                root / "catalog" / "references.bib"]
    out = []
    for path in paths:
        if path.is_dir():
            out += sorted(path.glob("*.yaml")) + sorted(path.glob("*.bib"))
        else:
            out.append(path)
    return out


def format_text(path: Path, text: str, vocab: Vocabulary) -> str:
    """FormatRefused or bibtex.BibtexProblem when the file cannot be formatted safely."""
    if path.suffix == ".bib":
        formatted = bibtex.format_bibliography(text)
        if bibtex.bibliography_data(formatted) != bibtex.bibliography_data(text):
            raise FormatRefused("formatting would change an entry's fields; left as it is")
        return formatted
    return format_entry(text, vocab)


def fmt(root: Path, paths: list[Path], check: bool) -> int:
    taxonomy = _taxonomy(root)
    if taxonomy is None:
        return 1
    vocab = Vocabulary.from_taxonomy(taxonomy)
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        _err(f"{path}: no such file or folder")
    if missing:
        return 2
    changed, refused = [], 0
    for path in _targets(root, paths):
        if path.suffix not in (".yaml", ".yml", ".bib") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            formatted = format_text(path, text, vocab)
        except UnicodeDecodeError:
            _err(f"{shown_path(path)}: skipped: not UTF-8 text")
            refused += 1
            continue
        except (FormatRefused, bibtex.BibtexProblem) as exc:
            _err(f"{shown_path(path)}: skipped: {exc}")
            refused += 1
            continue
        if formatted != text:
            changed.append(path)
            if check:
                print(f"would reformat {shown_path(path)}")
            else:
                path.write_text(formatted, encoding="utf-8")
                print(f"reformatted {shown_path(path)}")
    if check and changed:
        _err(f"{len(changed)} file(s) would be reformatted; run: alignscape fmt")
        return 1
    if refused:
        _err(f"{refused} file(s) could not be formatted; alignscape validate says why")
    return 0


def issue_form(root: Path, out: Path | None, check: bool) -> int:
    taxonomy = _taxonomy(root)
    if taxonomy is None:
        return 1
    path = out or root / issueform.FORM_PATH
    text = issueform.render_form(taxonomy)
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if check:
        if current != text:
            print(f"{shown_path(path)} is out of date with catalog/taxonomy.yaml; run: "
                  "alignscape issue-form")
            return 1
        return 0
    if current != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {shown_path(path)}")
    return 0
