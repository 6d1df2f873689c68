"""The proposal issue form: generated from the taxonomy, committed, and read back by
`alignscape new --from-issue` into a valid draft or located errors."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from alignscape.catalog.validation import load_vocabulary
from alignscape.cli import main
from alignscape.contrib.issueform import FORM_PATH, form_fields, parse_issue, render_form

FIXTURES = Path(__file__).parent / "fixtures"


def taxonomy_of(root):
    return load_vocabulary(root)[0]


def test_committed_form_is_the_generators_output(project_root):
    committed = (project_root / FORM_PATH).read_text(encoding="utf-8")
    assert committed == render_form(taxonomy_of(project_root)), (
        "run: alignscape issue-form")
    assert main(["--root", str(project_root), "issue-form", "--check"]) == 0


def test_form_lists_every_option_and_is_a_valid_issue_form(project_root):
    taxonomy = taxonomy_of(project_root)
    form = yaml.safe_load(render_form(taxonomy))
    assert form["name"] and form["description"]
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    labels = [item["attributes"]["label"] for item in form["body"] if "id" in item]
    assert len(labels) == len(set(labels))
    by_id = {item["id"]: item for item in form["body"] if "id" in item}
    for dim in taxonomy.written_dimensions():
        field_id = "-".join(dim.entry_path)
        item = by_id[field_id]
        assert item["type"] == ("checkboxes" if dim.cardinality == "many" else "dropdown")
        options = [o["label"] if isinstance(o, dict) else o
                   for o in item["attributes"]["options"]]
        assert options == [f"{o.label} ({o.id})" for o in dim.options]
        for option in item["attributes"]["options"]:
            assert option != "None"  # reserved by GitHub for dropdowns
    assert all(item["type"] in ("markdown", "input", "textarea", "dropdown", "checkboxes")
               for item in form["body"])


def test_a_new_option_appears_without_an_edit(project_root, scratch):
    tax_file = scratch / "catalog/taxonomy.yaml"
    text = tax_file.read_text()
    tax_file.write_text(text.replace(
        "          - id: human_written\n",
        "          - id: brand_new_source\n            label: Brand-new source\n"
        "            definition: >-\n              A source added to the taxonomy in a test.\n"
        "          - id: human_written\n", 1))
    form = render_form(taxonomy_of(scratch))
    assert "Brand-new source (brand_new_source)" in form
    answers = parse_issue("### Response synthesis: Response source\n\n"
                          "- [x] Brand-new source (brand_new_source)\n",
                          taxonomy_of(scratch), set())
    assert answers.data["pipeline"]["synthesis"]["sources"] == ["brand_new_source"]


def test_filled_form_becomes_a_valid_entry(scratch, capsys):
    before = (scratch / "catalog/references.bib").read_text()
    code = main(["--root", str(scratch), "new", "--from-issue",
                 str(FIXTURES / "issue_simpo.md")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "same arXiv id as meng2024simpo" in out  # arXiv's export key, the same work
    assert (scratch / "catalog/references.bib").read_text() == before
    path = scratch / "catalog/entries/simpo_proposal.yaml"
    entry = yaml.safe_load(path.read_text())
    assert entry["cite"] == "meng2024simpo" and entry["kind"] == "objective"
    assert entry["pipeline"]["synthesis"] == {"open": (
        "Any fixed set of responses: SimPO is an offline loss over chosen/rejected pairs, so "
        "where the candidates come from is set by the data.")}
    assert entry["pipeline"]["instantiation"]["formats"] == ["pairwise"]
    assert entry["training"] == {"paradigm": ["direct_preference"],
                                 "reference_model": "not_required",
                                 "evidence": entry["training"]["evidence"]}
    assert entry["builds_on"] == ["dpo"] and entry["uses_data"] == ["ultrafeedback"]
    assert main(["--root", str(scratch), "validate", str(path)]) == 0
    assert main(["--root", str(scratch), "fmt", "--check", str(path)]) == 0


def test_a_new_work_adds_its_bibtex(scratch, capsys):
    text = (FIXTURES / "issue_simpo.md").read_text()
    text = (text.replace("simpo_proposal", "other_work").replace("2405.14734", "2502.00002")
            .replace("Yu Meng and", "Ada Lovelace and"))
    form = scratch / "issue.md"
    form.write_text(text)
    assert main(["--root", str(scratch), "new", "--from-issue", str(form)]) == 0
    assert "added @lovelace2024simpo" in capsys.readouterr().out
    bib = (scratch / "catalog/references.bib").read_text()
    assert bib.count("eprint = {2502.00002}") == 1 and "primaryClass = {cs.CL}" in bib


def test_broken_form_gives_located_errors_and_writes_nothing(scratch, capsys):
    source = FIXTURES / "issue_broken.md"
    lines = source.read_text().splitlines()
    before = (scratch / "catalog/references.bib").read_text()
    code = main(["--root", str(scratch), "new", "--from-issue", str(source)])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    errors = captured.out.splitlines()
    expected = {
        "short_name": ("this field is required but empty", "_No response_"),
        "kind": ("'Algorithm' is not an option", "Algorithm"),
        "year": ("'24' is not a year", "24"),
        "pipeline.synthesis.sources": ("is not an option, expected 'policy_sampling'",
                                       "- [X] Policy samplng (policy_samplng)"),
        "pipeline.instantiation.evidence": ("the evidence is empty", "_No response_"),
        "builds_on": ("no catalog entry has id 'dpoo', expected 'dpo'", "dpoo"),
    }
    assert len(errors) == len(expected), errors
    for error in errors:
        match = re.match(r"^(.*issue_broken\.md):(\d+): ([\w.]+): (.*)$", error)
        assert match, error
        field, message = match.group(3), match.group(4)
        wanted, line_text = expected[field]
        assert wanted in message
        assert lines[int(match.group(2)) - 1].strip() == line_text, error
    assert not (scratch / "catalog/entries/simpo_proposal.yaml").exists()
    assert (scratch / "catalog/references.bib").read_text() == before


def test_garbage_and_missing_files_are_messages(scratch, capsys, tmp_path):
    assert main(["--root", str(scratch), "new", "--from-issue", str(tmp_path / "nope.md")]) == 2
    junk = tmp_path / "junk.md"
    junk.write_bytes(b"\xff\xfe not text")
    assert main(["--root", str(scratch), "new", "--from-issue", str(junk)]) == 2
    plain = tmp_path / "plain.md"
    plain.write_text("Please add DPO, thanks!\n")
    assert main(["--root", str(scratch), "new", "--from-issue", str(plain)]) == 1
    assert "no `### Field` headings" in capsys.readouterr().out
    bad_bib = tmp_path / "badbib.md"
    bad_bib.write_text((FIXTURES / "issue_simpo.md").read_text().replace(
        "      author={Yu Meng and Mengzhou Xia and Danqi Chen},\n", ""))
    assert main(["--root", str(scratch), "new", "--from-issue", str(bad_bib)]) == 1
    out = capsys.readouterr().out
    line = int(re.search(r"badbib\.md:(\d+): bibtex: the BibTeX entry has no author", out)[1])
    assert bad_bib.read_text().splitlines()[line - 1].startswith("@misc{")


def test_fields_mirror_the_schema(project_root):
    taxonomy = taxonomy_of(project_root)
    schema = yaml.safe_load((project_root / "tools/alignscape/schema/entry.schema.json")
                            .read_text())
    for fld in form_fields(taxonomy):
        if fld.path and fld.path[0] not in ("pipeline", "training", "links"):
            assert fld.path[0] in schema["properties"], fld.id
        if fld.path:
            assert fld.id == "-".join(fld.path) or fld.value in ("mode", "note"), fld.id
