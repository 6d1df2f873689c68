"""Make negatives by corrupting good candidates: rule-based edits by default (offline and
reproducible), or a model asked to inject a subtle error (``method: model``).

Rule methods: truncate (cut the second half), drop_sentence, shuffle_sentences, swap_numbers
(change every number), negate (flip the first "is"/"are"/"can"/"will"). Each perturbed copy is a
new candidate with ``parent`` and polarity ``negative``; ``original_vs_perturbed`` pairs it.
config: methods (default [truncate, swap_numbers, drop_sentence]), per_candidate (default 1),
only_origins (perturb only candidates of these origins)."""

from __future__ import annotations

import re

from alignscape.pipeline.backends.base import Request
from alignscape.stages.base import (
    add_candidate,
    batched,
    candidates,
    rng,
    sentences,
    trace,
    user_messages,
)

OPTION = "synthesis.sources.perturbation"
INJECT = ("Rewrite the following response so that it contains one subtle factual or logical "
          "error but otherwise reads the same. Write the rewritten response only.\n\n{text}")


def truncate(text, r):
    cut = max(1, len(text) // 2)
    return text[:cut].rsplit(" ", 1)[0]


def drop_sentence(text, r):
    parts = sentences(text)
    if len(parts) < 2:
        return None
    del parts[r.randrange(len(parts))]
    return " ".join(parts)


def shuffle_sentences(text, r):
    parts = sentences(text)
    if len(parts) < 3:
        return None
    shuffled = parts[:]
    while shuffled == parts:
        r.shuffle(shuffled)
    return " ".join(shuffled)


def swap_numbers(text, r):
    if not re.search(r"\d", text):
        return None
    return re.sub(r"\d+", lambda m: str(int(m.group()) + r.randint(1, 9)), text)


def negate(text, r):
    out, n = re.subn(r"\b(is|are|can|will)\b", r"\1 not", text, count=1)
    return out if n else None


RULES = {"truncate": truncate, "drop_sentence": drop_sentence,
         "shuffle_sentences": shuffle_sentences, "swap_numbers": swap_numbers, "negate": negate}


@batched
def apply(records, config, ctx):
    methods = config.get("methods") or ["truncate", "swap_numbers", "drop_sentence"]
    unknown = [m for m in methods if m not in RULES and m != "model"]
    if unknown:
        raise ValueError(f"perturbation: unknown methods {unknown}; choose from "
                         f"{sorted(RULES) + ['model']}")
    origins = config.get("only_origins")
    model_jobs = []
    for record in records:
        for cand in list(candidates(record)):
            if cand.get("polarity") == "negative" or (origins and cand["origin"] not in origins):
                continue
            r = rng(ctx, record, f"perturb|{cand['id']}")
            for _ in range(int(config.get("per_candidate", 1))):
                # Methods that cannot apply to this text (no numbers, one sentence) are skipped
                # in a fixed order so the choice is reproducible.
                for method in r.sample(methods, len(methods)):
                    if method == "model":
                        model_jobs.append((record, cand))
                        break
                    text = RULES[method](cand["text"], r)
                    if text and text != cand["text"]:
                        add_candidate(record, text, "perturbation", parent=cand["id"],
                                      method=method, polarity="negative", model=cand.get("model"))
                        break
    if model_jobs:
        role = config.get("role", "policy")
        reqs = [Request(user_messages(INJECT.format(text=c["text"]))) for _, c in model_jobs]
        for (record, cand), resp in zip(model_jobs, ctx.generate(role, reqs), strict=True):
            add_candidate(record, resp.text if resp.ok else None, "perturbation",
                          parent=cand["id"], method="model", polarity="negative",
                          model=resp.model, error=resp.error)
    for record in records:
        trace(record, OPTION)
    return records
