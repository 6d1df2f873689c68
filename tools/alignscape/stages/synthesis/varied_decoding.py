"""Samples under deliberately different decoding settings, one per setting.
config: settings (list of {temperature, top_p, system}); default temperatures 0, 0.5, 1.0."""

from alignscape.stages.synthesis._plans import plan_stage

OPTION = "synthesis.sampling.varied_decoding"
DEFAULT = [{"temperature": 0.0}, {"temperature": 0.5, "top_p": 0.95},
           {"temperature": 1.0, "top_p": 0.95}]
apply = plan_stage(OPTION, lambda c: [dict(s) for s in c.get("settings") or DEFAULT])
