"""The entry reference (site/pages/reference.py) lists exactly the fields of entry.schema.json
and the options of catalog/taxonomy.yaml, and every rule code it says guards a field is one the
validator really reports there.

The expected fields are computed here from the raw schema file and the raw taxonomy, by a walk
independent of the generator's; the generated Markdown is parsed back."""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from alignscape.catalog.findings import RULES
from alignscape.site.pages import reference

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tools/alignscape/schema/entry.schema.json").read_text("utf-8"))
TAXONOMY = yaml.safe_load((ROOT / "catalog/taxonomy.yaml").read_text("utf-8"))
TRADEOFFS = yaml.safe_load((ROOT / "catalog/tradeoffs.yaml").read_text("utf-8"))
FIXTURES = ROOT / "tests/catalog/fixtures"

HEADING = re.compile(r"^(#+) `([^`]+)` \{#(field-[A-Za-z0-9_-]+)\}$", re.M)
INDEX_ROW = re.compile(r"^\| \[`([^`]+)`\]\(([a-z_]+)\.md#(field-[A-Za-z0-9_-]+)\) \|.*\| "
                       r"([A-Z0-9, ]*) \|$", re.M)
OPTION_LINK = re.compile(r'href="\.\./taxonomy/([a-z_]+)\.html#([a-z0-9_]+)-([a-z0-9_]+)">'
                         r"<code>([a-z0-9_]+)</code>")


@pytest.fixture(scope="module")
def pages(catalog, tmp_path_factory) -> dict[str, str]:
    from alignscape.site.build import SitePaths
    from alignscape.site.config import read_config, repo_url
    from alignscape.site.context import PageContext

    paths = SitePaths.for_root(ROOT, out=tmp_path_factory.mktemp("reference"))
    config = read_config(paths)
    reference.build(PageContext(catalog, paths, config, repo_url(config)))
    folder = paths.docs / "reference"
    return {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}


# The expected fields, from the raw files ---------------------------------------------------

def _group(group_id: str) -> dict:
    return next(g for g in TAXONOMY["groups"] if g["id"] == group_id)


def _expected_fields() -> set[str]:
    defs = SCHEMA["$defs"]
    out: set[str] = set()

    def visit(node: dict, path: str) -> None:
        out.add(path)
        if "$ref" in node:
            ref = node["$ref"]
            if ref.startswith("#/$defs/"):
                visit_def(defs[ref.removeprefix("#/$defs/")], path)
            return
        for name, sub in node.get("properties", {}).items():
            visit(sub, f"{path}.{name}")
        if isinstance(node.get("additionalProperties"), dict):
            visit(node["additionalProperties"], f"{path}.<dimension>")

    def visit_def(node: dict, path: str) -> None:
        if "else" in node:  # a stage
            stage = path.rsplit(".", 1)[-1]
            for dim in _group(stage)["dimensions"]:
                out.add(f"{path}.{dim['id']}")  # derived ones too: documented as never written
            for name, sub in node["else"]["properties"].items():
                visit(sub, f"{path}.{name}")
            visit_def(defs[node["then"]["$ref"].removeprefix("#/$defs/")], path)
            return
        for name, sub in node.get("properties", {}).items():
            visit(sub, f"{path}.{name}")

    for name, sub in SCHEMA["properties"].items():
        visit(sub, name)
    # pipeline.iteration and training.<dimension> refer to the generated options schema.
    for group in TAXONOMY["groups"]:
        if group["kind"] == "training":
            out.update(f"training.{d['id']}" for d in group["dimensions"])
    return out


def _documented(pages: dict[str, str]) -> dict[str, str]:
    """field path -> the page it is a section of."""
    out = {}
    for page, text in pages.items():
        if page == "index":
            continue
        for _, path, anchor in HEADING.findall(text):
            assert anchor == reference.field_anchor(path)
            assert path not in out, f"{path} documented twice"
            out[path] = page
    return out


def test_one_page_per_top_level_field_and_an_index(pages):
    assert set(pages) == {*SCHEMA["properties"], "index"}
    assert reference.nav(None) == {
        "reference/index.md": [f"reference/{name}.md" for name in SCHEMA["properties"]]}


def test_the_pages_list_exactly_the_schema_fields(pages):
    documented = _documented(pages)
    assert set(documented) == _expected_fields()
    for path, page in documented.items():
        assert page == path.split(".", 1)[0]


def test_the_index_lists_every_field_with_its_page(pages):
    rows = INDEX_ROW.findall(pages["index"])
    assert {row[0] for row in rows} == set(_documented(pages))
    for path, page, anchor, _ in rows:
        assert page == path.split(".", 1)[0] and anchor == reference.field_anchor(path)


def test_the_pages_list_exactly_the_taxonomy_options_with_definitions(pages):
    expected = {(g["id"], d["id"], o["id"]) for g in TAXONOMY["groups"]
                for d in g["dimensions"] for o in d["options"]}
    listed = set()
    for text in pages.values():
        for group, dim, option, shown in OPTION_LINK.findall(text):
            assert option == shown
            listed.add((group, dim, option))
    assert listed == expected
    definitions = {o["id"]: " ".join(o["definition"].split()) for g in TAXONOMY["groups"]
                   for d in g["dimensions"] for o in d["options"]}
    text = html.unescape("\n".join(pages.values()).replace("\\", ""))
    for option_id, definition in definitions.items():
        assert definition in text, option_id


def test_every_option_field_lists_its_dimensions_options(pages):
    for group in TAXONOMY["groups"]:
        for dim in group["dimensions"]:
            prefix = {"stage": f"pipeline.{group['id']}", "pipeline": "pipeline",
                      "training": "training"}[group["kind"]]
            page = pages[prefix.split(".")[0]]
            start = page.index(f"`{prefix}.{dim['id']}` {{#")
            section = page[start:page.find("\n#", start + 1)]
            shown = [o for g, d, o, _ in OPTION_LINK.findall(section)]
            assert shown == [o["id"] for o in dim["options"]], (prefix, dim["id"])
            if dim.get("derived_from"):
                assert "T003" in section and "never written" in section


def test_the_tradeoff_dimensions_and_levels_are_listed(pages):
    text = pages["tradeoffs"]
    for dim in TRADEOFFS["dimensions"]:
        assert f"[`{dim['id']}`](../tradeoffs/{dim['id']}.md)" in text
    level = text[text.index("`tradeoffs.<dimension>.level`"):]
    for value in TRADEOFFS["levels"]:
        assert f"`{value}`" in level


def test_enum_fields_list_their_values_with_definitions(pages):
    kinds = SCHEMA["properties"]["kind"]["enum"]
    for kind in kinds:
        assert f"| `{kind}` |" in pages["kind"]
    assert set(reference.ENUM_DEFINITIONS["kind"]) == set(kinds)
    assert set(reference.ENUM_DEFINITIONS["confidence"]) == set(
        SCHEMA["$defs"]["confidence"]["enum"])


def test_fields_have_examples_from_real_entries(pages, catalog):
    ids = {e.id for e in catalog}
    for page in ("id", "kind", "year", "cite", "summary", "links", "training", "tradeoffs"):
        found = re.findall(r'Example, from <a href="\.\./entries/([a-z0-9_]+)\.html">',
                           pages[page])
        assert found and set(found) <= ids, page
    assert "<pre class=\"as-example\"><code>pipeline:\n  synthesis:\n    sources: [" in (
        pages["pipeline"])


# The rule codes -----------------------------------------------------------------------------

def _rules_by_field(pages) -> dict[str, set[str]]:
    return {path: {c.strip() for c in codes.split(",") if c.strip()}
            for path, _, _, codes in INDEX_ROW.findall(pages["index"])}


def _normalise(field_path: str, dimensions) -> str:
    path = re.sub(r"\[\d+\]", "", field_path)
    parts = path.split(".")
    if parts[0] == "tradeoffs" and len(parts) > 1 and parts[1] in dimensions:
        parts[1] = "<dimension>"
    return ".".join(parts)


def test_every_code_is_a_rule_of_the_table(pages):
    for codes in _rules_by_field(pages).values():
        assert codes <= set(RULES)


def test_each_rule_fixtures_finding_is_listed_for_its_field(pages):
    rules = _rules_by_field(pages)
    dims = {d["id"] for d in TRADEOFFS["dimensions"]}
    checked = 0
    for fixture in sorted(FIXTURES.glob("*.yaml")):
        match = re.match(r"# expect: ([A-Z]\d{3}) \d+:\d+ (\S+)", fixture.read_text("utf-8"))
        if not match or match.group(1).startswith("Y"):
            continue
        code, field_path = match.group(1), _normalise(match.group(2), dims)
        if code == "S002" and field_path not in rules:  # an unknown top-level field
            assert "A field the schema does not define is refused ([S002]" in pages["index"]
        else:
            assert code in rules[field_path], (fixture.name, field_path, code)
        checked += 1
    assert checked >= 12


# Each fault the validator checks in code (reference.CROSS_RULES), planted in a copy of a real
# entry: (file stem, mutation of the entry's data).
def _plant(mutate):
    def plant(data):
        data = copy.deepcopy(data)
        mutate(data)
        return data
    return plant


PLANTS = {
    ("id", "X001"): ("planted_x001", _plant(lambda d: d.update(id="planted_other"))),
    ("id", "X002"): ("planted_x002", _plant(lambda d: d.update(id="dpo"))),
    ("year", "X012"): ("planted_x012", _plant(lambda d: d.update(year=2019))),
    ("cite", "X003"): ("planted_x003a", _plant(lambda d: d.update(cite="nosuchkey2099"))),
    ("references", "X003"): ("planted_x003b",
                             _plant(lambda d: d.update(references=["nosuchkey2099"]))),
    ("arxiv", "X008"): ("planted_x008", _plant(lambda d: d.update(arxiv="not-an-id"))),
    ("arxiv", "X009"): ("planted_x009a", _plant(lambda d: d.update(arxiv="2401.00001"))),
    ("links.paper", "X009"): ("planted_x009b", _plant(lambda d: d["links"].update(
        paper="https://arxiv.org/abs/2401.00001"))),
    ("links.*", "X007"): ("planted_x007", _plant(lambda d: d["links"].update(
        {name: "ftp://example.org/x" for name in SCHEMA["properties"]["links"]["properties"]}))),
    ("builds_on", "X005"): ("planted_x005a", _plant(lambda d: d.update(
        builds_on=["no_such_entry"]))),
    ("builds_on", "X006"): ("planted_x006", _plant(lambda d: d.update(
        builds_on=["planted_x006"]))),
    ("uses_data", "X005"): ("planted_x005b", _plant(lambda d: d.update(
        uses_data=["no_such_entry"]))),
    ("training.objectives", "X005"): ("planted_x005c", _plant(lambda d: d["training"].update(
        objectives=["no_such_entry"]))),
    ("tradeoffs.<dimension>.cite", "X003"): ("planted_x003c", _plant(lambda d: d.update(
        tradeoffs={"label_noise": {"level": "low", "why": "planted for the reference test",
                                   "cite": ["nosuchkey2099"]}}))),
}


def test_every_claimed_cross_rule_has_a_planted_fault():
    claimed = {(path, code) for path, codes in reference.CROSS_RULES.items() for code in codes}
    assert claimed == set(PLANTS)


@pytest.mark.slow
def test_the_validator_reports_each_claimed_rule_at_its_field(tmp_path, pages):
    from alignscape.catalog.validation import validate_catalog

    root = tmp_path / "root"
    shutil.copytree(ROOT / "catalog", root / "catalog")
    base = yaml.safe_load((ROOT / "catalog/entries/dpo.yaml").read_text("utf-8"))
    planted = []
    for stem, plant in PLANTS.values():
        data = plant(dict(base, id=stem))
        path = root / "catalog" / "entries" / f"{stem}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        planted.append(path)
    result = validate_catalog(root, planted)
    dims = {d["id"] for d in TRADEOFFS["dimensions"]}
    found = {(Path(f.path).stem, f.code, _normalise(f.field, dims)) for f in result.findings}
    rules = _rules_by_field(pages)
    for (path, code), (stem, _) in PLANTS.items():
        if path == "links.*":
            for name in SCHEMA["properties"]["links"]["properties"]:
                assert (stem, code, f"links.{name}") in found, (path, code, name)
                assert code in rules[f"links.{name}"]
        else:
            assert (stem, code, path) in found, (path, code, sorted(
                f for f in found if f[0] == stem))
            assert code in rules[path]
