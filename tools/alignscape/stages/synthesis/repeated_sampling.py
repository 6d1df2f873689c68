"""n independent samples per source at one temperature / top-p, each with its own seed
derived from the run seed and the prompt id (so a resumed run draws the same samples).
config: n (default 4), temperature (default 0.8), top_p (default 0.95)."""

from alignscape.stages.synthesis._plans import plan_stage

OPTION = "synthesis.sampling.repeated_sampling"
apply = plan_stage(OPTION, lambda c: [{"temperature": float(c.get("temperature", 0.8)),
                                       "top_p": float(c.get("top_p", 0.95))}] * int(c.get("n", 4)))
