"""Scale-out with Ray Data: run a recipe's stages as ``map_batches`` steps.

Stage functions take and return batches (a dict of columns, as Ray passes them), so they run
unchanged; backends are built once per Ray worker process from backend specs (an HTTP client
or a loaded model is not shipped between processes). Example::

    import ray
    from alignscape.pipeline.ray_support import map_recipe

    ds = ray.data.read_json("prompts.jsonl")
    ds = map_recipe(ds, recipe, backends={"default": "openai:my-model"},
                    options={"base_url": "http://127.0.0.1:8000/v1"}, batch_size=32)
    ds.write_json("out/")            # or iterate, or write_parquet

Records carry nested, loosely typed fields (candidates, judgements), so they travel between
steps as one JSON column (``record``) and are decoded inside each actor: Arrow never has to
unify their schemas. The runner's checkpointing is not used under Ray: Ray Data's own fault
tolerance (task retries) applies, and a killed job restarts from the start.
"""

from __future__ import annotations

import json

from alignscape.pipeline.recipe import Recipe

_CONTEXTS: dict = {}


def _context(recipe_dict: dict, backends: dict, options: dict):
    """One context per worker process and backend set: an HTTP client or a loaded model is
    built where it is used, never shipped between processes."""
    key = json.dumps([backends, options, recipe_dict.get("seed"), recipe_dict.get("models")],
                     sort_keys=True, default=str)
    if key not in _CONTEXTS:
        from alignscape.pipeline.backends import make_backend
        from alignscape.runtime import Context

        built = {spec: make_backend(spec, options) for spec in set(backends.values())}
        _CONTEXTS[key] = Context(
            backends={role: built[spec] for role, spec in backends.items()},
            models=dict(recipe_dict.get("models") or {}), seed=recipe_dict.get("seed", 0),
            entry=recipe_dict.get("entry") or recipe_dict.get("name"))
    return _CONTEXTS[key]


def run_stage(batch: dict, recipe_dict: dict, index: int, backends: dict, options: dict):
    """The map_batches function of stage ``index``: JSON records in, JSON records out."""
    from alignscape.pipeline.recipe import stage

    data = recipe_dict["stages"][index]
    st = stage(data["use"], data["config"])
    settings = st.check()
    if st.is_format and not settings.get("style"):
        settings = {**settings, "style": recipe_dict.get("style", "standard")}
    records = [json.loads(r) for r in batch["record"]]
    out = st.function(records, settings, _context(recipe_dict, backends, options))
    return {"record": [json.dumps(r, default=str) for r in out]}


def _encode(batch: dict) -> dict:
    from alignscape.pipeline.inputs import parse_row

    keys = list(batch)
    n = len(batch[keys[0]]) if keys else 0
    rows = []
    for i in range(n):
        row = {k: (batch[k][i].item() if hasattr(batch[k][i], "item") else batch[k][i])
               for k in keys}
        parsed = parse_row(row, "ray", i + 1)
        if hasattr(parsed, "message"):
            raise ValueError(str(parsed))
        rows.append(json.dumps(parsed, default=str))
    return {"record": rows}


def map_recipe(ds, recipe: Recipe, backends: dict, options: dict | None = None,
               batch_size: int = 16, fmt: str | None = None, task_cpus: float = 0.5):
    """The dataset of output rows of one format (default: the recipe's first format), each
    row a JSON string in column ``record``; decode with json.loads. Each stage's tasks reserve
    ``task_cpus`` CPUs."""
    formats = [i for i, s in enumerate(recipe.stages) if s.is_format]
    if not formats:
        raise ValueError("the recipe has no format stage")
    chosen = next((i for i in formats if recipe.stages[i].option == fmt), formats[0]) \
        if fmt else formats[0]
    data = recipe.as_dict()
    ds = ds.map_batches(_encode, batch_size=batch_size, batch_format="numpy")
    for i, st in enumerate(recipe.stages):
        if st.is_format and i != chosen:
            continue
        ds = ds.map_batches(run_stage, fn_args=(data, i, backends, options or {}),
                            batch_size=batch_size, batch_format="numpy", num_cpus=task_cpus)
    return ds
