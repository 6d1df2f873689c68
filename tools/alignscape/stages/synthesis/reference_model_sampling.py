"""Sample candidates once from a fixed reference / SFT model (backend role ``reference``).

config: model, max_tokens; decoding plan from the sampling stage."""

from alignscape.stages.synthesis._sampling import single_model_source

OPTION = "synthesis.sources.reference_model_sampling"
ROLE = "reference"
apply = single_model_source(OPTION, ROLE)
