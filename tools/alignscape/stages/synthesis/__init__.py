"""Response synthesis stages: where candidates (and generated prompts) come from."""
