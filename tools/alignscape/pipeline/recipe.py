"""Recipes: the ordered stages of a pipeline with their settings, checked before anything runs.

A recipe comes from an entry (alignscape.pipeline.entry_recipe) or from a standalone YAML
file::

    name: alpaca-eval-pairwise
    seed: 0
    style: standard               # or conversational
    models: {pool: [alpaca-7b, zephyr-7b-beta]}
    backends: {default: "replay:../shared/data/alpaca_eval", judge: heuristic}
    stages:
      - use: synthesis.sources.multi_model_pool
      - use: evaluation.evaluators.llm_judge
        config: {protocols: [pairwise_comparison], pairs: "anchor:text_davinci_003"}
      - use: evaluation.bias_controls.position_swap      # a setting of the judges
      - use: instantiation.pairing.given_pairs
      - use: instantiation.formats.pairwise

Every stage's ``config`` is checked against the parameters its function declares
(alignscape.stages.registry): an unknown key (with a did-you-mean), a wrong type, a value
outside its choices, an option without an implementation, each reported as ``file:line:
where: what`` before any work is done or any file written. Options that are settings of other
stages (position_swap is ``both_orders: true`` of the judges) set that parameter on every
stage of the recipe that declares it; an option that runs another stage (tree_search is
step_search with ``mode: tree``) runs it with those settings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.catalog.yamlsafe import LoadedYaml, YamlProblem, dotted, load_file
from alignscape.stages import registry
from alignscape.stages.registry import ConfigError, StageFunction
from alignscape.suggest import hint

# Prompt sources that exist before the pipeline starts: the user supplies them.
INPUT_OPTIONS = {
    "synthesis.prompt_sources.human_authored": "human-written prompts are read from the "
                                               "--prompts file",
    "synthesis.prompt_sources.user_logs": "logged user prompts are read from the --prompts "
                                          "file",
    "synthesis.prompt_sources.existing_datasets": "dataset prompts are read from the "
                                                  "--prompts file",
    "synthesis.prompt_sources.red_team": "red-team prompts are read from the --prompts file",
}
STYLES = ("standard", "conversational")
RECIPE_KEYS = ("name", "entry", "seed", "style", "models", "backends", "notes", "stages")


class RecipeError(Exception):
    """The recipe cannot be built or loaded; the message says where and why."""


@dataclass
class Where:
    """Where a stage's settings were written, to point an error at its line."""

    file: str
    path: tuple = ()
    loaded: LoadedYaml | None = None
    root: Path | None = None       # the file is read (only to locate an error) relative to it
    label: str | None = None       # e.g. "--set llm_judge.min_score=3"
    config: tuple = ("config",)    # where the settings mapping is, below path

    def at(self, *sub) -> str:
        if self.label:
            return self.label
        path = self.path + tuple(sub)
        loaded = self.loaded
        if loaded is None and self.root is not None:
            try:
                loaded = load_file(self.root / self.file)
            except (YamlProblem, OSError):
                loaded = None
        while path and loaded is not None and path not in loaded.marks \
                and path not in loaded.key_marks:
            path = path[:-1]
        line = loaded.locate(path, key=True)[0] if loaded is not None else 1
        return f"{self.file}:{line}: {dotted(path) or 'recipe'}"


@dataclass
class Stage:
    use: str                          # the option the recipe names: group.dimension.option
    function: StageFunction           # what runs (another option's for an alias)
    config: dict = field(default_factory=dict)     # settings given
    where: Where | None = None
    settings: dict = field(default_factory=dict)   # every parameter, after check()

    @property
    def group(self) -> str:
        return self.use.split(".")[0]

    @property
    def option(self) -> str:
        return self.use.rsplit(".", 1)[-1]

    @property
    def runs(self) -> str:
        return self.function.option

    @property
    def is_format(self) -> bool:
        return self.function.rows

    def check(self, complete: bool = True) -> dict:
        """Check the given settings against the declared parameters (RecipeError, located);
        ``complete=False`` allows required values that are still missing."""
        try:
            self.settings = self.function.settings(self.config, complete=complete)
        except ConfigError as exc:
            where = self.where.at(*self.where.config, exc.key) if self.where and exc.key else (
                self.where.at() if self.where else self.use)
            raise RecipeError(f"{where}: {exc}") from None
        return self.settings

    def as_dict(self) -> dict:
        out = {"use": self.use}
        if self.runs != self.use:
            out["runs"] = self.runs
        out["config"] = self.settings or dict(self.config)
        return out


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

    def check(self, complete: bool = True) -> Recipe:
        """Check every stage's settings; all problems at once, as one RecipeError.
        ``complete=True`` (before running) also requires every required value."""
        problems = []
        for st in self.stages:
            try:
                st.check(complete)
            except RecipeError as exc:
                problems.append(str(exc))
        if self.style not in STYLES:
            problems.append(f"style must be one of {', '.join(STYLES)}, not {self.style!r}")
        if problems:
            raise RecipeError("\n".join(problems))
        return self

    def as_dict(self) -> dict:
        return {"name": self.name, "stages": [s.as_dict() for s in self.stages],
                "entry": self.entry, "seed": self.seed, "style": self.style,
                "models": self.models, "backends": self.backends, "notes": self.notes}

    def fingerprint(self) -> str:
        """Identifies what the output depends on (not the backends' addresses)."""
        data = {k: v for k, v in self.as_dict().items() if k not in ("backends", "notes")}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def known_options() -> list[str]:
    reg = registry.load()
    return sorted({*reg.stages, *reg.aliases, *reg.settings, *registry.DESCRIPTIVE,
                   *INPUT_OPTIONS})


def stage(use: str, config: dict | None = None, where: Where | None = None) -> Stage:
    """The stage that runs ``use`` (unchecked: call check()). RecipeError when ``use`` names
    no runnable stage: a misspelling, a descriptive option, a prompt source that is the
    input, or a setting of other stages (see apply_setting)."""
    reg = registry.load()
    if use.count(".") != 2:
        raise RecipeError(f"stage {use!r}: expected group.dimension.option, e.g. "
                          "synthesis.sources.policy_sampling")
    config = dict(config or {})
    if use in reg.stages:
        return Stage(use, reg.stages[use], config, where)
    if use in reg.aliases:
        found = reg.aliases[use]
        return Stage(use, reg.stages[found.target], {**found.settings, **config}, where)
    if use in reg.settings:
        raise RecipeError(f"{use} is a setting of other stages ({reg.settings[use].why}), "
                          "not a stage of its own")
    if use in registry.DESCRIPTIVE:
        raise RecipeError(f"{use} describes the data and is not a runnable stage "
                          f"({registry.DESCRIPTIVE[use]})")
    if use in INPUT_OPTIONS:
        raise RecipeError(f"{use} is not a stage: {INPUT_OPTIONS[use]}")
    close = hint(use, known_options())
    raise RecipeError(f"no stage {use!r}" + (f"; {close}" if close else ""))


def apply_setting(stages: list[Stage], use: str, config: dict | None = None) -> list[Stage]:
    """Apply the option ``use``, a setting of other stages, to every stage that declares its
    parameter (without overriding a value given explicitly). Returns the stages it set;
    RecipeError when it has settings of its own or none of the stages takes it."""
    found = registry.load().settings[use]
    if config:
        raise RecipeError(f"{use} takes no config: it is {found.why}")
    if found.key is None:
        return []
    targets = [s for s in stages if found.key in s.function.params]
    if not targets:
        raise RecipeError(f"{use} is {found.why}, but no stage of the recipe has a "
                          f"{found.key!r} setting; put a judge stage (e.g. "
                          "evaluation.evaluators.llm_judge) in the recipe")
    for st in targets:
        st.config.setdefault(found.key, found.value)
    return targets


def load_recipe(path: str | Path) -> Recipe:
    """A standalone recipe YAML file, checked; errors read ``file:line: where: what``."""
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    try:
        loaded = load_file(path)
    except YamlProblem as exc:
        raise RecipeError(f"{path}:{exc.line}: {exc.message}") from None
    data = loaded.data
    problems: list[str] = []

    def where(*at) -> Where:
        return Where(str(path), tuple(at), loaded)

    def fail(at: tuple, message: str):
        problems.append(f"{where(*at).at()}: {message}")

    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        raise RecipeError(f"{where().at()}: a recipe is a mapping with a 'stages' list")
    for key in data:
        if key not in RECIPE_KEYS:
            close = hint(str(key), RECIPE_KEYS)
            fail((key,), f"unknown recipe key {key!r}; " + (close or
                 f"recipe keys are {', '.join(RECIPE_KEYS)}"))
    stages: list[Stage] = []
    settings: list[tuple[int, str, dict]] = []
    for i, item in enumerate(data["stages"]):
        if not isinstance(item, dict) or not isinstance(item.get("use"), str):
            fail(("stages", i), "expected {use: group.dimension.option, config: {...}}")
            continue
        extra = [k for k in item if k not in ("use", "config")]
        if extra:
            close = hint(str(extra[0]), ["use", "config"])
            fail(("stages", i, extra[0]), f"unknown stage key {extra[0]!r}"
                 + (f"; {close}" if close else "; a stage has use and config"))
        config = item.get("config") or {}
        if not isinstance(config, dict):
            fail(("stages", i, "config"), "must be a mapping of parameter to value")
            continue
        if item["use"] in registry.load().settings:
            settings.append((i, item["use"], config))
            continue
        try:
            stages.append(stage(item["use"], config, where("stages", i)))
        except RecipeError as exc:
            fail(("stages", i, "use"), str(exc))
    for i, use, config in settings:
        try:
            apply_setting(stages, use, config)
        except RecipeError as exc:
            fail(("stages", i, "use"), str(exc))
    if not problems and not any(s.is_format for s in stages):
        fail(("stages",), "no instantiation.formats.* stage, so nothing would be written but "
             "records.jsonl; add one (e.g. instantiation.formats.pairwise)")
    for key in ("models", "backends"):
        if not isinstance(data.get(key) or {}, dict):
            fail((key,), "must be a mapping of role to value")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        fail(("seed",), f"must be an integer, not {seed!r}")
    style = data.get("style", "standard")
    if style not in STYLES:
        fail(("style",), f"must be one of {', '.join(STYLES)}, not {style!r}")
    recipe = Recipe(name=str(data.get("name") or path.stem), stages=stages,
                    entry=data.get("entry"), seed=seed if isinstance(seed, int) else 0,
                    style=style, models=dict(data.get("models") or {}),
                    backends=dict(data.get("backends") or {}),
                    notes=list(data.get("notes") or []))
    for st in stages:
        try:
            st.check(complete=False)
        except RecipeError as exc:
            problems.append(str(exc))
    if problems:
        raise RecipeError("\n".join(problems))
    return recipe


def override(recipe: Recipe, key: str, value) -> None:
    """``--set OPTION.KEY=VALUE``: set KEY on the stages named OPTION (its short or full
    name), checked at once."""
    option, _, setting = key.rpartition(".")
    label = f"--set {key}"
    names = [s.option for s in recipe.stages] + [s.use for s in recipe.stages]
    targets = [s for s in recipe.stages if option in (s.option, s.use)]
    if not option or not targets:
        close = hint(option or key, names)
        raise RecipeError(f"{label}: no stage {option or key!r} in the recipe"
                          + (f"; {close}" if close else
                             f" ({', '.join(s.option for s in recipe.stages)})"))
    for st in targets:
        st.config[setting] = value
        try:
            st.settings = st.function.settings(st.config, complete=False)
        except ConfigError as exc:
            raise RecipeError(f"{label}: {exc}") from None
