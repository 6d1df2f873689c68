"""Recipes: the ordered stages of a pipeline with their configuration.

A recipe comes from an entry (its stage classification, defaults filled in, its ``run`` block
applied) or from a standalone YAML file::

    name: alpaca-eval-pairwise
    seed: 0
    style: standard               # or conversational
    models: {pool: [alpaca-7b, zephyr-7b-beta]}
    backends: {default: "replay:../shared/data/alpaca_eval", judge: heuristic}
    stages:
      - use: synthesis.sources.multi_model_pool
      - use: evaluation.evaluators.llm_judge
        config: {protocols: [pairwise_comparison], pairs: "anchor:text_davinci_003"}
      - use: instantiation.pairing.given_pairs
      - use: instantiation.formats.pairwise

An entry's ``run`` block (free-form in the schema, defined here):
``config: {<option id>: {...}}`` stage configuration by option, ``models: {<role>: name or
[names]}``, ``seed``, ``style``. Building never contacts a model; it fails only with
RecipeError, whose message says what is missing.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from alignscape.stages.registry import resolve

# Options whose mapping needs a setting of the module it maps to.
MAPPED_CONFIG = {
    "synthesis.sampling.tree_search": {"mode": "tree"},
    "synthesis.sampling.prefix_rollouts": {"mode": "rollouts"},
    "evaluation.granularity.token": {"unit": "token"},
}
JUDGE_EVALUATORS = ("llm_judge", "self_judgement", "constitution_guided", "preference_model")
PROTOCOLS = ("pointwise_rating", "pairwise_comparison", "listwise_ranking", "binary_judgement",
             "critique", "correction")
PLAN_PRIORITY = ("varied_decoding", "repeated_sampling", "single_response")
PAIR_FORMATS = ("pairwise",)
# Filters that act on pairs run after pairing; the others exclude candidates before it.
PAIR_FILTERS = ("drop_ties", "agreement_filter", "length_filter", "label_balance")
RECORD_WEIGHTING = ("aspect_weighted",)


class RecipeError(Exception):
    """The recipe cannot be built or loaded; the message says why."""


@dataclass
class Stage:
    use: str                      # group.dimension.option
    module: str
    config: dict = field(default_factory=dict)

    @property
    def group(self) -> str:
        return self.use.split(".")[0]

    @property
    def option(self) -> str:
        return self.use.rsplit(".", 1)[-1]

    @property
    def is_format(self) -> bool:
        return self.use.startswith("instantiation.formats.")

    def function(self):
        return importlib.import_module(self.module).apply


@dataclass
class Recipe:
    name: str
    stages: list[Stage]
    entry: str | None = None
    seed: int = 0
    style: str = "standard"
    models: dict = field(default_factory=dict)
    backends: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def formats(self) -> list[Stage]:
        return [s for s in self.stages if s.is_format]

    def as_dict(self) -> dict:
        return asdict(self)

    def fingerprint(self) -> str:
        """Identifies what the output depends on (not the backends' addresses)."""
        data = {k: v for k, v in self.as_dict().items() if k not in ("backends", "notes")}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def stage(use: str, config: dict | None = None) -> Stage:
    group, dimension, option = _split(use)
    try:
        found = resolve(group, dimension, option)
    except KeyError as exc:
        raise RecipeError(str(exc.args[0])) from None
    if "descriptive" in found:
        raise RecipeError(f"{use} describes the data and is not a runnable stage "
                          f"({found['descriptive']})")
    return Stage(use, found["module"], {**MAPPED_CONFIG.get(use, {}), **(config or {})})


def _split(use: str) -> tuple[str, str, str]:
    parts = use.split(".")
    if len(parts) != 3:
        raise RecipeError(f"stage {use!r}: expected group.dimension.option, e.g. "
                          "synthesis.sources.policy_sampling")
    return parts[0], parts[1], parts[2]


def load_recipe(path: str | Path) -> Recipe:
    """A standalone recipe YAML file; errors read ``file:line: where: what``."""
    from alignscape.catalog.yamlsafe import YamlProblem, load_file

    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    try:
        loaded = load_file(path)
    except YamlProblem as exc:
        raise RecipeError(f"{path}:{exc.line}: {exc.message}") from None
    data = loaded.data

    def fail(where: tuple, message: str):
        line = loaded.locate(where)[0]
        raise RecipeError(f"{path}:{line}: {'.'.join(map(str, where)) or 'recipe'}: {message}")

    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        fail((), "a recipe is a mapping with a 'stages' list")
    stages = []
    for i, item in enumerate(data["stages"]):
        if not isinstance(item, dict) or not isinstance(item.get("use"), str):
            fail(("stages", i), "expected {use: group.dimension.option, config: {...}}")
        if not isinstance(item.get("config", {}), dict):
            fail(("stages", i, "config"), "must be a mapping")
        try:
            stages.append(stage(item["use"], item.get("config")))
        except RecipeError as exc:
            fail(("stages", i, "use"), str(exc))
    if not any(s.is_format for s in stages):
        fail(("stages",), "no instantiation.formats.* stage, so nothing would be written but "
             "records.jsonl; add one (e.g. instantiation.formats.pairwise)")
    for key in ("models", "backends"):
        if not isinstance(data.get(key) or {}, dict):
            fail((key,), "must be a mapping of role to value")
    return Recipe(name=str(data.get("name") or path.stem), stages=stages,
                  entry=data.get("entry"), seed=int(data.get("seed", 0)),
                  style=data.get("style", "standard"), models=dict(data.get("models") or {}),
                  backends=dict(data.get("backends") or {}), notes=list(data.get("notes") or []))


def from_entry(entry, catalog=None) -> Recipe:
    """The entry's pipeline: its classification in stage order with defaults, then its run
    block. Raises RecipeError when the entry describes no data pipeline at all."""
    from alignscape.pipeline.entry_recipe import build

    return build(entry)
