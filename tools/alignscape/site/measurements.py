"""The measured judge trade-offs (catalog/measurements/alpaca_eval_judges.json, written by
`alignscape measure`) as entry pages show them beside the cited rule levels: the GPT-4 judge's
length bias and the raw vs length-controlled win rates, each with its sample size and 95%
interval, the figures, and the command that reproduces them."""

from __future__ import annotations

import json
from pathlib import Path

MEASUREMENTS = Path("catalog") / "measurements"
JUDGES_FILE = "alpaca_eval_judges.json"


def _pct(x) -> str:
    return f"{100 * float(x):.1f}%"


def _estimate(block: dict) -> dict:
    ci = block.get("ci95") or {}
    return {"value": _pct(block["value"]), "low": _pct(ci.get("low", block["value"])),
            "high": _pct(ci.get("high", block["value"]))}


def judge_measurements(root: Path) -> dict | None:
    """What entry pages show of the measurement file, or None when there is none (a catalog
    without measurements, or one this reader does not understand)."""
    path = root / MEASUREMENTS / JUDGES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        gpt4 = data["gpt4_judge"]
        overall = gpt4["length_bias"]["overall"]
        lc = gpt4["length_controlled_win_rate"]
        view = {
            "file": f"{MEASUREMENTS.as_posix()}/{JUDGES_FILE}",
            "command": " ".join(str(data["command"]).split("(from")[0].split()),
            "prompts": int(data["data"]["prompts"]),
            "verdicts": int(data["data"]["verdict_rows"]),
            "longer_wins": _estimate(overall["longer_win_rate"]),
            "longer_n": int(overall["n"]),
            "buckets": [{"bucket": b["bucket"], "n": int(b["n"]),
                         **_estimate(b["longer_win_rate"])}
                        for b in gpt4["length_bias"]["buckets"]],
            "baseline": str(lc.get("baseline", "")),
            "generators": [{"generator": str(g["generator"]), "n": int(g["n"]),
                            "raw": _estimate(g["raw_win_rate"]),
                            "lc": _estimate(g["lc_win_rate"])} for g in lc["generators"]],
            "figures": [{"file": str(f["file"]), "title": str(f.get("title", "")),
                         "alt": str(f.get("alt", ""))} for f in data.get("figures", ())
                        if str(f.get("file", "")).endswith(".svg")
                        and "/" not in str(f["file"])],
        }
        bootstrap = data.get("settings", {}).get("bootstrap_replicates")
        view["bootstrap"] = int(bootstrap) if bootstrap else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return view


def copy_figures(root: Path, docs: Path, view: dict | None) -> None:
    """The SVG figures into build/docs/data/measurements/, where entry pages link them."""
    if not view:
        return
    target = docs / "data" / "measurements"
    for figure in view["figures"]:
        source = root / MEASUREMENTS / figure["file"]
        if source.is_file():
            target.mkdir(parents=True, exist_ok=True)
            (target / figure["file"]).write_bytes(source.read_bytes())
