"""The "Propose a method or dataset" issue form, generated from the taxonomy, and the reverse:
a filled form, as GitHub renders it in the issue body, read back into a draft entry.

One list of fields (`form_fields`) drives both directions, so the form and its parser cannot
disagree; a new taxonomy option appears in the regenerated form and is understood by the parser
without an edit here. Field ids mirror entry paths (`pipeline-synthesis-sources` is
`pipeline.synthesis.sources`); GitHub shows the labels, so the parser maps labels back.

GitHub renders a submitted form as `### <label>` headings, each followed by the value:
`_No response_` when empty, ```` ```bibtex ```` fences for a textarea with `render`, and
`- [X] <label>` / `- [ ] <label>` lines for checkboxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from alignscape.contrib.draft import ID_PATTERN, KINDS
from alignscape.suggest import suggest
from alignscape.taxonomy import Taxonomy

FORM_PATH = ".github/ISSUE_TEMPLATE/propose-entry.yml"
NO_RESPONSE = "_No response_"
MODE_OPTIONS = (
    ("classify", "It prescribes this stage: classify it below"),
    ("open", "It leaves this stage, or part of it, to the data"),
    ("not_applicable", "The stage does not apply to this work"),
)
CONFIDENCE = ("high", "medium", "low")
ATTESTATION = ("I checked the arXiv id, title, year and first author on the paper's abstract "
               "page, and every classification against the paper's text")


@dataclass
class FormField:
    id: str
    type: str                      # input | textarea | dropdown | checkboxes
    label: str
    path: tuple[str, ...] = ()     # where the value goes in the entry; () for form-only fields
    value: str = "text"            # text | int | ids | names | one | many | mode | bibtex
    description: str = ""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (id, shown label)
    placeholder: str = ""
    render: str = ""

    def option_label(self, option_id: str, label: str) -> str:
        return f"{label} ({option_id})"

    def as_form(self) -> dict:
        attributes: dict = {"label": self.label}
        if self.description:
            attributes["description"] = self.description
        if self.placeholder:
            attributes["placeholder"] = self.placeholder
        if self.render:
            attributes["render"] = self.render
        if self.type == "dropdown":
            attributes["options"] = [self.option_label(i, lab) for i, lab in self.options]
        if self.type == "checkboxes":
            attributes["options"] = [{"label": self.option_label(i, lab)}
                                     for i, lab in self.options]
            if self.required:
                attributes["options"] = [{**o, "required": True} for o in attributes["options"]]
        out = {"type": self.type, "id": self.id, "attributes": attributes}
        if self.required and self.type != "checkboxes":
            out["validations"] = {"required": True}
        return out


def _definitions(dim) -> str:
    lines = [" ".join(dim.definition.split()), ""]
    lines += [f"- **{o.label}** (`{o.id}`): {' '.join(o.definition.split())}"
              for o in dim.options]
    return "\n".join(lines)


def form_fields(taxonomy: Taxonomy) -> list[FormField]:
    f = FormField
    out = [
        f("short_name", "input", "Short name", ("short_name",), required=True,
          description="The name the field uses, shown in lists (e.g. DPO, UltraFeedback).",
          placeholder="DPO"),
        f("name", "input", "Full name or paper title", ("name",), required=True),
        f("id", "input", "Entry id", ("id",),
          description="lower-case snake_case file name; leave empty to derive it from the "
                      "short name"),
        f("kind", "dropdown", "Kind of work", ("kind",), "one", required=True,
          options=tuple((k, k.capitalize()) for k in KINDS)),
        f("year", "input", "Year", ("year",), "int", required=True,
          description="Year of the first public version (arXiv v1).", placeholder="2024"),
        f("arxiv", "input", "arXiv id", ("arxiv",), placeholder="2305.18290"),
        f("links-paper", "input", "Paper link", ("links", "paper"),
          description="Leave empty for the arXiv abstract page."),
        f("links-code", "input", "Code link", ("links", "code")),
        f("links-data", "input", "Data link", ("links", "data")),
        f("bibtex", "textarea", "BibTeX", (), "bibtex", required=True, render="bibtex",
          description="The paper's BibTeX entry (arXiv's \"Export BibTeX citation\" is fine); "
                      "the key is normalised and a work already in references.bib is reused."),
        f("summary", "textarea", "Summary", ("summary",), required=True,
          description="Two to four sentences, in your own words, on how the work builds its "
                      "alignment data."),
    ]
    for group in taxonomy.stages:
        stage = ("pipeline", group.id)
        out.append(f(f"pipeline-{group.id}-mode", "dropdown", f"{group.label}: how the work "
                     "treats it", stage, "mode", " ".join(group.definition.split()),
                     required=True, options=MODE_OPTIONS))
        out.append(f(f"pipeline-{group.id}-note", "textarea", f"{group.label}: what it leaves "
                     "to the data, or why it does not apply", stage, "note",
                     "Only for the open and not-applicable choices above."))
        for dim in group.dimensions:
            if dim.derived_from:
                continue
            out.append(f(f"pipeline-{group.id}-{dim.id}",
                         "checkboxes" if dim.cardinality == "many" else "dropdown",
                         f"{group.label}: {dim.label}", (*stage, dim.id), dim.cardinality,
                         _definitions(dim), options=tuple((o.id, o.label)
                                                          for o in dim.options)))
        out.append(f(f"pipeline-{group.id}-evidence", "textarea", f"{group.label}: evidence",
                     (*stage, "evidence"), description="Where in the paper the classification "
                     "comes from (section, table, figure), paraphrased."))
        out.append(f(f"pipeline-{group.id}-confidence", "dropdown",
                     f"{group.label}: confidence", (*stage, "confidence"), "one",
                     options=tuple((c, c.capitalize()) for c in CONFIDENCE)))
    for group in taxonomy.groups:
        if group.kind == "stage":
            continue
        base = ("pipeline",) if group.kind == "pipeline" else (group.id,)
        for dim in group.dimensions:
            out.append(f(f"{'-'.join(base)}-{dim.id}",
                         "checkboxes" if dim.cardinality == "many" else "dropdown",
                         f"{group.label}: {dim.label}", (*base, dim.id), dim.cardinality,
                         _definitions(dim), options=tuple((o.id, o.label)
                                                          for o in dim.options)))
        if group.kind == "training":
            out.append(f("training-evidence", "textarea", f"{group.label}: evidence",
                         ("training", "evidence"), description="Where the paper describes its "
                         "training objective."))
    out += [
        f("builds_on", "input", "Builds on", ("builds_on",), "ids",
          description="Ids of catalog entries this work extends, comma-separated."),
        f("uses_data", "input", "Uses data", ("uses_data",), "ids",
          description="Ids of dataset entries it trains on, comma-separated."),
        f("aliases", "input", "Other names", ("aliases",), "names",
          description="Acronyms and other names the field uses, comma-separated."),
        f("attest", "checkboxes", "Checks", (), "attest", required=True,
          options=(("checked", ATTESTATION),)),
    ]
    return out


def render_form(taxonomy: Taxonomy) -> str:
    checks = form_fields(taxonomy)[-1]
    checks_form = checks.as_form()
    checks_form["attributes"]["options"] = [{"label": ATTESTATION, "required": True}]
    body = [{"type": "markdown", "attributes": {"value": (
        "Propose a method, dataset, system, objective or benchmark for the alignscape "
        "catalog without writing YAML. Classify each stage with the taxonomy's options (each "
        "field lists their definitions); a maintainer turns the issue into an entry with "
        "`alignscape new --from-issue`, and every located error it reports is answered here. "
        "Leave out anything you cannot verify from the paper rather than guess.")}}]
    body += [fld.as_form() for fld in form_fields(taxonomy)[:-1]] + [checks_form]
    form = {"name": "Propose a method or dataset",
            "description": "Add a work to the catalog, classified along the three stages.",
            "title": "[proposal] ", "labels": ["proposal"], "body": body}
    header = ("# Generated by `alignscape issue-form` from catalog/taxonomy.yaml: do not edit;\n"
              "# change the taxonomy and run the command again.\n")
    return header + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=100)


# --- reading a filled form ------------------------------------------------------------

@dataclass
class FormError:
    line: int
    field: str
    message: str
    expected: str = ""

    def format(self, shown: str) -> str:
        tail = f", expected {self.expected}" if self.expected else ""
        return f"{shown}:{self.line}: {self.field}: {self.message}{tail}"


@dataclass
class Answers:
    data: dict = field(default_factory=dict)
    bibtex: str | None = None
    bibtex_line: int = 1
    errors: list[FormError] = field(default_factory=list)
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)  # entry path -> form line

    def line_of(self, path: tuple) -> int | None:
        path = tuple(p for p in path if isinstance(p, str))
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def _sections(text: str) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """(heading, its line, [(line, text) of the value]) in order."""
    out: list = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        match = re.match(r"^###\s+(.*?)\s*$", line)
        if match:
            out.append((match.group(1), number, []))
        elif out:
            out[-1][2].append((number, line))
    return out


def _value_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    body = [(n, t) for n, t in lines]
    while body and not body[0][1].strip():
        body.pop(0)
    while body and not body[-1][1].strip():
        body.pop()
    if len(body) >= 2 and body[0][1].strip().startswith("```") and body[-1][1].strip() == "```":
        body = body[1:-1]
    if len(body) == 1 and body[0][1].strip() in (NO_RESPONSE, "None"):
        return []
    return body


def _option(fld: FormField, text: str) -> str | None:
    text = text.strip()
    for option_id, label in fld.options:
        if text in (fld.option_label(option_id, label), option_id, label):
            return option_id
    match = re.search(r"\(`?([a-z0-9_]+)`?\)\s*$", text)
    if match and match.group(1) in {i for i, _ in fld.options}:
        return match.group(1)
    return None


def _set(data: dict, path: tuple[str, ...], value) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def parse_issue(text: str, taxonomy: Taxonomy, known_ids: set[str]) -> Answers:
    fields = form_fields(taxonomy)
    by_label = {fld.label: fld for fld in fields}
    answers = Answers()
    seen: dict[str, int] = {}
    modes: dict[tuple, tuple[str, int]] = {}
    notes: dict[tuple, tuple[str, int]] = {}
    sections = _sections(text)
    if not sections:
        answers.errors.append(FormError(1, "form", "no `### Field` headings found",
                                        "the issue body of a filled proposal form"))
        return answers
    for heading, heading_line, raw in sections:
        fld = by_label.get(heading)
        if fld is None:
            near = suggest(heading, list(by_label))
            answers.errors.append(FormError(
                heading_line, "form", f"heading {heading!r} is not a field of the form",
                f"{near!r}" if near else "a heading of .github/ISSUE_TEMPLATE/propose-entry.yml"))
            continue
        seen[fld.id] = heading_line
        body = _value_lines(raw)
        where = ".".join(fld.path) or fld.id
        line = body[0][0] if body else next((n for n, t in raw if t.strip()), heading_line)
        if fld.path:
            answers.lines.setdefault(fld.path, line)
        value_text = "\n".join(t for _, t in body).strip()
        if fld.type == "checkboxes":
            chosen = []
            for number, item in body:
                match = re.match(r"^\s*[-*]\s+\[([ xX])\]\s+(.*?)\s*$", item)
                if not match:
                    if item.strip():
                        answers.errors.append(FormError(number, where, f"{item.strip()!r} is "
                                              "not a checkbox line", "- [x] Option (option_id)"))
                    continue
                if match.group(1).strip():
                    if fld.value == "attest":
                        chosen.append("checked")
                        continue
                    option = _option(fld, match.group(2))
                    if option is None:
                        answers.errors.append(_unknown(number, where, match.group(2), fld))
                    else:
                        chosen.append(option)
            if fld.value == "attest":
                if not chosen:
                    answers.errors.append(FormError(line, "checks", "the checks are not ticked",
                                                    "- [x] " + ATTESTATION[:40] + "..."))
            elif chosen:
                _set(answers.data, fld.path, chosen)
            continue
        if not value_text:
            if fld.required:
                answers.errors.append(FormError(line, where, "this field is required but "
                                                "empty", f"an answer under ### {fld.label}"))
            continue
        if fld.type == "dropdown":
            option = _option(fld, value_text)
            if option is None:
                answers.errors.append(_unknown(line, where, value_text, fld))
            elif fld.value == "mode":
                modes[fld.path] = (option, line)
            else:
                _set(answers.data, fld.path, option)
        elif fld.value == "bibtex":
            answers.bibtex, answers.bibtex_line = "\n".join(t for _, t in body), body[0][0]
        elif fld.value == "note":
            notes[fld.path] = (" ".join(value_text.split()), line)
        elif fld.value == "int":
            if not re.fullmatch(r"\d{4}", value_text) or not 1990 <= int(value_text) <= 2100:
                answers.errors.append(FormError(line, where, f"{value_text!r} is not a year",
                                                "a four-digit year between 1990 and 2100"))
            else:
                _set(answers.data, fld.path, int(value_text))
        elif fld.value in ("ids", "names"):
            items = [v.strip() for v in re.split(r"[,\n]" if fld.value == "names" else r"[,\s]+",
                                                 value_text) if v.strip()]
            if fld.value == "ids":
                for item in items:
                    if item not in known_ids:
                        near = suggest(item, sorted(known_ids))
                        answers.errors.append(FormError(
                            line, where, f"no catalog entry has id {item!r}",
                            repr(near) if near else "ids of existing entries"))
            _set(answers.data, fld.path, items)
        elif fld.id == "id" and not ID_PATTERN.fullmatch(value_text):
            answers.errors.append(FormError(line, "id", f"{value_text!r} is not a valid id",
                                            "lower-case letters, digits and underscores"))
        else:
            _set(answers.data, fld.path, " ".join(value_text.split()))
    for fld in fields:
        if fld.required and fld.id not in seen and fld.value not in ("mode",):
            answers.errors.append(FormError(1, ".".join(fld.path) or fld.id,
                                            f"the form has no ### {fld.label} section",
                                            "every field of the proposal form"))
    _stages(answers, taxonomy, modes, notes)
    return answers


def _unknown(line: int, where: str, text: str, fld: FormField) -> FormError:
    ids = [i for i, _ in fld.options]
    inner = re.search(r"\(`?([^()`]+)`?\)\s*$", text)
    near = suggest(inner.group(1) if inner else text.strip(), ids)
    if near is None:
        labels = {label: option_id for option_id, label in fld.options}
        near = labels.get(suggest(text.strip(), list(labels)) or "")
    expected = f"{near!r}" if near else "one of " + ", ".join(ids)
    return FormError(line, where, f"{text.strip()!r} is not an option", expected)


def _stages(answers: Answers, taxonomy: Taxonomy, modes, notes) -> None:
    pipeline = answers.data.setdefault("pipeline", {})
    for group in taxonomy.stages:
        path = ("pipeline", group.id)
        mode, mode_line = modes.get(path, ("classify", answers.line_of(path) or 1))
        note, note_line = notes.get(path, ("", mode_line))
        stage = pipeline.setdefault(group.id, {})
        where = ".".join(path)
        if mode in ("open", "not_applicable") and len(note) < 10:
            answers.errors.append(FormError(note_line, f"{where}.{mode}", "the stage is marked "
                                            f"{mode} but the note says nothing",
                                            "what the work leaves to the data, or why the stage "
                                            "does not apply (10 characters or more)"))
        if mode == "not_applicable":
            classified = [k for k in stage if k not in ("evidence", "confidence")]
            if classified:
                answers.errors.append(FormError(
                    answers.line_of((*path, classified[0])) or mode_line, where,
                    "the stage is marked not applicable but options are ticked",
                    "no options for a stage that does not apply"))
            pipeline[group.id] = {"not_applicable": note}
            answers.lines[(*path, "not_applicable")] = note_line
            continue
        if mode == "open":
            stage["open"] = note
            answers.lines[(*path, "open")] = note_line
        elif "evidence" not in stage:
            answers.errors.append(FormError(
                answers.line_of((*path, "evidence")) or mode_line, f"{where}.evidence",
                "the stage is classified but the evidence is empty",
                "where in the paper the classification comes from"))
        if mode == "classify" and not any(d.id in stage for d in group.dimensions):
            answers.errors.append(FormError(mode_line, where, "no option of this stage is "
                                            "chosen", "at least one option, or the open / not "
                                            "applicable choice"))
