"""Judge prompts for every protocol, with the prompt-level bias controls built in.

* anonymised sources: responses are shown as "Response A"/"Response B" (or [1], [2], ...);
  model names never reach a judge;
* detailed rubric (``rubric: true``): each score level is described;
* reference answer (``reference``): shown when the record has one and ``reference_guided``;
* principles (``principles``): a written constitution the judge must apply.
"""

from __future__ import annotations

from alignscape.stages.registry import setting

SYSTEM = ("You are an impartial, careful evaluator of AI assistant responses. Do not let "
          "length, order or style sway you.")

RUBRIC = {
    1: "fails the request: irrelevant, wrong, harmful or empty",
    2: "addresses the request poorly: major errors or omissions",
    3: "acceptable: answers the request with some errors or gaps",
    4: "good: correct and helpful with minor issues",
    5: "excellent: correct, complete, clear and well suited to the request",
}
PAIRWISE_FORMAT = ('After your reasoning, output your final verdict strictly as "[[A]]" if '
                   'Response A is better, "[[B]]" if Response B is better, or "[[C]]" for a tie.')


def _context(prompt, config, record) -> str:
    parts = [f"[Request]\n{prompt}"]
    if config.get("reference_guided") and record and record.get("reference"):
        parts.append(f"[Reference answer]\n{record['reference']}")
    if config.get("principles"):
        listed = "\n".join(f"- {p}" for p in config["principles"])
        parts.append(f"[Principles to judge by]\n{listed}")
    return "\n\n".join(parts)


def _system(config) -> list[dict]:
    text = config.get("judge_system") or SYSTEM
    return [{"role": "system", "content": text}]


def pointwise(prompt, response, config, record=None, aspect=None) -> list[dict]:
    lo, hi = config.get("scale", (1, 5))
    what = f"on {aspect.replace('_', ' ')}" if aspect else "overall"
    rubric = ""
    if config.get("rubric") and (lo, hi) == (1, 5):
        rubric = "\n\nRubric:\n" + "\n".join(f"{k}: {v}" for k, v in RUBRIC.items())
    text = (f"{_context(prompt, config, record)}\n\n[Response]\n{response}\n\nRate the response "
            f"{what} on a scale of {lo} to {hi}.{rubric}\n\nExplain briefly, then end with "
            f'"Rating: [[N]]".')
    return _system(config) + [{"role": "user", "content": text}]


def pairwise(prompt, first, second, config, record=None) -> list[dict]:
    text = (f"{_context(prompt, config, record)}\n\n[Response A]\n{first}\n\n[Response B]\n"
            f"{second}\n\nWhich response answers the request better?\n{PAIRWISE_FORMAT}")
    return _system(config) + [{"role": "user", "content": text}]


def listwise(prompt, responses, config, record=None) -> list[dict]:
    shown = "\n\n".join(f"[{i + 1}]\n{r}" for i, r in enumerate(responses))
    text = (f"{_context(prompt, config, record)}\n\n{shown}\n\nRank all {len(responses)} "
            "responses from best to worst. End with one line in the form "
            '"Ranking: [2] > [1] > [3]".')
    return _system(config) + [{"role": "user", "content": text}]


def binary(prompt, response, config, record=None, question=None) -> list[dict]:
    question = question or config.get("question") or "Is the response acceptable: correct, " \
        "helpful and safe?"
    text = (f"{_context(prompt, config, record)}\n\n[Response]\n{response}\n\n{question}\n"
            'End with "Verdict: yes" or "Verdict: no".')
    return _system(config) + [{"role": "user", "content": text}]


def critique(prompt, response, config, record=None) -> list[dict]:
    lo, hi = config.get("scale", (1, 5))
    text = (f"{_context(prompt, config, record)}\n\n[Response]\n{response}\n\nWrite a critique "
            "of the response: what is wrong, missing or good, specifically. Then end with "
            f'"Rating: [[N]]" on a scale of {lo} to {hi}.')
    return _system(config) + [{"role": "user", "content": text}]


def correction(prompt, response, config, record=None) -> list[dict]:
    text = (f"{_context(prompt, config, record)}\n\n[Response]\n{response}\n\nCorrect the "
            "response: rewrite it fixing every error and omission, changing as little as "
            "needed. Write only the corrected response.")
    return _system(config) + [{"role": "user", "content": text}]


setting("evaluation.bias_controls.detailed_rubric", "rubric", True,
        "the judge prompt carries a score-by-score rubric (rubric: true of the judges)",
        implemented_by=pointwise)
setting("evaluation.bias_controls.reference_guided", "reference_guided", True,
        "the judge prompt includes the record's reference answer (reference_guided: true of "
        "the judges)", implemented_by=_context)
setting("evaluation.bias_controls.anonymised_sources", None, None,
        "judge prompts never name the model that wrote a response (always on)",
        implemented_by=pairwise)
