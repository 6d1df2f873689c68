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

EDITS = 3  # entries edited one after the other (the median is reported)


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
    for n, path in enumerate(files[len(files) // 2:][:EDITS]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["summary"] = f"{data['summary'].rstrip()} Edited {n}."
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        server.notice(str(path))
        started = time.perf_counter()
        if not server.rebuild_changed():
            raise RuntimeError("\n".join(messages[-20:]))
        update = server.last_update
        edits.append({"seconds": time.perf_counter() - started,
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
    edits = data["edits"]
    wall = statistics.median(e["seconds"] for e in edits)
    parts = edits[len(edits) // 2]["parts"]
    return [Result(
        "`serve` rebuild after editing one entry", wall,
        f"median of {len(edits)} edits; {edits[0].get('stamped')} entry pages stamped, "
        f"{edits[0]['rendered']} pages rendered by mkdocs, {edits[0]['regenerated']} generated "
        f"files changed, page families regenerated: {', '.join(edits[0].get('families') or [])}"
        f"; entry files parsed {edits[0].get('parsed')}, Entry objects made "
        f"{edits[0].get('entries_built')}; catalog reload and the rest "
        f"{wall - sum(parts.values()):.2f} s, page families "
        f"{parts.get('generate', 0):.2f} s, stamp {parts.get('stamp', 0):.2f} s, mkdocs "
        f"{parts.get('mkdocs', 0):.2f} s, search index {parts.get('search', 0):.2f} s; peak memory "
        "covers the serving process and its first full build's mkdocs child (wait4 counts "
        "waited-for descendants), not the edit alone",
        baseline="the full rebuild serve ran before (same process)",
        baseline_seconds=data["full"], peak_mb=timing.peak_mb, goal="< 2 s at 10,000",
        entries=context.entries)]


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))))
