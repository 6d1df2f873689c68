"""Build an entry's recipe from its classification (see recipe.py for the rules' summary).

Order: prompt sources -> decoding plan -> response sources -> evaluators (model judges get
the entry's protocols, aspects, granularity and bias controls as options; ensembles last) ->
length control -> selection -> aspect weights -> candidate filters -> pairing -> pair
filters -> weighting columns -> formats. Every default that the classification does not fix
is written into ``recipe.notes`` so the recipe says what it assumed.
"""

from __future__ import annotations

from alignscape.pipeline.recipe import (
    JUDGE_EVALUATORS,
    PAIR_FILTERS,
    PAIR_FORMATS,
    PLAN_PRIORITY,
    PROTOCOLS,
    RECORD_WEIGHTING,
    Recipe,
    RecipeError,
    stage,
)
from alignscape.stages.registry import DESCRIPTIVE, MAPPED

GENERATED_PROMPTS = ("model_generated", "evolved", "backtranslated")


def build(entry) -> Recipe:
    run = entry.run or {}
    overrides = run.get("config") or {}
    if not isinstance(overrides, dict):
        raise RecipeError(f"{entry.source}: run.config must map option ids to settings")
    ch = entry.choices
    na = {g: entry.not_applicable(g) for g in ("synthesis", "evaluation", "instantiation")}
    if all(na.values()):
        raise RecipeError(f"{entry.id}: every stage is marked not_applicable, so there is no "
                          "data pipeline to run")
    notes: list[str] = []
    uses: list[tuple[str, dict]] = []

    def add(use, config=None):
        if any(u == use for u, _ in uses):
            return
        option = use.rsplit(".", 1)[-1]
        uses.append((use, {**(config or {}), **overrides.get(option, {}),
                           **overrides.get(use, {})}))

    def chosen(dim):
        return list(ch.get(dim, ()))

    # Synthesis
    if na["synthesis"]:
        notes.append("synthesis not applicable: candidates are read from the input's "
                     "'responses' (and 'reference')")
        add("synthesis.sources.human_written")
    else:
        for option in chosen("synthesis.prompt_sources"):
            if option in GENERATED_PROMPTS:
                add(f"synthesis.prompt_sources.{option}")
        sampling = chosen("synthesis.sampling")
        plan = next((p for p in PLAN_PRIORITY if p in sampling), None)
        if plan:
            n = entry.stage("synthesis").get("responses_per_prompt")
            add(f"synthesis.sampling.{plan}", {"n": n} if isinstance(n, int) and
                plan == "repeated_sampling" else {})
        step_mode = "tree" if "tree_search" in sampling else "rollouts"
        sources = chosen("synthesis.sources") or ["human_written"]
        if not chosen("synthesis.sources"):
            notes.append("no response source classified: candidates come from the input")
        for option in sources:
            if option == "step_search":
                add("synthesis.sources.step_search", {"mode": step_mode})
            else:
                add(f"synthesis.sources.{option}")
        if "multi_model_pool" in sources:
            per = entry.stage("synthesis").get("responses_per_prompt")
            if isinstance(per, int):
                _set(uses, "synthesis.sources.multi_model_pool", "per_prompt", per)

    # Evaluation
    judge_config = {}
    if na["evaluation"]:
        notes.append("evaluation not applicable: scores, if any, come with the input responses")
    else:
        judge_config = _judge_config(entry, chosen, notes)
        evaluators = chosen("evaluation.evaluators")
        for option in evaluators:
            if option == "multi_agent":
                continue
            add(f"evaluation.evaluators.{option}",
                judge_config if option in JUDGE_EVALUATORS else {})
        if "multi_agent" in evaluators:
            add("evaluation.evaluators.multi_agent")
        granularity = chosen("evaluation.granularity")
        if "step" in granularity and not any(e in JUDGE_EVALUATORS for e in evaluators) \
                and "step_search" not in chosen("synthesis.sources"):
            add("evaluation.granularity.step")
            notes.append("step granularity without a model judge: steps are judged by the "
                         "'judge' role")
        if "length_control" in chosen("evaluation.bias_controls"):
            add("evaluation.bias_controls.length_control")
    if not na["synthesis"]:
        for option in chosen("synthesis.selection"):
            add(f"synthesis.selection.{option}")

    # Instantiation
    if na["instantiation"]:
        notes.append("instantiation not applicable: only records.jsonl (candidates and "
                     "judgements) is written")
    else:
        _instantiation(entry, chosen, judge_config, add, notes)

    stages = []
    for use, config in uses:
        try:
            stages.append(stage(use, config))
        except RecipeError as exc:
            raise RecipeError(f"{entry.id}: {exc}") from None
    return Recipe(name=entry.id, entry=entry.id, stages=stages, seed=int(run.get("seed", 0)),
                  style=run.get("style", "standard"), models=dict(run.get("models") or {}),
                  notes=notes + _mapping_notes(entry))


def _set(uses, use, key, value):
    for u, config in uses:
        if u == use:
            config.setdefault(key, value)


def _judge_config(entry, chosen, notes) -> dict:
    protocols = [p for p in chosen("evaluation.protocol") if p in PROTOCOLS]
    bias = chosen("evaluation.bias_controls")
    config = {"protocols": protocols or ["pointwise_rating"],
              "both_orders": "position_swap" in bias,
              "randomize_order": "order_randomization" in bias,
              "rubric": "detailed_rubric" in bias,
              "reference_guided": "reference_guided" in bias,
              "granularity": [g for g in chosen("evaluation.granularity") if g != "outcome"]}
    if not protocols:
        notes.append("no judgement protocol classified: model judges rate pointwise")
    if "multi_aspect" in chosen("evaluation.dimensionality"):
        aspects = entry.stage("evaluation").get("aspects")
        config["aspects"] = list(aspects) if isinstance(aspects, list) and aspects else None
        if not config["aspects"]:
            notes.append("multi-aspect without named aspects: helpfulness, honesty, "
                         "harmlessness")
    return config


def _instantiation(entry, chosen, judge_config, add, notes):
    formats = chosen("instantiation.formats")
    pairing = chosen("instantiation.pairing")
    filtering = chosen("instantiation.filtering")
    weighting = chosen("instantiation.weighting")
    for option in weighting:
        if option in RECORD_WEIGHTING:
            add(f"instantiation.weighting.{option}")
    for option in filtering:
        if option not in PAIR_FILTERS:
            add(f"instantiation.filtering.{option}")
    needs_pairs = any(f in PAIR_FORMATS for f in formats) or "binary_label" in formats
    if needs_pairs and not [p for p in pairing if p != "margin_threshold"]:
        default = "given_pairs" if "pairwise_comparison" in (
            judge_config.get("protocols") or ()) else "best_vs_worst"
        pairing = [default, *pairing]
        notes.append(f"no pairing rule classified: {default}")
    # Ties are dropped unless the run block asks to keep them and drop_ties is not chosen.
    ties = "keep" if entry.run.get("ties") == "keep" and "drop_ties" not in filtering else "drop"
    for option in sorted(pairing, key=lambda p: p == "margin_threshold"):
        add(f"instantiation.pairing.{option}", {"ties": ties} if option != "margin_threshold"
            else {})
    for option in filtering:
        if option in PAIR_FILTERS:
            add(f"instantiation.filtering.{option}")
    for option in weighting:
        if option not in RECORD_WEIGHTING:
            add(f"instantiation.weighting.{option}")
    if not formats:
        formats = ["pairwise"] if pairing else ["pointwise_scalar"]
        notes.append(f"no signal format classified: {formats[0]}")
    for option in formats:
        add(f"instantiation.formats.{option}")


def _mapping_notes(entry) -> list[str]:
    out = []
    for qualified, options in entry.choices.items():
        for option in options:
            key = f"{qualified}.{option}"
            if key in MAPPED:
                out.append(f"{key}: {MAPPED[key][1]} ({MAPPED[key][0]})")
            elif key in DESCRIPTIVE:
                out.append(f"{key}: {DESCRIPTIVE[key]}")
    return out
