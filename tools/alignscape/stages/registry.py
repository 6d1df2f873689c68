"""Where each taxonomy option of the three stages is implemented.

An option is implemented by the module named after it, ``alignscape.stages.<group>.<option>``,
unless it is listed in MAPPED (another module does the work, with the reason why) or in
DESCRIPTIVE (the option describes the data rather than a step that can run). A test walks the
real taxonomy and fails when an option has none of the three, so the table cannot rot.

This module imports nothing heavy: the site reads it while rendering every entry page.
"""

from __future__ import annotations

from pathlib import Path

STAGE_GROUPS = ("synthesis", "evaluation", "instantiation")
STAGES_DIR = Path(__file__).resolve().parent
REPO_ROOT = STAGES_DIR.parents[2]

_INPUTS = "alignscape.pipeline.inputs"
_JUDGE_PROMPTS = "alignscape.stages.evaluation.judge_prompts"

MAPPED: dict[str, tuple[str, str]] = {
    # Prompt sources that exist before the pipeline starts: the user supplies them.
    "synthesis.prompt_sources.human_authored": (
        _INPUTS, "human-written prompts are read from the --prompts file"),
    "synthesis.prompt_sources.user_logs": (
        _INPUTS, "logged user prompts are read from the --prompts file"),
    "synthesis.prompt_sources.existing_datasets": (
        _INPUTS, "dataset prompts are read from the --prompts file"),
    "synthesis.prompt_sources.red_team": (
        _INPUTS, "red-team prompts are read from the --prompts file"),
    "synthesis.sampling.tree_search": (
        "alignscape.stages.synthesis.step_search", "step_search with mode: tree"),
    "synthesis.sampling.prefix_rollouts": (
        "alignscape.stages.synthesis.step_search", "step_search with mode: rollouts"),
    "synthesis.exploration.stochastic_decoding": (
        "alignscape.stages.synthesis.repeated_sampling",
        "diversity from temperature/top-p sampling is the repeated_sampling decoding plan"),
    "synthesis.exploration.model_diversity": (
        "alignscape.stages.synthesis.multi_model_pool", "candidates from several models"),
    "synthesis.exploration.prompt_diversity": (
        "alignscape.stages.synthesis.contrastive_prompting",
        "candidates written under different principles / system prompts"),
    "synthesis.exploration.search_exploration": (
        "alignscape.stages.synthesis.step_search", "exploration by step-level search"),
    "synthesis.exploration.evolutionary": (
        "alignscape.stages.synthesis.evolved", "prompts rewritten by a model in rounds"),
    "synthesis.policy_relation.on_policy": (
        "alignscape.stages.synthesis.policy_sampling", "candidates come from the policy"),
    "evaluation.granularity.token": (
        "alignscape.stages.evaluation.atomic", "atomic judgement with unit: token"),
    "evaluation.bias_controls.reference_guided": (
        _JUDGE_PROMPTS, "the judge prompt includes the record's reference answer"),
    "evaluation.bias_controls.detailed_rubric": (
        _JUDGE_PROMPTS, "the judge prompt carries a score-by-score rubric"),
    "evaluation.bias_controls.anonymised_sources": (
        _JUDGE_PROMPTS, "judge prompts never name the model that wrote a response"),
    "evaluation.bias_controls.annotator_aggregation": (
        "alignscape.stages.evaluation.multi_agent", "several judges, aggregated by vote"),
    "evaluation.bias_controls.decoupled_aspects": (
        "alignscape.stages.evaluation.multi_aspect", "each aspect is judged separately"),
    "instantiation.weighting.adaptive_temperature": (
        "alignscape.stages.instantiation.margin_weighted",
        "the per-pair margin column is what an adaptive-beta trainer reads"),
}

DESCRIPTIVE: dict[str, str] = {
    "synthesis.policy_relation.off_policy":
        "describes where the sources come from; the synthesis sources stages do the work",
    "synthesis.policy_relation.mixed":
        "describes a mix of sources; each source stage runs and their candidates are pooled",
    "evaluation.granularity.outcome":
        "every evaluator judges whole responses unless a step/atomic stage is chosen",
    "evaluation.dimensionality.scalar":
        "every evaluator produces one score unless multi_aspect is chosen",
}


def module_path(module: str) -> Path:
    return REPO_ROOT / "tools" / Path(*module.split(".")).with_suffix(".py")


def source_path(module: str) -> str:
    """The module's file relative to the repository root, as the site links to it."""
    return module_path(module).relative_to(REPO_ROOT).as_posix()


def resolve(group: str, dimension: str, option: str) -> dict:
    """{"module", "source", "mapping"?} for an option, or {"descriptive": why}.

    Raises KeyError when the option has no implementation at all."""
    key = f"{group}.{dimension}.{option}"
    if key in DESCRIPTIVE:
        return {"descriptive": DESCRIPTIVE[key]}
    if key in MAPPED:
        module, why = MAPPED[key]
        return {"module": module, "source": source_path(module), "mapping": why}
    module = f"alignscape.stages.{group}.{option}"
    if not module_path(module).is_file():
        raise KeyError(f"no reference implementation for {key}")
    return {"module": module, "source": source_path(module)}
