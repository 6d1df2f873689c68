"""Sample candidates from the policy being trained (backend role ``policy``), so the data
follows the policy's own distribution.

config: model (default: the model given for the role), max_tokens; the decoding plan comes
from the sampling stage (default: one greedy answer)."""

from alignscape.stages.synthesis._sampling import single_model_source

OPTION = "synthesis.sources.policy_sampling"
ROLE = "policy"
apply = single_model_source(OPTION, ROLE)
