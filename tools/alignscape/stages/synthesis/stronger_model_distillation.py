"""Answers from a stronger teacher model (backend role ``teacher``), used as demonstrations or
as preferred responses.

config: model, max_tokens; decoding plan from the sampling stage."""

from alignscape.stages.synthesis._sampling import single_model_source

OPTION = "synthesis.sources.stronger_model_distillation"
ROLE = "teacher"
apply = single_model_source(OPTION, ROLE)
