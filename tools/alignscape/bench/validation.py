"""The validation benchmark: `alignscape validate` on a synthetic catalog against
check-jsonschema on the same files with the same (inlined) entry schema, then re-validation
after one entry is edited (the entry memo of alignscape.catalog.cache)."""

from __future__ import annotations

import re
import shutil
import statistics
import sys
from pathlib import Path

from alignscape.bench.context import Context, Result

EDITS = 3  # edits timed per size (the median is reported)


def edit_entry(root: Path, n: int) -> Path:
    """Change the name of one entry (still valid): what a contributor does."""
    files = sorted((root / "catalog" / "entries").glob("*.yaml"))
    for k in range(len(files)):
        path = files[(n * 7919 + k) % len(files)]
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^name: ([A-Za-z][^'\"|>#:\n]*)$", text, re.M)
        if match:
            path.write_text(text[:match.end(1)] + f" edited {n}" + text[match.end(1):],
                            encoding="utf-8")
            return path
    raise RuntimeError("no entry with a plain name to edit")


def check_jsonschema(context: Context, root: Path):
    """Timing of check-jsonschema on every entry file, or None when it is not installed."""
    tool = Path(sys.executable).with_name("check-jsonschema")
    if not tool.exists():
        found = shutil.which("check-jsonschema")
        if not found:
            return None
        tool = Path(found)
    schema = context.workdir / f"entry-{root.name}.schema.json"
    context.cli("--root", str(root), "schema", "--out", str(schema))
    files = sorted(p.name for p in (root / "catalog" / "entries").glob("*.yaml"))
    timing, done = context.run([str(tool), "--schemafile", str(schema), *files],
                               cwd=root / "catalog" / "entries", check=False)
    if done.returncode != 0:
        raise RuntimeError(f"check-jsonschema rejected the synthetic catalog:\n"
                           f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return timing


def bench_validation(context: Context) -> list[Result]:
    root = context.synthetic_catalog()
    size = context.entries
    env = {"ALIGNSCAPE_CACHE_DIR": str(context.workdir / f"cache-validate-{size}")}
    args = ("--root", str(root), "validate")
    cold, done = context.cli(*args, env=env)
    baseline = check_jsonschema(context, root)
    full, _ = context.cli(*args, env=dict(env, ALIGNSCAPE_CACHE="off"))  # no memo at all
    warm, _ = context.cli(*args, env=env)  # settles the stat memo of just-written files
    edits = []
    for n in range(EDITS):
        path = edit_entry(root, n)
        timing, done = context.cli(*args, str(path), env=env)
        edits.append(timing)
    rows = [Result(
        "validate every entry (schema + cross-file rules), empty cache", cold.wall,
        f"CPU {cold.cpu:.2f} s; writing the entry memo included (without it: "
        f"{full.wall:.2f} s)" + ("" if baseline else "; check-jsonschema not installed "
                                 "(pip install -e '.[bench]')"),
        baseline="check-jsonschema, same files, inlined entry schema (no cross-file rules)"
        if baseline else "", baseline_seconds=baseline.wall if baseline else None,
        peak_mb=cold.peak_mb, baseline_peak_mb=baseline.peak_mb if baseline else None,
        goal=">= 5x faster at 10,000", entries=size)]
    edit = statistics.median(t.wall for t in edits)
    rows.append(Result(
        "re-validate after editing one entry (`validate FILE`)", edit,
        f"median of {EDITS} edits; CPU {statistics.median(t.cpu for t in edits):.2f} s; "
        f"nothing changed: {warm.wall:.2f} s",
        baseline="a full validation without the memo (ALIGNSCAPE_CACHE=off)",
        baseline_seconds=full.wall,
        peak_mb=max(t.peak_mb for t in edits), baseline_peak_mb=full.peak_mb,
        goal="< 1 s at 10,000", entries=size))
    return rows
