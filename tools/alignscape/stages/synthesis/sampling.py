"""Sampling strategies: each writes a decoding plan (``record['decoding']``, one setting per
sample) that the source stages after it follow. A setting without its own seed is drawn with
one derived from the run seed, the prompt id, the source and the model (``_sampling.sample``),
so a resumed run draws the same samples and two sources or two pool models served by one
server do not draw the same one.

* single_response - one answer per source (greedy unless ``temperature`` is given);
* repeated_sampling - ``n`` independent samples at one temperature / top-p;
* varied_decoding - one sample per setting of ``settings`` (deliberately different decoding).

tree_search and prefix_rollouts are step_search modes (see step_search.py)."""

from __future__ import annotations

from alignscape.stages.registry import Param, alias, stage

VARIED = [{"temperature": 0.0}, {"temperature": 0.5, "top_p": 0.95},
          {"temperature": 1.0, "top_p": 0.95}]


def write_plan(record: dict, settings: list[dict]) -> None:
    record["decoding"] = [dict(s) for s in settings]


@stage("synthesis.sampling.single_response", per_record=True, params={
    "temperature": Param(float, 0.0, "sampling temperature"),
    "top_p": Param(float, 1.0, "nucleus sampling mass")})
def single_response(record, config, ctx):
    """One response per source: a single greedy answer (temperature 0 unless given).
    Diversity then comes from using several sources."""
    write_plan(record, [{"temperature": config["temperature"], "top_p": config["top_p"]}])


@stage("synthesis.sampling.repeated_sampling", per_record=True, params={
    "n": Param(int, 4, "samples per prompt and source"),
    "temperature": Param(float, 0.8, "sampling temperature"),
    "top_p": Param(float, 0.95, "nucleus sampling mass")})
def repeated_sampling(record, config, ctx):
    """n independent samples per source at one temperature / top-p, each with its own seed."""
    write_plan(record, [{"temperature": config["temperature"],
                         "top_p": config["top_p"]}] * config["n"])


@stage("synthesis.sampling.varied_decoding", per_record=True, params={
    "settings": Param(list, VARIED, "decoding settings, one sample each: "
                      "[{temperature, top_p, system}]", items=dict)})
def varied_decoding(record, config, ctx):
    """Samples under deliberately different decoding settings, one per setting."""
    write_plan(record, [dict(s) for s in config["settings"]])


alias("synthesis.exploration.stochastic_decoding", "synthesis.sampling.repeated_sampling",
      "diversity from temperature/top-p sampling is the repeated_sampling decoding plan")
