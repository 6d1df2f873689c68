"""Make negatives by corrupting good candidates: rule-based edits by default (offline and
reproducible), or a model asked to inject a subtle error (``method: model``).

Rule methods: truncate (cut the second half), drop_sentence, shuffle_sentences, swap_numbers
(change every number), negate (flip the first "is"/"are"/"can"/"will"). Each perturbed copy is a
new candidate with ``parent`` and polarity ``negative``; ``original_vs_perturbed`` pairs it.
"""

from __future__ import annotations

import re

from alignscape.runtime import Request
from alignscape.stages.base import add_candidate, candidates, rng, sentences, user_messages
from alignscape.stages.registry import Param, stage

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


@stage(OPTION, params={
    "methods": Param(list, ["truncate", "swap_numbers", "drop_sentence"], "perturbations to "
                     "draw from (seeded); model asks the role's model for a subtle error",
                     items=str, choices=(*RULES, "model")),
    "per_candidate": Param(int, 1, "perturbed copies per candidate"),
    "only_origins": Param(list, None, "perturb only candidates of these origins", items=str),
    "role": Param(str, "policy", "backend role of method model")})
def perturbation(records, config, ctx):
    """Corrupt good candidates into negatives (see the module docstring)."""
    methods = config["methods"] or ["truncate", "swap_numbers", "drop_sentence"]
    origins = config["only_origins"]
    model_jobs = []
    for record in records:
        for cand in list(candidates(record)):
            if cand.get("polarity") == "negative" or (origins and cand["origin"] not in origins):
                continue
            r = rng(ctx, record, f"perturb|{cand['id']}")
            for _ in range(config["per_candidate"]):
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
        role = config["role"]
        reqs = [Request(user_messages(INJECT.format(text=c["text"]))) for _, c in model_jobs]
        for (record, cand), resp in zip(model_jobs, ctx.generate(role, reqs), strict=True):
            add_candidate(record, resp.text if resp.ok else None, "perturbation",
                          parent=cand["id"], method="model", polarity="negative",
                          model=resp.model, error=resp.error)
    return records
