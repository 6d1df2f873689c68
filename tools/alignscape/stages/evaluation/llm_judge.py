"""LLM-as-a-judge: a general model (backend role ``judge``) rates, compares, ranks, labels,
critiques or corrects candidates under the configured protocols (see _dispatch.py and the
protocol modules). Bias controls are its options: both_orders (position swap),
randomize_order, rubric, reference_guided; sources are always anonymised."""

from alignscape.stages.evaluation._dispatch import judge_stage

OPTION = "evaluation.evaluators.llm_judge"
apply = judge_stage(OPTION, "judge")
