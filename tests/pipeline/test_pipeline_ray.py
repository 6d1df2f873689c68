"""The same stage functions under Ray Data map_batches on a local Ray instance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.ray, pytest.mark.slow]

ray = pytest.importorskip("ray")

from alignscape.pipeline.recipe import load_recipe  # noqa: E402
from alignscape.pipeline.runner import RunOptions, run  # noqa: E402

RECIPE = (Path(__file__).resolve().parents[2]
          / "tools/alignscape/pipeline/recipes/alpaca_eval_pairwise.yaml")


def test_ray_map_batches_gives_the_runners_rows(alpaca_eval, tmp_path):
    from alignscape.pipeline.backends import make_backend
    from alignscape.pipeline.ray_support import map_recipe
    from alignscape.runtime import Context

    prompts = tmp_path / "p.jsonl"
    lines = (alpaca_eval / "prompts.jsonl").read_text().splitlines()[:8]
    prompts.write_text("\n".join(lines) + "\n")
    recipe = load_recipe(RECIPE)
    backends = {"default": f"replay:{alpaca_eval}", "judge": "heuristic"}
    replay = make_backend(backends["default"])
    ctx = Context(backends={"default": replay, "judge": make_backend("heuristic")},
                  entry=recipe.name)
    run(recipe, prompts, tmp_path / "local", ctx, RunOptions(progress=False, parquet=False,
                                                            batch_size=3))
    want = [json.loads(x) for x in (tmp_path / "local" / "pairwise.jsonl").read_text()
            .splitlines()]

    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True,
             log_to_driver=False, configure_logging=False)
    try:
        ds = ray.data.read_json(str(prompts))
        rows = [json.loads(r["record"]) for r in map_recipe(ds, recipe, backends,
                                                               batch_size=3).take_all()]
    finally:
        ray.shutdown()
    key = lambda r: (r["prompt_id"], r["chosen_model"], r["rejected_model"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(want, key=key)
