"""A transparent heuristic scorer: NOT a model, and labelled as such everywhere it is used.

It exists so that an offline pipeline has a judge whose agreement with recorded verdicts can be
measured honestly when no real judge model fits on the machine. Score = a saturating reward for
length (judges prefer fuller answers), coverage of the prompt's content words, a penalty for
refusals and for empty or truncated answers, a penalty for answers that copy the prompt.
"""

from __future__ import annotations

import math
import re

from alignscape.runtime import Backend, Response
from alignscape.stages.base import words

_REFUSAL = re.compile(r"\b(i'?m sorry|i cannot|i can'?t|as an ai|i am unable|i'm unable|"
                      r"i do not have (the )?ability)\b", re.I)
_STOP = set("a an the of to in on for and or is are be with what how why which who this that "
            "it as by from at your you i me my can do does please give write".split())


def heuristic_score(prompt: str, response: str) -> float:
    resp_words = words(response)
    if not resp_words:
        return 0.0
    content = {w for w in words(prompt) if w not in _STOP and len(w) > 2}
    coverage = len(content & set(resp_words)) / len(content) if content else 0.5
    length = min(math.log1p(len(resp_words)) / math.log1p(300), 1.2)
    structure = 0.15 if re.search(r"^\s*(\d+\.|[-*])\s", response, re.M) else 0.0
    refusal = 0.6 if _REFUSAL.search(response[:300]) else 0.0
    truncated = 0.2 if not re.search(r"[.!?)\]`\"'*:]\s*$", response.strip()) else 0.0
    copied = 0.5 if response.strip().lower() == prompt.strip().lower() else 0.0
    return round(2.0 * length + coverage + structure - refusal - truncated - copied, 6)


class HeuristicScorer(Backend):
    name = "heuristic-length-coverage (not a model)"
    can_generate = False
    can_score = True

    def score(self, prompts: list[str], responses: list[str]) -> list[Response]:
        return [Response(None, self.name, meta={"score": heuristic_score(p, r)})
                for p, r in zip(prompts, responses, strict=True)]
