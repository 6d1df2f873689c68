"""The measured trade-offs (`alignscape measure`, catalog/measurements) as the trade-off pages
show them: for each dimension a measurement bears on, a few findings, each with its table
(n, point estimate, 95% interval), the figure it comes with and the command that reproduces
it. The figures are copied into the built site as data files; their text alternatives are the
tables, read from the same JSON.

Only what the JSON holds is shown, and a missing or unreadable file shows nothing (the site
does not depend on a measurement having been run)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

MEASUREMENT = "alpaca_eval_judges.json"
_SAFE_FILE = re.compile(r"^[A-Za-z0-9_-]+\.svg$")


@dataclass
class Finding:
    title: str
    reading: str
    columns: list[str]
    rows: list[list[str]]
    figure: str | None = None      # data/measurements/<file>, relative to the site root
    alt: str = ""
    caveat: str = ""


@dataclass
class Measured:
    source: str                    # the measurement's JSON, relative to the site root
    command: str
    data: str
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by trade-off dimension


def pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def estimate(stat: dict | None) -> tuple[str, str]:
    """(point, "[low, high]") of a {value, ci95} statistic, as percentages."""
    if not isinstance(stat, dict):
        return "–", ""
    ci = stat.get("ci95") or stat.get("wilson95") or {}
    interval = (f"[{pct(ci.get('low'))}, {pct(ci.get('high'))}]"
                if ci.get("low") is not None else "")
    return pct(stat.get("value")), interval


def load(root: Path) -> dict | None:
    path = root / "catalog" / "measurements" / MEASUREMENT
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "gpt4_judge" in data else None


def copy_figures(root: Path, docs: Path, data: dict) -> dict[str, dict]:
    """Copy the figures the JSON names into docs/data/measurements; {file: figure record}."""
    out = {}
    source = root / "catalog" / "measurements"
    target = docs / "data" / "measurements"
    for figure in data.get("figures") or []:
        name = str(figure.get("file", ""))
        if not _SAFE_FILE.match(name) or not (source / name).is_file():
            continue
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target / name)
        out[name] = figure
    if out:
        shutil.copyfile(source / MEASUREMENT, target / MEASUREMENT)
    return out


def _figure(figures: dict, name: str) -> tuple[str | None, str]:
    figure = figures.get(name)
    if not figure:
        return None, ""
    return f"data/measurements/{name}", str(figure.get("alt", ""))


def measured(root: Path, docs: Path) -> Measured | None:
    data = load(root)
    if data is None:
        return None
    figures = copy_figures(root, docs, data)
    judge = data["gpt4_judge"]
    meta = data.get("data") or {}
    result = Measured(
        source=f"data/measurements/{MEASUREMENT}" if figures else "",
        command=" ".join(str(data.get("command", "alignscape measure"))
                         .split("(from the project root)")[0].split()),
        data=(f"AlpacaEval: {meta.get('prompts', '?')} prompts, "
              f"{meta.get('verdict_rows', '?')} recorded GPT-4 verdicts against "
              f"{meta.get('baseline', 'the baseline')}"))
    findings = result.findings

    length = judge.get("length_bias") or {}
    if length.get("buckets"):
        rows = []
        for bucket in length["buckets"]:
            point, interval = estimate(bucket.get("longer_win_rate"))
            rows.append([str(bucket.get("bucket")), str(bucket.get("n")), point, interval])
        overall = length.get("overall") or {}
        point, interval = estimate(overall.get("longer_win_rate"))
        figure, alt = _figure(figures, "gpt4_length_bias.svg")
        findings.setdefault("length_bias", []).append(Finding(
            "The recorded GPT-4 judge prefers the longer response",
            f"Over {overall.get('n', '?')} verdicts on responses of unequal length, the longer "
            f"one wins {point} {interval}; the rate rises with the length ratio.",
            ["length ratio (longer / shorter)", "n", "longer wins", "95% interval"], rows,
            figure, alt, "Descriptive: a longer answer may also be the better one; the "
            "length-controlled win rates below separate length from quality by regression."))
    lc = judge.get("length_controlled_win_rate") or {}
    if lc.get("generators"):
        rows = []
        for g in lc["generators"]:
            raw, raw_ci = estimate(g.get("raw_win_rate"))
            lcw, lc_ci = estimate(g.get("lc_win_rate"))
            rows.append([str(g.get("generator")), str(g.get("n")), f"{raw} {raw_ci}",
                         f"{lcw} {lc_ci}"])
        figure, alt = _figure(figures, "gpt4_raw_vs_lc_win_rate.svg")
        findings.setdefault("length_bias", []).append(Finding(
            "Raw and length-controlled win rates",
            f"Win rates against {lc.get('baseline', 'the baseline')} before and after "
            "controlling for length (AlpacaEval 2.0's method): controlling for length lowers "
            "every generator's win rate, most of all for the ones with long answers.",
            ["generator", "n", "raw win rate [95%]", "length-controlled [95%]"], rows,
            figure, alt))

    judges = (data.get("pipeline_judges") or {}).get("judges") or {}
    if judges:
        rows = []
        for name, j in judges.items():
            if not j.get("available"):
                continue
            agreement, a_ci = estimate((j.get("combined") or {}).get("agreement"))
            consistency, c_ci = estimate(j.get("position_consistency"))
            rows.append([f"{name}: {j.get('description', '')}", str(j.get("n_pairs")),
                         f"{consistency} {c_ci}", f"{agreement} {a_ci}"])
        figure, alt = _figure(figures, "judge_agreement.svg")
        finding = Finding(
            "Position consistency and agreement of the pipeline's judges",
            "Each pair judged in both orders through the pipeline's llm_judge stage: "
            "position consistency is how often the two orders give the same verdict; "
            "agreement is with the recorded GPT-4 verdicts. A judge that ignores the order "
            "scores 100% consistency whatever its quality.",
            ["judge", "pairs", "position consistency [95%]", "agreement with GPT-4 [95%]"],
            rows, figure, alt,
            "The model judges here are deliberately weak (no model download): the local "
            "one has random weights, so its numbers show what chance looks like.")
        findings.setdefault("position_bias", []).append(finding)
        findings.setdefault("label_noise", []).append(finding)

    rates = (judge.get("verdict_rates") or {}).get("all_recorded") or {}
    if rates:
        tie, tie_ci = estimate(rates.get("tie_rate"))
        bad, bad_ci = estimate(rates.get("unparsable_rate"))
        findings.setdefault("label_noise", []).insert(0, Finding(
            "Ties and unparsable verdicts of the recorded GPT-4 judge",
            "How often the judge gives no usable preference.",
            ["verdicts", "n", "rate", "95% interval"],
            [["ties", f"{rates.get('ties')} of {rates.get('n_with_verdict')}", tie, tie_ci],
             ["unparsable", f"{rates.get('unparsable')} of {rates.get('n_rows')}", bad,
              bad_ci]]))

    family = judge.get("same_family") or {}
    if family.get("available"):
        n = family.get("n") or {}
        rows = []
        for group in ("openai", "other"):
            raw, raw_ci = estimate((family.get("raw_win_rate") or {}).get(group))
            lcw, lc_ci = estimate((family.get("lc_win_rate") or {}).get(group))
            members = ", ".join((family.get("groups") or {}).get(group, []))
            rows.append([f"{group} ({members})", str(n.get(group, "?")), f"{raw} {raw_ci}",
                         f"{lcw} {lc_ci}"])
        raw, raw_ci = estimate((family.get("raw_win_rate") or {}).get("difference"))
        lcw, lc_ci = estimate((family.get("lc_win_rate") or {}).get("difference"))
        rows.append(["difference (openai − other)", "", f"{raw} {raw_ci}", f"{lcw} {lc_ci}"])
        findings.setdefault("self_preference_bias", []).append(Finding(
            "Same-family preference of the GPT-4 judge (descriptive)",
            "Win rates of the OpenAI-family generators and of the others, judged by GPT-4, "
            "before and after length control.",
            ["group", "n", "raw win rate [95%]", "length-controlled [95%]"], rows, None, "",
            "Not a measurement of self-preference: the OpenAI models are also the strongest "
            "in the pool, and without an independent quality label the data cannot tell "
            "family preference from quality. Read it as an upper bound."))
    return result
