"""Self-judgement (Self-Rewarding): the policy judges its own candidates. Same protocols as
llm_judge, served by the ``policy`` backend role; the default is an additive 0-5 rating as in
Self-Rewarding Language Models."""

from alignscape.stages.evaluation._dispatch import judge_stage

OPTION = "evaluation.evaluators.self_judgement"
apply = judge_stage(OPTION, "policy", {"scale": (0, 5)})
