"""`alignscape new` as a wizard: plain input() prompts, one question at a time, offering each
taxonomy dimension's options with their definitions. Answers already given as flags are not
asked again. The wizard only gathers answers; draft.py turns them into files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from alignscape.contrib import bibtex
from alignscape.contrib.draft import ID_PATTERN, KINDS, slug
from alignscape.suggest import suggest
from alignscape.taxonomy import Dimension, Taxonomy

WRAP = 100
STAGE_MODES = (
    ("classify", "it prescribes this stage: classify each dimension"),
    ("open", "it leaves this stage (or part of it) to the data: say what it accepts (open:)"),
    ("not_applicable", "the stage does not apply to this work (not_applicable:)"),
)
CONFIDENCE = ("high", "medium", "low")


class Aborted(Exception):
    """The input ended (Ctrl-D) before the wizard did."""


class Prompter:
    def __init__(self, read: Callable[[str], str] = input, write: Callable[[str], None] = print):
        self.read, self.write = read, write

    def line(self, prompt: str, default: str = "", required: bool = False,
             check: Callable[[str], str | None] | None = None) -> str:
        """One line; `check` returns an error message or None."""
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        while True:
            try:
                answer = self.read(shown).strip()
            except EOFError:
                raise Aborted from None
            answer = answer or default
            if not answer and required:
                self.write("  an answer is needed here")
                continue
            problem = check(answer) if (check and answer) else None
            if problem:
                self.write(f"  {problem}")
                continue
            return answer

    def text(self, prompt: str, required: bool = False, minimum: int = 0) -> str:
        """Several lines, ended by an empty line; joined with spaces."""
        self.write(f"{prompt} (end with an empty line):")
        while True:
            lines = []
            while True:
                try:
                    line = self.read("> " if not lines else ". ")
                except EOFError:
                    if lines:
                        break
                    raise Aborted from None
                if not line.strip():
                    break
                lines.append(line.rstrip())
            text = " ".join(" ".join(lines).split())
            if not text and not required:
                return ""
            if len(text) >= max(minimum, 1):
                return text
            self.write(f"  at least {max(minimum, 1)} characters, please")

    def raw_block(self, prompt: str) -> str:
        """Lines kept as typed (for pasted BibTeX), ended by an empty line."""
        self.write(prompt)
        lines = []
        while True:
            try:
                line = self.read("> " if not lines else ". ")
            except EOFError:
                break
            if not line.strip():
                break
            lines.append(line.rstrip("\n"))
        return "\n".join(lines)

    def choose(self, title: str, options: list[tuple[str, str]], many: bool,
               default: str = "", required: bool = False) -> list[str]:
        """Options as (id, description); answered by number or id, comma-separated if many."""
        self.write(title)
        for i, (option_id, description) in enumerate(options, 1):
            lead = f"  {i:>2}) {option_id}"
            body = textwrap.wrap(description, WRAP - 8) or [""]
            self.write(f"{lead} - {body[0]}" if len(lead) + len(body[0]) < WRAP - 3
                       else f"{lead}\n        {body[0]}")
            for rest in body[1:]:
                self.write(f"        {rest}")
        ids = [o for o, _ in options]
        how = "numbers or ids, comma-separated" if many else "a number or an id"
        extra = "" if required else "; Enter skips"

        def check(answer: str) -> str | None:
            for token in answer.replace(",", " ").split():
                if not _pick(token, ids):
                    near = suggest(token, ids)
                    hint = f"; did you mean {near}?" if near else ""
                    return f"{token!r} is not one of the options (1-{len(ids)}){hint}"
            if not many and len(answer.replace(",", " ").split()) > 1:
                return "one option only here"
            return None

        answer = self.line(f"  choose ({how}{extra})", default, required, check)
        return [_pick(t, ids) for t in answer.replace(",", " ").split()] if answer else []


def _pick(token: str, ids: list[str]) -> str | None:
    if token.isdigit():
        index = int(token) - 1
        return ids[index] if 0 <= index < len(ids) else None
    return token if token in ids else None


def _option_lines(dim: Dimension) -> list[tuple[str, str]]:
    return [(o.id, f"{o.label}: {' '.join(o.definition.split())}") for o in dim.options]


def _dimension(p: Prompter, dim: Dimension, required: bool):
    kind = "one or more" if dim.cardinality == "many" else "one"
    p.write("")
    p.write(f"-- {dim.label} ({dim.qualified}; {kind}) --")
    for line in textwrap.wrap(" ".join(dim.definition.split()), WRAP):
        p.write(line)
    chosen = p.choose("", _option_lines(dim), dim.cardinality == "many", required=required)
    if not chosen:
        return None
    return chosen if dim.cardinality == "many" else chosen[0]


def _stage(p: Prompter, group) -> dict:
    p.write("")
    p.write(f"== {group.label} ({group.id}) ==")
    for line in textwrap.wrap(group.definition, WRAP):
        p.write(line)
    mode = p.choose("How does the work treat this stage?", list(STAGE_MODES), many=False,
                    default="1", required=True)[0]
    if mode == "not_applicable":
        return {"not_applicable": p.text("Why it does not apply", required=True, minimum=10)}
    stage: dict = {}
    if mode == "open":
        stage["open"] = p.text("What the work accepts at this stage, and why it leaves it to "
                               "the data", required=True, minimum=10)
        p.write("Classify only the dimensions the work does fix (Enter skips a dimension).")
    for dim in group.dimensions:
        if dim.derived_from:
            continue
        value = _dimension(p, dim, required=False)
        if value is not None:
            stage[dim.id] = value
    if mode == "classify" or len(stage) > 1:
        stage["evidence"] = p.text(
            "Evidence: where in the paper this classification comes from (section, table, "
            "figure), paraphrased", required=mode == "classify", minimum=10)
        if stage["evidence"]:
            stage["confidence"] = p.choose("Confidence", [(c, "") for c in CONFIDENCE],
                                           many=False, default="1")[0]
    return stage


def _bibtex(p: Prompter, given: str | None) -> str | None:
    if given is not None:
        return given
    while True:
        text = p.raw_block("BibTeX of the paper: paste the entry and end with an empty line, or "
                           "give the path of a .bib file, or press Enter to skip")
        if not text.strip():
            return None
        candidate = Path(text.strip()).expanduser()
        if "\n" not in text.strip() and "@" not in text and candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
        try:
            record = bibtex.parse_one(text)
        except bibtex.BibtexProblem as problem:
            p.write(f"  BibTeX line {problem.line}: {problem.message}; try again")
            continue
        p.write(f"  read: {record.title} ({record.year})")
        return text


def run(p: Prompter, taxonomy: Taxonomy, known_ids: set[str], given: dict,
        bib_given: str | None) -> tuple[dict, str | None]:
    """Ask for everything `given` lacks; returns (entry data, BibTeX text or None)."""
    data = dict(given)
    p.write("alignscape new: a guided catalog entry. Enter accepts the [default]; an empty "
            "answer skips an optional question; Ctrl-D stops without writing anything.")
    if not data.get("short_name"):
        data["short_name"] = p.line("Short name (the name the field uses, e.g. DPO)",
                                    required=True)
    if not data.get("id"):
        def check_id(answer: str) -> str | None:
            if not ID_PATTERN.fullmatch(answer):
                return "lower-case letters, digits and underscores, 2-64 characters"
            return f"{answer!r} is already an entry" if answer in known_ids else None
        data["id"] = p.line("Id (the file name)", slug(data["short_name"]), True, check_id)
    if not data.get("kind"):
        data["kind"] = p.choose("Kind of work", [(k, "") for k in KINDS], many=False,
                                default="1", required=True)[0]
    bib_text = _bibtex(p, bib_given)
    record = None
    if bib_text:
        try:
            record = bibtex.parse_one(bib_text)
        except bibtex.BibtexProblem:
            record = None  # reported when the draft is written
    if not data.get("name"):
        data["name"] = p.line("Full name or the paper's title",
                              record.title if record else "", required=True)
    if not data.get("year"):
        year = p.line("Year of the first public version (arXiv v1)",
                      str(record.year) if record and record.year else "", required=True,
                      check=lambda a: None if a.isdigit() and 1990 <= int(a) <= 2100
                      else "a year such as 2024")
        data["year"] = int(year)
    if not data.get("arxiv"):
        arxiv = p.line("arXiv id (e.g. 2305.18290; Enter if none)",
                       record.arxiv if record and record.arxiv else "")
        if arxiv:
            data["arxiv"] = arxiv
    if not record and not data.get("cite"):
        data["cite"] = p.line("Citation key already in catalog/references.bib", required=True)
    links = data.setdefault("links", {})
    if not links.get("paper"):
        default = f"https://arxiv.org/abs/{data['arxiv']}" if data.get("arxiv") else ""
        links["paper"] = p.line("Paper link", default)
    if not links.get("code"):
        links["code"] = p.line("Code link (Enter if none)")
    if not data.get("summary"):
        data["summary"] = p.text("Summary: two to four sentences, in your own words, on how "
                                 "the work builds its data", required=True, minimum=40)
    pipeline = data.setdefault("pipeline", {})
    for group in taxonomy.stages:
        if group.id not in pipeline:
            pipeline[group.id] = _stage(p, group)
    for group in taxonomy.groups:
        if group.kind == "pipeline":
            for dim in group.dimensions:
                if dim.id not in pipeline and (value := _dimension(p, dim, False)) is not None:
                    pipeline[dim.id] = value
    training = data.setdefault("training", {})
    for group in taxonomy.groups:
        if group.kind == "training":
            p.write("")
            p.write(f"== {group.label} ({group.id}) ==")
            for dim in group.dimensions:
                if dim.id not in training and (value := _dimension(p, dim, False)) is not None:
                    training[dim.id] = value
    if training and "evidence" not in training:
        training["evidence"] = p.text("Evidence: where the paper describes its training",
                                      minimum=10)

    def check_ids(answer: str) -> str | None:
        unknown = [i for i in answer.replace(",", " ").split() if i not in known_ids]
        if unknown:
            near = suggest(unknown[0], sorted(known_ids))
            return f"no entry {unknown[0]!r}" + (f"; did you mean {near}?" if near else "")
        return None
    for name, question in (("builds_on", "Builds on (entry ids it extends, comma-separated)"),
                           ("uses_data", "Uses data (dataset entry ids, comma-separated)")):
        if name not in data:
            answer = p.line(f"{question}; Enter if none", check=check_ids)
            data[name] = answer.replace(",", " ").split()
    return data, bib_text
