"""Measured trade-offs: what the recorded AlpacaEval GPT-4 verdicts and pool say about LLM
judges, computed from the files, with sample sizes and bootstrap confidence intervals.

One module per analysis; each takes plain rows from :mod:`.data` and returns JSON-ready dicts:

* ``data``            load prompts, responses and verdicts; exclusions and file digests
* ``stats``           prompt-clustered bootstrap, percentile intervals, Wilson intervals
* ``logistic``        weighted logistic regression (Newton/IRLS) with fractional targets
* ``length_bias``     how often the longer response wins, by length-ratio bucket
* ``length_control``  raw and length-controlled win rates per generator (AlpacaEval 2.0 style)
* ``verdicts``        tie and unparsable-verdict rates
* ``family``          same-family (OpenAI) preference, raw vs length-controlled (descriptive)
* ``judges``          the pipeline's own judges against GPT-4: agreement, position consistency
* ``plots``           SVG figures, legible on light and dark pages
* ``report``          runs everything and writes ``alpaca_eval_judges.json``

numpy is the only numerical dependency (the regression is written here); matplotlib is needed
for the figures only, torch/transformers for the model judges only.
"""
