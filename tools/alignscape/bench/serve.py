"""The `serve` benchmark: the live rebuild after one entry is edited (site/incremental.py) vs
the full rebuild `serve` used to run for every change, in one process per size.

    python -m alignscape.bench.serve ROOT SITE_SRC OUT   # prints one JSON line
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml

from alignscape.bench.context import Context, Result

SUMMARY_EDITS = 3  # summaries edited one after the other (the median is reported)


def _summary(data: dict, n: int) -> None:
    data["summary"] = f"{data['summary'].rstrip()} Edited {n}."


def _name(data: dict, n: int) -> None:
    """A name: shown by the entries index, the taxonomy, trade-off and graph pages."""
    data["name"] = f"{data['name']} (edited {n})"


def _option(data: dict, n: int) -> None:
    """A stage option: moves the entry between taxonomy pages, heat maps and statistics."""
    synthesis = data["pipeline"]["synthesis"]
    sources = synthesis.get("sources") or []
    synthesis["sources"] = (["policy_sampling"] if "multi_model_pool" in sources
                            else ["multi_model_pool"])


# (kind, edit) in the order they are made, each on its own entry file.
EDITS = [("summary", _summary)] * SUMMARY_EDITS + [("name", _name), ("stage option", _option)]


def measure(root: Path, site_src: Path, out: Path) -> dict:
    from alignscape.site.serve import SiteServer

    messages: list[str] = []
    server = SiteServer(root, out, messages.append, messages.append, site_src=site_src)
    started = time.perf_counter()
    if not server.rebuild():
        raise RuntimeError("\n".join(messages[-20:]))
    full = time.perf_counter() - started
    edits = []
    files = sorted((root / "catalog" / "entries").glob("*.yaml"))
    chosen = files[len(files) // 2:][:len(EDITS)]
    for n, (path, (kind, edit)) in enumerate(zip(chosen, EDITS, strict=True)):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(data, n)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        server.notice(str(path))
        started = time.perf_counter()
        if not server.rebuild_changed():
            raise RuntimeError("\n".join(messages[-20:]))
        update = server.last_update
        edits.append({"kind": kind, "seconds": time.perf_counter() - started,
                      "rendered": len(update.rendered) if update else None,
                      "regenerated": len(update.regenerated) if update else None,
                      "stamped": len(update.stamped) if update else None,
                      "families": update.families if update else None,
                      "parsed": update.parsed if update else None,
                      "entries_built": update.entries_built if update else None,
                      "parts": update.seconds if update else {}})
    return {"full": full, "edits": edits}


def bench_serve(context: Context) -> list[Result]:
    import statistics

    root = context.synthetic_catalog()
    out = context.workdir / f"serve-{context.entries}"
    timing, done = context.run([sys.executable, "-m", "alignscape.bench.serve", str(root),
                                str(context.source_root / "site"), str(out)])
    data = json.loads(done.stdout.strip().splitlines()[-1])
    summaries = [e for e in data["edits"] if e["kind"] == "summary"]
    others = [e for e in data["edits"] if e["kind"] != "summary"]
    wall = statistics.median(e["seconds"] for e in summaries)
    parts = summaries[len(summaries) // 2]["parts"]
    first = summaries[0]
    common = dict(baseline="the full rebuild serve ran before (same process)",
                  baseline_seconds=data["full"], peak_mb=timing.peak_mb, goal="< 2 s at 10,000",
                  entries=context.entries)
    slowest = max(others, key=lambda e: e["seconds"])
    return [Result(
        "`serve` rebuild after editing one entry's summary", wall,
        f"median of {len(summaries)} edits; {first.get('stamped')} entry pages stamped, "
        f"{first['rendered']} pages rendered by mkdocs, {first['regenerated']} generated "
        f"files changed, page families regenerated: {', '.join(first.get('families') or [])}"
        f"; entry files parsed {first.get('parsed')}, Entry objects made "
        f"{first.get('entries_built')}; {_parts(wall, parts)}; peak memory covers the serving "
        "process and its first full build's mkdocs child (wait4 counts waited-for "
        "descendants), not the edit alone", **common), Result(
        "`serve` rebuild after editing one entry's name or a stage option", slowest["seconds"],
        "the slower of " + " and ".join(
            f"a {e['kind']} edit {e['seconds']:.2f} s ({len(e.get('families') or [])} page "
            f"families, {e['rendered']} pages through mkdocs)" for e in others)
        + f"; the slower's {_parts(slowest['seconds'], slowest['parts'])}", **common)]


def _parts(wall: float, parts: dict) -> str:
    return (f"catalog reload and the rest {wall - sum(parts.values()):.2f} s, page families "
            f"{parts.get('generate', 0):.2f} s, stamp {parts.get('stamp', 0):.2f} s, mkdocs "
            f"{parts.get('mkdocs', 0):.2f} s, deferred blocks {parts.get('fill', 0):.2f} s, "
            f"search index {parts.get('search', 0):.2f} s")

if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))))
