"""Pairwise preference model (PairRM-style): reads the prompt and two responses together and
says which is preferred. Served by the ``preference`` backend role: a text model answering the
pairwise prompt in both orders (the averaged P(a) is kept as ``p_a``, as PairRM averages both
orders), or a scoring backend whose two scores are compared."""

from alignscape.stages.evaluation._dispatch import judge_stage

OPTION = "evaluation.evaluators.preference_model"
apply = judge_stage(OPTION, "preference", {"protocols": ["pairwise_comparison"],
                                           "both_orders": True})
