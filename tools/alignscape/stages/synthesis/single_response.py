"""One response per source: a single greedy answer (temperature 0 unless ``temperature`` is
given). Diversity then comes from using several sources."""

from alignscape.stages.synthesis._plans import plan_stage

OPTION = "synthesis.sampling.single_response"
apply = plan_stage(OPTION, lambda c: [{"temperature": float(c.get("temperature", 0.0)),
                                       "top_p": float(c.get("top_p", 1.0))}])
