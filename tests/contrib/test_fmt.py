"""`alignscape fmt`: canonical key order and layout, comments kept, data unchanged, idempotent."""

from __future__ import annotations

import glob

import pytest
import yaml

from alignscape.catalog.validation import load_vocabulary
from alignscape.cli import main
from alignscape.contrib import bibtex
from alignscape.contrib.entryfmt import TOP_LEVEL, FormatRefused, Vocabulary, format_entry


@pytest.fixture(scope="module")
def vocab(project_root):
    taxonomy, _, _ = load_vocabulary(project_root)
    return Vocabulary.from_taxonomy(taxonomy)


MESSY = """\
# A header comment stays on top.

kind: method   # trailing comment on kind
id: messy
pipeline:
  instantiation:
    evidence: >-
      Folded text is never re-flowed,
      whatever its line lengths.
    formats: [pairwise]   # flow lists stay flow lists


  # this comment belongs to synthesis and moves with it
  synthesis:
    sources:
    - policy_sampling
    evidence: "quoted stays quoted"
    open: Any prompts.
name: Messy   \r
"""


def test_reorders_keeps_comments_and_values(vocab):
    out = format_entry(MESSY, vocab)
    assert yaml.safe_load(out) == yaml.safe_load(MESSY)
    assert out.startswith("# A header comment stays on top.\n\nid: messy\nkind: method   # "
                          "trailing comment on kind\nname: Messy\npipeline:\n")
    assert ("  # this comment belongs to synthesis and moves with it\n  synthesis:\n"
            "    open: Any prompts.\n    sources:\n    - policy_sampling\n"
            '    evidence: "quoted stays quoted"\n  instantiation:\n'
            "    formats: [pairwise]   # flow lists stay flow lists\n"
            "    evidence: >-\n      Folded text is never re-flowed,\n") in out
    assert "\r" not in out and "   \n" not in out and "\n\n\n" not in out
    assert format_entry(out, vocab) == out


def test_refuses_what_it_cannot_keep(vocab):
    with pytest.raises(FormatRefused):
        format_entry("id: [unclosed\n", vocab)
    literal = "id: x\nnotes: |+\n  kept\n\n\nkind: method\n"  # blank lines are content here
    with pytest.raises(FormatRefused):
        format_entry(literal, vocab)


def test_every_catalog_entry_formats_to_the_same_data_and_is_stable(project_root, vocab):
    for name in sorted(glob.glob(str(project_root / "catalog/entries/*.yaml"))):
        text = open(name, encoding="utf-8").read()
        out = format_entry(text, vocab)
        assert yaml.safe_load(out) == yaml.safe_load(text), name
        assert format_entry(out, vocab) == out, name
        keys = list(yaml.safe_load(out))
        assert keys == sorted(keys, key=TOP_LEVEL.index), name


def test_bibliography_layout_is_stable_and_lossless(project_root):
    text = (project_root / "catalog/references.bib").read_text(encoding="utf-8")
    out = bibtex.format_bibliography(text)
    assert bibtex.bibliography_data(out) == bibtex.bibliography_data(text)
    assert bibtex.format_bibliography(out) == out
    messy = ('% a comment\n@string{acl = "ACL"}\n@INPROCEEDINGS{k1,\n  year = 2023, url = "u",'
             '\n  month = jan, booktitle = acl # " 2023",\n  TITLE = "A {B} c",\n'
             "  author = {X, Y and\n     Z, W}}\n@misc{k2, title={t}, author={a}, year={2024}}\n")
    formatted = bibtex.format_bibliography(messy)
    assert formatted == ('% a comment\n\n@string{acl = "ACL"}\n\n@inproceedings{k1,\n'
                         "  title = {A {B} c},\n  author = {X, Y and Z, W},\n"
                         '  booktitle = acl # " 2023",\n  year = {2023},\n  month = jan,\n'
                         "  url = {u}\n}\n\n@misc{k2,\n  title = {t},\n  author = {a},\n"
                         "  year = {2024}\n}\n")
    assert bibtex.bibliography_data(formatted) == bibtex.bibliography_data(messy)


def test_fmt_check_names_files_and_fmt_is_idempotent(scratch, capsys):
    entry = scratch / "catalog/entries/dpo.yaml"
    text = entry.read_text()
    entry.write_text(text.replace("id: dpo\nkind: objective\n", "kind: objective\nid: dpo\n"))
    bib = scratch / "catalog/references.bib"
    bib.write_text(bib.read_text() + "\n\n\n@misc{zz, year={2020}, author={A}, title={T}}\n")
    main(["--root", str(scratch), "fmt"])  # whatever the checkout's state, format it all
    capsys.readouterr()
    assert main(["--root", str(scratch), "fmt", "--check"]) == 0
    entry.write_text(entry.read_text().replace("id: dpo\nkind: objective\n",
                                               "kind: objective\nid: dpo\n"))
    assert main(["--root", str(scratch), "fmt", "--check"]) == 1
    captured = capsys.readouterr()
    assert "would reformat" in captured.out and "dpo.yaml" in captured.out
    assert entry.read_text().startswith("kind: objective")  # --check changes nothing
    assert main(["--root", str(scratch), "fmt", str(entry)]) == 0
    assert entry.read_text().startswith("id: dpo\nkind: objective\n")
    assert main(["--root", str(scratch), "fmt", "--check"]) == 0
    assert main(["--root", str(scratch), "validate"]) == 0


def test_merge_reuses_doi_and_arxiv_and_suffixes_a_clashing_key(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{smith2020thing,\n  title = {Thing},\n  author = {Smith, A},\n"
                   "  year = {2020},\n  doi = {10.1000/ABC}\n}\n")
    same_doi = bibtex.normalise(bibtex.parse_one(
        "@article{other, title={Thing again}, author={Smith, A}, year={2020},"
        " doi={https://doi.org/10.1000/abc}}"))
    assert bibtex.merge(bib, same_doi).key == "smith2020thing"
    clash = bibtex.normalise(bibtex.parse_one(
        "@misc{k, title={The Thing}, author={Smith, Anna}, year={2020}, eprint={2001.00001}}"))
    assert clash.key == "smith2020thing"
    merged = bibtex.merge(bib, clash)
    assert merged.added and merged.key == "smith2020thingb"
    again = bibtex.normalise(bibtex.parse_one(
        "@misc{x, title={T}, author={S, A}, year={2020}, url={https://arxiv.org/abs/2001.00001v2}}"))
    assert bibtex.merge(bib, again).key == "smith2020thingb"
    assert [r.key for r in bibtex.parse_records(bib.read_text())] == ["smith2020thing",
                                                                        "smith2020thingb"]


def test_normalise_caps_authors_and_fills_arxiv_fields():
    many = " and ".join(f"Person{i}, A" for i in range(14))
    record = bibtex.normalise(bibtex.parse_one(
        "@article{x, journal={arXiv preprint arXiv:2403.12345}, year={2024},"
        " title={On the Use of Things}, author={" + many + "}}"), None)
    assert record.key == "person02024use"
    assert record.get("author").endswith("Person9, A and others")
    assert record.get("eprint") == "2403.12345" and record.get("archivePrefix") == "arXiv"
    assert record.render().splitlines()[1:3] == ["  title = {On the Use of Things},",
                                                 "  author = {" + record.get("author") + "},"]
