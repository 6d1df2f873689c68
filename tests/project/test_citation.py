"""CITATION.cff is valid Citation File Format 1.2.0 and agrees with pyproject.toml; the code and
the catalog's content each carry their licence, stated where people look."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
CFF_SCHEMA = ROOT / "tests" / "fixtures" / "cff" / "schema-1.2.0.json"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_citation_cff_is_valid_against_the_cff_1_2_0_schema():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"].endswith("/1.2.0/schema.json")
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
              for e in validator.iter_errors(data)]
    assert errors == []
    assert data["cff-version"] == "1.2.0"


def test_the_schema_check_is_not_vacuous():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    broken = dict(data, license="Apache 2", authors=[{"nickname": 1}])
    del broken["title"]
    found = {e.validator for e in jsonschema.Draft7Validator(schema).iter_errors(broken)}
    assert {"required"} <= found and len(found) >= 2


def test_citation_agrees_with_pyproject():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = _pyproject()["project"]
    assert str(data["version"]) == project["version"]
    assert project["license"] in data["license"]
    assert "CC-BY-4.0" in data["license"]


def test_pyproject_declares_an_spdx_licence_and_its_files():
    project = _pyproject()["project"]
    assert project["license"] == "Apache-2.0"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), name


def test_the_licence_texts_are_complete():
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in code and "Version 2.0, January 2004" in code
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in code
    assert "END OF TERMS AND CONDITIONS" in code
    content = (ROOT / "LICENSE-CATALOG").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in content
    for section in range(1, 9):
        assert f"Section {section} –" in content, section
    assert "https://creativecommons.org/licenses/by/4.0/" in content


def test_readme_states_both_licences():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "LICENSE-CATALOG" in readme and "CC BY 4.0" in readme
    assert "Apache-2.0" in readme or "Apache License 2.0" in readme
    assert "CITATION.cff" in readme


def test_the_site_footer_states_both_licences():
    config = yaml.safe_load((ROOT / "site" / "mkdocs.yml").read_text(encoding="utf-8"))
    footer = config["copyright"]
    assert "Apache License 2.0" in footer and "CC BY 4.0" in footer
    assert "/blob/main/LICENSE-CATALOG" in footer
