"""Run every analysis and write ``alpaca_eval_judges.json`` and the SVG figures.

The output is deterministic given the data, the seed and the settings: no dates, no timings,
floats rounded to 6 decimals (so last-bit differences between BLAS builds do not show).
Point estimates of the GPT-4 analyses do not depend on the seed at all; intervals and the
judges' prompt sample do.
"""

from __future__ import annotations

import json
import math
import platform
import sys
from pathlib import Path

import numpy as np

from alignscape.measure import data as data_mod
from alignscape.measure import family, judges, length_bias, length_control, plots, verdicts

SCHEMA = "alignscape.measure.alpaca_eval_judges/1"
OUTPUT = "alpaca_eval_judges.json"
PRECISION = ("Point estimates of the GPT-4 analyses (rates, win rates, regression "
             "coefficients) are exact functions of the data files and reproduce to the 6 "
             "decimals written here; compare them at 1e-4. Confidence intervals are 95% "
             "percentile intervals of a prompt-clustered bootstrap and reproduce exactly only "
             "with the same seed and replicate count (another seed moves them by about "
             "0.01). The model judges' numbers depend on the seeded prompt sample too.")


def rounded(value, digits: int = 6):
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, digits) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, digits)
    return value


def environment(judge_names) -> dict:
    env = {"python": platform.python_version(), "numpy": np.__version__}
    if any(j in judge_names for j in ("embedding", "local")):
        for mod in ("torch", "transformers"):
            if mod in sys.modules:
                env[mod] = getattr(sys.modules[mod], "__version__", "?")
    return env


def headline(gpt4: dict, pipeline: dict | None) -> list[str]:
    lb, lc, vr = gpt4["length_bias"], gpt4["length_controlled_win_rate"], gpt4["verdict_rates"]

    def pct(est):
        ci = est.get("ci95") or {}
        if est["value"] is None:
            return "n/a"
        if ci.get("low") is None:
            return f"{100 * est['value']:.1f}%"
        return f"{100 * est['value']:.1f}% [{100 * ci['low']:.1f}, {100 * ci['high']:.1f}]"

    lines = [f"longer response wins {pct(lb['overall']['longer_win_rate'])} of "
             f"{lb['overall']['n']} unequal-length verdicts; by ratio bucket: " +
             "; ".join(f"{b['bucket']}: {pct(b['longer_win_rate'])} (n={b['n']})"
                       for b in lb["buckets"])]
    lines += [f"{g['generator']}: raw {pct(g['raw_win_rate'])}, LC {pct(g['lc_win_rate'])} "
              f"(n={g['n']})" for g in lc["generators"]]
    a = vr["all_recorded"]
    lines.append(f"ties {a['ties']}/{a['n_with_verdict']} ({pct(a['tie_rate'])}), unparsable "
                 f"{a['unparsable']}/{a['n_rows']} ({pct(a['unparsable_rate'])}) of all "
                 "recorded verdicts")
    for name, j in (pipeline or {}).get("judges", {}).items():
        if j.get("available"):
            lines.append(f"judge {name}: agreement with GPT-4 {pct(j['combined']['agreement'])}"
                         f", position consistency {pct(j['position_consistency'])} "
                         f"(n={j['n_pairs']} pairs; always-generator baseline "
                         f"{pct(j['baselines']['always_generator'])})")
        else:
            lines.append(f"judge {name}: not available ({j['why']})")
    return lines


def measure(data_dir: str | Path, out_dir: str | Path, *, seed: int = 0, replicates: int = 1000,
            judge_names=judges.JUDGES, judge_prompts: int = 50, command: str | None = None,
            figures: bool = True, log=print) -> dict:
    out_dir = Path(out_dir)
    data = data_mod.load(data_dir)
    log(f"loaded {len(data.rows)} verdicts, {len(data.y)} analysed comparisons of "
        f"{len(data.generators)} generators")
    lc = length_control.compute(data, seed, replicates)
    gpt4 = {
        "length_bias": length_bias.analyse(data, seed, replicates),
        "length_controlled_win_rate": length_control.to_json(lc),
        "verdict_rates": verdicts.analyse(data, seed, replicates),
        "same_family": family.analyse(data, lc),
    }
    log("GPT-4 analyses done")
    pipeline = judges.analyse(data, list(judge_names), seed, replicates, judge_prompts, log=log) \
        if judge_names else None
    result = {
        "schema": SCHEMA,
        "command": command,
        "data": {
            "directory": str(data_dir),
            "sha256": data.digests,
            "verdict_rows": len(data.rows),
            "prompts": len(data.prompts),
            "pool_generators": data.pool,
            "judged_generators": sorted({r["generator_2"] for r in data.rows}),
            "analysed_generators": data.generators,
            "baseline": data_mod.BASELINE,
            "analysed_comparisons": int(len(data.y)),
            "analysed_with_verdict": int(data.parsed().sum()),
            "exclusions": data.exclusions,
            "exclusion_rules": data_mod.__doc__.strip(),
        },
        "settings": {"seed": seed, "bootstrap_replicates": replicates,
                     "bootstrap": "prompt-clustered, percentile 95% intervals (see stats.py)",
                     "judges": list(judge_names), "judge_prompts_per_generator": judge_prompts},
        "precision": PRECISION,
        "environment": environment(judge_names),
        "gpt4_judge": gpt4,
        "pipeline_judges": pipeline,
    }
    result = rounded(result)
    result["summary"] = headline(result["gpt4_judge"], result["pipeline_judges"])
    out_dir.mkdir(parents=True, exist_ok=True)
    figs = []
    if figures:
        figs.append(plots.length_buckets(result["gpt4_judge"]["length_bias"],
                                         out_dir / "gpt4_length_bias.svg"))
        figs.append(plots.raw_vs_lc(result["gpt4_judge"]["length_controlled_win_rate"],
                                    out_dir / "gpt4_raw_vs_lc_win_rate.svg"))
        if pipeline and any(j.get("available") for j in pipeline["judges"].values()):
            figs.append(plots.judge_agreement(result["pipeline_judges"],
                                              out_dir / "judge_agreement.svg"))
    result["figures"] = rounded(figs)
    (out_dir / OUTPUT).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
    return result
