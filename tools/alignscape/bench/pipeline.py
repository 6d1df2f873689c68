"""The pipeline benchmark: instantiation (pairwise, binary, listwise) from 1,000,000 scored
responses through `alignscape run`, against a straightforward pandas implementation of the
same output measured in the same run, both as separate processes from the same JSONL file to
JSONL files (alignscape's Parquet export is switched off: pandas writes none).

Input: PROMPTS prompts x CANDIDATES responses, each ``{"text", "model", "score"}`` with an
integer score 1-10 (seeded, so ties are common). The recipe (RECIPE) reads them with
synthesis.sources.human_written, pairs best vs worst and writes the three formats.

Tie-breaking (both implementations, tested in tests/bench/test_bench_pipeline.py): candidates
are ranked by score, highest first, equal scores kept in input order (a stable sort). The
chosen response is the first of that order (the earliest of the best-scored), the rejected
one the last (the latest of the worst-scored). When best and worst score are equal the pair is
a tie and dropped (``ties: drop``, the default), and the prompt gets no binary labels. Binary
labels: chosen True, rejected False, in input order. Listwise: every scored candidate in the
ranking order, one row per prompt with at least two.

    python -m alignscape.bench.pipeline pandas IN.jsonl OUT_DIR   # the baseline alone
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from alignscape.bench.context import Context, Result

PROMPTS = 250_000
CANDIDATES = 4
BATCH_SIZE = 1024
RECIPE = """\
name: instantiation_bench
seed: 0
style: standard
stages:
  - use: synthesis.sources.human_written
    config: {include_reference: false}
  - use: instantiation.pairing.best_vs_worst
  - use: instantiation.formats.pairwise
  - use: instantiation.formats.binary_label
  - use: instantiation.formats.listwise
"""
WORDS = ("the", "answer", "is", "a", "model", "reward", "because", "first", "then", "so",
         "we", "get", "step", "result", "value", "check")


def generate(path: Path, prompts: int = PROMPTS, candidates: int = CANDIDATES,
             seed: int = 0) -> int:
    """Write ``prompts`` lines of ``candidates`` scored responses; returns the responses."""
    r = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(prompts):
            responses = [{"text": f"{i}.{j} " + " ".join(r.choices(WORDS, k=r.randint(3, 12))),
                          "model": f"model-{j}", "score": r.randint(1, 10)}
                         for j in range(candidates)]
            fh.write(json.dumps({"prompt_id": f"p{i}", "prompt": f"Question {i}: "
                                 + " ".join(r.choices(WORDS, k=6)),
                                 "responses": responses}) + "\n")
    return prompts * candidates


def pandas_instantiate(source: Path, out: Path) -> dict[str, int]:
    """The baseline: read, explode, sort, group by prompt, write three JSONL files."""
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    df = pd.read_json(source, lines=True, dtype=False)
    df["order"] = range(len(df))
    long = df[["order", "prompt_id", "prompt", "responses"]].explode("responses",
                                                                      ignore_index=True)
    long = long[long["responses"].notna()]
    fields = pd.DataFrame(long["responses"].tolist(), index=long.index)
    long = pd.concat([long.drop(columns="responses"), fields[["text", "model", "score"]]],
                     axis=1)
    long["pos"] = long.groupby("order").cumcount()
    long = long[long["score"].notna() & long["text"].notna()]
    long["score"] = long["score"].astype(float)
    ranked = long.sort_values(["order", "score", "pos"], ascending=[True, False, True],
                              kind="stable")
    groups = ranked.groupby("order", sort=True)
    best, worst = groups.head(1).set_index("order"), groups.tail(1).set_index("order")
    size = groups.size()
    keep = (size >= 2) & (best["score"] != worst["score"])
    best, worst = best[keep], worst[keep]
    pairs = pd.DataFrame({"prompt_id": best["prompt_id"], "prompt": best["prompt"],
                          "chosen": best["text"], "rejected": worst["text"],
                          "margin": best["score"] - worst["score"],
                          "chosen_model": best["model"], "rejected_model": worst["model"]})
    pairs.to_json(out / "pairwise.jsonl", orient="records", lines=True, force_ascii=False)
    labelled = pd.concat([best.assign(label=True), worst.assign(label=False)])
    labelled = labelled.reset_index().sort_values(["order", "pos"], kind="stable")
    labelled[["prompt_id", "prompt", "text", "model", "label"]].rename(
        columns={"text": "completion"}).to_json(out / "binary_label.jsonl", orient="records",
                                                lines=True, force_ascii=False)
    multi = ranked[ranked["order"].map(size) >= 2]
    lists = multi.groupby("order", sort=True).agg(
        prompt_id=("prompt_id", "first"), prompt=("prompt", "first"),
        completions=("text", list), scores=("score", list), models=("model", list))
    lists.to_json(out / "listwise.jsonl", orient="records", lines=True, force_ascii=False)
    return {"pairwise": len(pairs), "binary_label": len(labelled), "listwise": len(lists)}


def read_rows(path: Path, keys: tuple[str, ...]) -> list[tuple]:
    """The compared columns of a JSONL output, in file order."""
    with open(path, encoding="utf-8") as fh:
        return [tuple(_plain(row[k]) for k in keys) for row in map(json.loads, fh)]


def _plain(value):
    if isinstance(value, list):
        return tuple(float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                     for v in value)
    return value


COMPARED = {"pairwise": ("prompt_id", "chosen", "rejected", "margin"),
            "binary_label": ("prompt_id", "completion", "label"),
            "listwise": ("prompt_id", "completions", "scores")}


def compare(alignscape_out: Path, pandas_out: Path) -> dict[str, int]:
    """Rows per format; raises if the two outputs differ in any compared column."""
    counts = {}
    for name, keys in COMPARED.items():
        ours = read_rows(alignscape_out / f"{name}.jsonl", keys)
        theirs = read_rows(pandas_out / f"{name}.jsonl", keys)
        if ours != theirs:
            pairs = enumerate(zip(ours, theirs, strict=False))
            first = next((i for i, (a, b) in pairs if a != b), min(len(ours), len(theirs)))
            raise RuntimeError(f"{name}: alignscape and pandas differ ({len(ours)} vs "
                               f"{len(theirs)} rows; first difference at row {first})")
        counts[name] = len(ours)
    return counts


def bench_pipeline(context: Context, prompts: int = PROMPTS) -> list[Result]:
    work = context.workdir / "pipeline"
    work.mkdir(parents=True, exist_ok=True)
    source, recipe = work / "scored.jsonl", work / "recipe.yaml"
    responses = generate(source, prompts)
    recipe.write_text(RECIPE, encoding="utf-8")
    ours_out, pandas_out = work / "alignscape-out", work / "pandas-out"
    ours, _ = context.cli("run", "--recipe", str(recipe), "--prompts", str(source), "--out",
                          str(ours_out), "--batch-size", str(BATCH_SIZE), "--no-progress",
                          "--no-parquet")
    theirs, _ = context.run([sys.executable, "-m", "alignscape.bench.pipeline", "pandas",
                             str(source), str(pandas_out)])
    counts = compare(ours_out, pandas_out)
    rows = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    mb = 1 << 20
    sizes = (f"input {source.stat().st_size / mb:,.0f} MB, records.jsonl "
             f"{(ours_out / 'records.jsonl').stat().st_size / mb:,.0f} MB, format files "
             f"{sum((ours_out / f'{n}.jsonl').stat().st_size for n in counts) / mb:,.0f} MB "
             f"(pandas {sum((pandas_out / f'{n}.jsonl').stat().st_size for n in counts) / mb:,.0f}"
             " MB, no provenance)")
    return [
        Result(f"instantiation from {responses:,} scored responses (pairwise, binary, "
               "listwise)", ours.wall,
               f"{responses / ours.wall:,.0f} responses/s vs {responses / theirs.wall:,.0f}; "
               f"{rows}, identical to pandas; CPU {ours.cpu:.1f} s vs {theirs.cpu:.1f} s; "
               f"JSONL out, no Parquet; {sizes}",
               baseline="a straightforward pandas implementation (read_json, explode, sort, "
               "groupby)", baseline_seconds=theirs.wall, peak_mb=ours.peak_mb,
               baseline_peak_mb=theirs.peak_mb, goal=">= 2x"),
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "pandas":
        print(__doc__, file=sys.stderr)
        return 2
    counts = pandas_instantiate(Path(argv[1]), Path(argv[2]))
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
