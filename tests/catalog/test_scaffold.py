"""`alignscape new` writes a template that validates once its TODOs are filled in."""

from __future__ import annotations

import re
import shutil

from alignscape.catalog.scaffold import render_template
from alignscape.catalog.validation import validate_catalog
from alignscape.cli import main


def fill(template: str) -> str:
    """Fill every TODO the way a contributor would: first listed option, real citation."""
    out = []
    for line in template.splitlines():
        options = re.search(r"#\s*(?:one|many)?:?\s*([a-z_][a-z0-9_]*(?:, [a-z0-9_]+)*)\s*$", line)
        if "[TODO]" in line and options and ":" in line.split("#")[0]:
            line = line.replace("[TODO]", f"[{options.group(1).split(', ')[0]}]")
        elif re.search(r": TODO\b", line) and options and "cite" not in line and "year" not in line:
            line = re.sub(r": TODO\b", f": {options.group(1).split(', ')[0]}", line)
        line = (line.replace("short_name: TODO", "short_name: FM")
                .replace("name: TODO full name", "name: Filled method")
                .replace("aliases: [TODO]", "aliases: [FM]")
                .replace("year: TODO", "year: 2023")
                .replace("cite: TODO", "cite: rafailov2023dpo")
                .replace('arxiv: "TODO"', 'arxiv: "2305.18290"')
                .replace("abs/TODO", "abs/2305.18290"))
        line = re.sub(r"TODO (.*)", r"Filled in: \1", line)
        out.append(line)
    return "\n".join(out) + "\n"


def test_filled_template_validates(project_root, tmp_path):
    text = render_template("filled_method", "method", project_root)
    assert text.count("TODO") > 10
    path = tmp_path / "filled_method.yaml"
    path.write_text(fill(text))
    result = validate_catalog(project_root, [path])
    assert [f.format() for f in result.findings] == []


def test_unfilled_template_is_refused_with_locations(project_root, tmp_path):
    path = tmp_path / "raw_method.yaml"
    path.write_text(render_template("raw_method", "method", project_root))
    findings = validate_catalog(project_root, [path]).findings
    assert findings and all(f.path.endswith("raw_method.yaml") and f.line > 1 for f in findings)


def test_new_command_writes_the_file(project_root, tmp_path, capsys):
    shutil.copytree(project_root / "catalog", tmp_path / "catalog")
    assert main(["--root", str(tmp_path), "new", "my_method", "--kind", "dataset"]) == 0
    written = (tmp_path / "catalog" / "entries" / "my_method.yaml").read_text()
    assert "kind: dataset" in written and "id: my_method" in written
    assert main(["--root", str(tmp_path), "new", "my_method"]) == 1  # no silent overwrite
    assert main(["--root", str(tmp_path), "new", "Bad-Id"]) == 2
