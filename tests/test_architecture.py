"""The package's shape, checked by machine: one-way layers (import-linter), no import cycle at
all (function-local imports included), and a wheel that works when installed on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_the_layer_contract_holds():
    done = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_module_imports_itself_back():
    graph = grimp.build_graph("alignscape", cache_dir=None)
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module:
                edges.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == []


@pytest.mark.slow
def test_a_wheel_installed_alone_validates_and_queries(tmp_path):
    """Built from the source tree, installed into a fresh virtual environment with only the
    base dependencies, run against a catalog folder that is not the checkout."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("alignscape-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "catalog", project / "catalog")
    cli = env_dir / "bin" / "alignscape"

    def run(*args):
        return subprocess.run([str(cli), *args], cwd=project, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                   "ALIGNSCAPE_CACHE_DIR": str(tmp_path / "cache")})

    validated = run("validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    queried = run("query", "kind = objective and instantiation.formats has binary_label",
                  "--format", "ids")
    assert queried.returncode == 0, queried.stderr
    assert "kto" in queried.stdout.split()
    explained = run("explain", "dpo")
    assert explained.returncode == 0 and "dpo" in explained.stdout, explained.stderr
    recipe = run("run", "dpo", "--print-recipe")
    assert recipe.returncode == 0, recipe.stderr
    assert "instantiation" in recipe.stdout
    # Nothing of the site or pipeline stack came with the base install.
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "freeze"],
                            capture_output=True, text=True, check=True).stdout.lower()
    for heavy in ("mkdocs", "httpx", "watchdog", "torch"):
        assert f"{heavy}==" not in listed
