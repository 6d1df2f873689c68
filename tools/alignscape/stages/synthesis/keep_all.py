"""Keep every candidate: an explicit no-op, so a recipe states that nothing was selected."""

from alignscape.stages.synthesis._select import selection_stage

OPTION = "synthesis.selection.keep_all"
apply = selection_stage(OPTION, lambda record, config, ctx: None)
