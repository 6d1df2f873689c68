"""Build an entry's recipe from its classification, then its ``run`` block.

Order: prompt sources -> decoding plan -> response sources -> evaluators (model judges get
the entry's protocols, aspects, granularity and bias controls as settings; ensembles last) ->
length control -> selection -> aspect weights -> candidate filters -> pairing -> pair
filters -> weighting columns -> formats. Which options are model judges, which filters act on
pairs, which decoding plan wins: option attributes in taxonomy.yaml (``model_judge``,
``acts_on``, ``plan_priority``, a format's ``structure``). Every default that the
classification does not fix is written into ``recipe.notes`` so the recipe says what it
assumed.

An entry's ``run`` block: ``config: {<option id>: {...}}`` stage settings by option (short or
full id), ``models: {<role>: name or [names]}``, ``seed``, ``style``, ``ties: keep``, and
``skip: {<option id>: why}`` for a classified option that describes the method but must not
run as a stage of this order (the why goes into the recipe's notes).

The recipe lint (alignscape.pipeline.lint) then refuses, at the entry's file:line, a stage
order that can never produce output (best-of-n before best-vs-worst, one sample per prompt
before pairwise judging). It is
checked like a recipe file: an unknown key or setting is an error at the entry's file:line.
Building never contacts a model; it fails only with RecipeError.
"""

from __future__ import annotations

from alignscape.pipeline.lint import problems as lint_problems
from alignscape.pipeline.recipe import (
    INPUT_OPTIONS,
    STYLES,
    Recipe,
    RecipeError,
    Where,
    stage,
)
from alignscape.stages import registry
from alignscape.suggest import hint

RUN_KEYS = ("config", "models", "seed", "style", "ties", "skip")


def from_entry(entry, catalog) -> Recipe:
    """The entry's pipeline, checked. Raises RecipeError when the entry describes no data
    pipeline at all or its run block is wrong (located at the entry's file and line)."""
    return _Builder(entry, catalog).build()


class _Builder:
    def __init__(self, entry, catalog):
        self.entry = entry
        self.taxonomy = catalog.taxonomy
        self.root = getattr(catalog, "root", None)
        self.uses: list[tuple[str, dict]] = []
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.skip_used: set[str] = set()
        reg = registry.load()
        self.aliases, self.settings = reg.aliases, reg.settings

    def where(self, *path) -> Where:
        return Where(self.entry.source, tuple(path), root=self.root)

    def chosen(self, dim: str) -> list[str]:
        return list(self.entry.choices.get(dim, ()))

    def attr(self, dim: str, option: str, name: str):
        found = self.taxonomy.options.get(f"{dim}.{option}")
        return getattr(found, name, None) if found is not None else None

    def add(self, use: str, config: dict | None = None) -> None:
        # A descriptive option runs nothing (its note is in the recipe's notes).
        if use in registry.DESCRIPTIVE:
            return
        if self._skipped(use):
            return
        if not any(u == use for u, _ in self.uses):
            self.uses.append((use, dict(config or {})))

    def _skipped(self, use: str) -> bool:
        skip = (self.entry.run or {}).get("skip") or {}
        if not isinstance(skip, dict):
            return False
        for key in (use, use.rsplit(".", 1)[-1]):
            if key in skip:
                self.skip_used.add(key)
                self.notes.append(f"{use} not run: {skip[key]}")
                return True
        return False

    def set_default(self, use: str, key: str, value) -> None:
        for u, config in self.uses:
            if u == use:
                config.setdefault(key, value)

    def build(self) -> Recipe:
        entry = self.entry
        run = entry.run or {}
        self._check_run_block(run)
        na = {g: entry.not_applicable(g) for g in registry.STAGE_GROUPS}
        if all(na.values()):
            raise RecipeError(f"{entry.id}: every stage is marked not_applicable, so there is "
                              "no data pipeline to run")
        if na["synthesis"]:
            self.notes.append("synthesis not applicable: candidates are read from the input's "
                              "'responses' (and 'reference')")
            self.add("synthesis.sources.human_written")
        else:
            self._synthesis()
        judge_config = {}
        if na["evaluation"]:
            self.notes.append("evaluation not applicable: scores, if any, come with the input "
                              "responses")
        else:
            judge_config = self._evaluation()
        if not na["synthesis"]:
            for option in self.chosen("synthesis.selection"):
                self.add(f"synthesis.selection.{option}")
        if na["instantiation"]:
            self.notes.append("instantiation not applicable: only records.jsonl (candidates "
                              "and judgements) is written")
        else:
            self._instantiation(judge_config, run)
        self._something_to_rewrite()
        self._reference_to_choose()
        if not na["evaluation"]:
            self._fill_open_evaluation()
            self._verify_judgements()
            self._comparisons_for_given_pairs()
        self._fit_for_pairs(judge_config, run.get("config") or {})
        stages = self._stages(run.get("config") or {})
        for key in (run.get("skip") or {}):
            if key not in self.skip_used:
                self.problems.append(f"{self.where('run', 'skip', key).at()}: {key!r} is not "
                                     "a stage this entry's recipe would run")
        if not self.problems:
            for st in stages:
                try:
                    st.check(complete=False)
                except RecipeError:
                    continue
            for st, message in lint_problems(stages):
                where = self.where("run", "config", st.option) if st.where and \
                    st.where.path[:2] == ("run", "config") else \
                    self.where("pipeline", st.use.split(".")[0])
                self.problems.append(f"{where.at()}: {st.use}: {message}")
        if self.problems:
            raise RecipeError("\n".join(self.problems))
        recipe = Recipe(name=entry.id, entry=entry.id, stages=stages,
                        seed=run.get("seed", 0), style=run.get("style", "standard"),
                        models=dict(run.get("models") or {}),
                        notes=self.notes + self._mapping_notes())
        return recipe.check(complete=False)

    def _fit_for_pairs(self, judge_config: dict, overrides: dict) -> None:
        """Defaults for what the classification leaves open, where the recipe needs two
        candidates of a prompt (pairing, pairwise or listwise judging, group formats):

        * no sampling plan classified: the model sources sample ``responses_per_prompt``
          (else 2) answers each, not one;
        * ``best_of_n`` keeping fewer than two: the best of n is then the chosen side of the
          pairs (what the pairing rule picks), not a filter before them, so it is not run.

        Both are written into the notes. What still cannot produce output is the lint's."""
        from alignscape.pipeline.lint import NEEDS_TWO, SAMPLED

        protocols = {f"evaluation.protocol.{p}" for p in judge_config.get("protocols") or ()}
        uses = [u for u, _ in self.uses]
        if not (set(uses) | protocols) & NEEDS_TWO:
            return
        plans = [u for u in uses if u.startswith("synthesis.sampling.")]
        sampled = [i for i, u in enumerate(uses) if u in SAMPLED]
        planned = any((overrides.get(k) or {}).get("decoding") for i in sampled
                      for k in (uses[i], uses[i].rsplit(".", 1)[-1])
                      if isinstance(overrides.get(k), dict))
        if not plans and sampled and not planned:
            per = self.entry.stage("synthesis").get("responses_per_prompt")
            n = per if isinstance(per, int) and per >= 2 else 2
            self.uses.insert(sampled[0], ("synthesis.sampling.repeated_sampling", {"n": n}))
            self.notes.append(f"no sampling plan classified and the recipe compares "
                              f"candidates: {n} samples per prompt (repeated_sampling)")
        for use, config in list(self.uses):
            if use != "synthesis.selection.best_of_n":
                continue
            given = {**config, **(overrides.get("best_of_n") or {}),
                     **(overrides.get(use) or {})}
            if isinstance(given.get("keep", 1), int) and given.get("keep", 1) < 2:
                self.uses.remove((use, config))
                self.notes.append(f"{use} not run as a filter: the recipe pairs or groups "
                                  "candidates, and the best of n is the chosen side of its "
                                  "pairs")

    def _insert_before_judged(self, use: str, config: dict, note: str) -> None:
        """Add ``use`` after the sources and evaluators, before the first stage that selects,
        pairs or writes (what reads the judgements)."""
        if use in registry.DESCRIPTIVE or self._skipped(use) or \
                any(u == use for u, _ in self.uses):
            return
        at = next((i for i, (u, _) in enumerate(self.uses)
                   if u.startswith(("synthesis.selection.", "instantiation."))), len(self.uses))
        self.uses.insert(at, (use, dict(config)))
        self.notes.append(note)

    def _runs(self) -> list[str]:
        """The option each stage so far runs (an alias's target)."""
        out = []
        for use, _ in self.uses:
            found = self.aliases.get(use)
            out.append(found.target if found is not None else use)
        return out

    def _something_to_rewrite(self) -> None:
        """A source that only rewrites candidates (perturbation, self-refinement) with no
        source before it rewrites the input's own responses: the benchmark or dataset the
        method perturbs is what the input carries."""
        from alignscape.pipeline.lint import REWRITES

        runs = self._runs()
        first = next((i for i, u in enumerate(runs) if u.startswith("synthesis.sources.")),
                     None)
        if first is not None and runs[first] in REWRITES:
            use = "synthesis.sources.human_written"
            if self._skipped(use):
                return
            self.uses.insert(first, (use, {}))
            self.notes.append(f"{runs[first]} rewrites existing candidates and no source is "
                              "classified before it: it rewrites the input's 'responses' "
                              "(human_written)")

    def _reference_to_choose(self) -> None:
        """``reference_vs_generated`` with no source that adds a reference: the input's
        reference answer is added as a candidate (human_written, its responses left out)."""
        from alignscape.pipeline.lint import REFERENCE_PAIRING

        runs = self._runs()
        if REFERENCE_PAIRING not in runs or "synthesis.sources.human_written" in runs:
            return
        use = "synthesis.sources.human_written"
        if self._skipped(use):
            return
        first = next((i for i, u in enumerate(runs) if u.startswith("synthesis.sources.")), 0)
        self.uses.insert(first, (use, {"include_responses": False}))
        self.notes.append("reference_vs_generated and no source adds a reference: the "
                          "input's reference answer is a candidate (human_written, reference "
                          "only)")

    def _fill_open_evaluation(self) -> None:
        """The evaluation the method leaves to the data (``open:``), when no evaluator is
        classified and a later stage reads judgements, gets the most general evaluator that
        can serve it: candidates read from the input keep the verdicts they came with (their
        responses' scores, and ``human`` imports the line's ``annotations`` or a file);
        generated candidates are checked against the record's reference (``rule_verifier``)
        where a stage reads a correctness verdict, else scored by the ``reward`` role
        (``reward_model``). Written into the notes."""
        from alignscape.pipeline.lint import (
            FROM_INPUT,
            GENERATED,
            IMPORT,
            READS_VERDICT,
            reads_judgements,
        )

        if self.chosen("evaluation.evaluators") or self.entry.not_applicable("evaluation"):
            return
        # An entry that records no evaluator (the paper's could not be verified) is run the
        # same way, so that its recipe still runs; its trade-offs stay unknown, not "set by
        # the data".
        why = ("evaluation open" if "evaluation" in self.entry.open_stages else
               "no evaluator recorded for this entry")
        runs = self._runs()
        if not reads_judgements(runs):
            return
        generated = any(u in GENERATED or (u.startswith("synthesis.sources.") and
                                            u not in FROM_INPUT) for u in runs)
        if not generated:
            self._insert_before_judged(IMPORT, {}, f"{why}: the candidates come "
                                       "from the input with their verdicts (the responses' "
                                       "scores; human imports the line's 'annotations', or "
                                       "--set human.path=FILE)")
        elif any(u in READS_VERDICT for u in runs):
            self._insert_before_judged("evaluation.evaluators.rule_verifier", {},
                                       f"{why}: generated candidates are checked "
                                       "against the record's reference (rule_verifier)")
        else:
            self._insert_before_judged("evaluation.evaluators.reward_model", {},
                                       f"{why}: generated candidates are scored by "
                                       "the 'reward' role (reward_model; --role reward=SPEC)")

    def _verify_judgements(self) -> None:
        """Judge training (Self-Taught Evaluator, ThinkPRM): a stage reads a correctness
        verdict, every candidate is generated and no stage verifies them, but a model judge
        judges them and a label is known (the construction-implied order, or gold step labels
        that ``human`` imports). What such a method keeps are the judgements that match the
        label, so the judges' verdicts are checked against it (``rule_verifier``, ``check:
        judgement``) and the correctness rules then keep the candidates judged right. Without
        a judge or a label the lint refuses the recipe instead. Written into the notes."""
        from alignscape.pipeline.lint import IMPORT, READS_VERDICT, VERIFIES, only_generated

        runs = self._runs()
        if not any(u in READS_VERDICT for u in runs) or any(u in VERIFIES for u in runs) \
                or not only_generated(runs):
            return
        judged = any(self.attr("evaluation.evaluators", u.rsplit(".", 1)[1], "model_judge")
                     for u in runs if u.startswith("evaluation.evaluators."))
        labels = {"evaluation.evaluators.construction_implied", IMPORT} & set(runs)
        if judged and labels:
            self._insert_before_judged(
                "evaluation.evaluators.rule_verifier", {"check": "judgement"},
                "a correctness verdict is read and every candidate is generated: the model "
                "judges' verdicts are checked against the known label (rule_verifier, check: "
                "judgement; from " + ", ".join(sorted(u.rsplit(".", 1)[1] for u in labels)) +
                "), so what is kept is the candidates whose judgement is right")

    def _comparisons_for_given_pairs(self) -> None:
        """``given_pairs`` with no stage that compares candidates pairs the comparisons the
        data carries: ``human`` imports them (the line's ``annotations`` or a file)."""
        from alignscape.pipeline.lint import IMPORT, compares

        if "instantiation.pairing.given_pairs" not in self._runs():
            return
        for use, config in self.uses:
            try:
                st = stage(use, config)
                st.check(complete=False)
            except RecipeError:
                continue  # reported, located, when the stages are built
            if compares(st):
                return
        self._insert_before_judged(IMPORT, {}, "given_pairs with no stage that compares "
                                   "candidates: the comparisons come with the data (human "
                                   "imports the line's 'annotations', or --set "
                                   "human.path=FILE)")

    def _check_run_block(self, run: dict) -> None:
        for key in run:
            if key not in RUN_KEYS:
                close = hint(str(key), RUN_KEYS)
                self.problems.append(f"{self.where('run', key).at()}: unknown run key {key!r}; "
                                     + (close or f"run keys are {', '.join(RUN_KEYS)}"))
        if not isinstance(run.get("config") or {}, dict):
            self.problems.append(f"{self.where('run', 'config').at()}: must map option ids to "
                                 "settings")
        if not isinstance(run.get("skip") or {}, dict):
            self.problems.append(f"{self.where('run', 'skip').at()}: must map option ids to "
                                 "why they are not run")
        if not isinstance(run.get("models") or {}, dict):
            self.problems.append(f"{self.where('run', 'models').at()}: must map roles to "
                                 "model names")
        seed = run.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            self.problems.append(f"{self.where('run', 'seed').at()}: must be an integer")
        if run.get("style", "standard") not in STYLES:
            self.problems.append(f"{self.where('run', 'style').at()}: must be one of "
                                 f"{', '.join(STYLES)}")
        if run.get("ties", "drop") not in ("drop", "keep"):
            self.problems.append(f"{self.where('run', 'ties').at()}: must be drop or keep")
        if self.problems:
            raise RecipeError("\n".join(self.problems))

    def _alias_settings(self, target: str) -> dict:
        """Settings that the entry's chosen options which are aliases of ``target`` imply
        (tree_search -> step_search mode: tree)."""
        out = {}
        for qualified, options in self.entry.choices.items():
            for option in options:
                found = self.aliases.get(f"{qualified}.{option}")
                if found and found.target == target:
                    out.update(found.settings)
        return out

    def _synthesis(self) -> None:
        for option in self.chosen("synthesis.prompt_sources"):
            if f"synthesis.prompt_sources.{option}" not in INPUT_OPTIONS:
                self.add(f"synthesis.prompt_sources.{option}")
        plans = [p for p in self.chosen("synthesis.sampling")
                 if self.attr("synthesis.sampling", p, "plan_priority")]
        if plans:
            plan = min(plans, key=lambda p: self.attr("synthesis.sampling", p, "plan_priority"))
            n = self.entry.stage("synthesis").get("responses_per_prompt")
            self.add(f"synthesis.sampling.{plan}", {"n": n} if isinstance(n, int) and
                     plan == "repeated_sampling" else {})
        sources = self.chosen("synthesis.sources") or ["human_written"]
        if not self.chosen("synthesis.sources"):
            self.notes.append("no response source classified: candidates come from the input")
        for option in sources:
            use = f"synthesis.sources.{option}"
            self.add(use, self._alias_settings(use))
        for option in self.chosen("synthesis.exploration"):
            # An exploration option that is another source (model_diversity: a pool).
            found = self.aliases.get(f"synthesis.exploration.{option}")
            if found is not None and found.target.startswith("synthesis.sources."):
                self.add(found.target, dict(found.settings))
        per = self.entry.stage("synthesis").get("responses_per_prompt")
        if "multi_model_pool" in sources and isinstance(per, int):
            self.set_default("synthesis.sources.multi_model_pool", "per_prompt", per)

    def _judge_config(self) -> dict:
        # Every protocol option a judge can run; descriptive ones (no stage yet) run nothing.
        protocols = [p for p in self.chosen("evaluation.protocol")
                     if f"evaluation.protocol.{p}" not in registry.DESCRIPTIVE]
        config = {"protocols": protocols or ["pointwise_rating"], "both_orders": False,
                  "granularity": [g for g in self.chosen("evaluation.granularity")
                                  if g != "outcome"]}
        if not protocols:
            self.notes.append("no judgement protocol classified: model judges rate pointwise")
        # Bias controls that are settings of the judges (position_swap -> both_orders, ...).
        for option in self.chosen("evaluation.bias_controls"):
            found = self.settings.get(f"evaluation.bias_controls.{option}")
            if found is not None and found.key is not None:
                config[found.key] = found.value
        if "multi_aspect" in self.chosen("evaluation.dimensionality"):
            aspects = self.entry.stage("evaluation").get("aspects")
            config["aspects"] = list(aspects) if isinstance(aspects, list) and aspects else None
            if not config["aspects"]:
                self.notes.append("multi-aspect without named aspects: helpfulness, honesty, "
                                  "harmlessness")
        return config

    def _evaluation(self) -> dict:
        judge_config = self._judge_config()
        evaluators = self.chosen("evaluation.evaluators")
        judges = [e for e in evaluators
                  if self.attr("evaluation.evaluators", e, "model_judge")]
        # Imported annotations first: a correction they carry is a new candidate, which the
        # other evaluators then judge like any other.
        for option in sorted(evaluators, key=lambda e: e != "human"):
            if option != "multi_agent":
                self.add(f"evaluation.evaluators.{option}",
                         judge_config if option in judges else {})
        if "multi_agent" in evaluators:
            self.add("evaluation.evaluators.multi_agent")
        if "step" in self.chosen("evaluation.granularity") and not judges \
                and "step_search" not in self.chosen("synthesis.sources"):
            self.add("evaluation.granularity.step")
            self.notes.append("step granularity without a model judge: steps are judged by "
                              "the 'judge' role")
        for option in self.chosen("evaluation.bias_controls"):
            found = self.aliases.get(f"evaluation.bias_controls.{option}")
            if found is not None and not any(u == found.target for u, _ in self.uses):
                # e.g. annotator_aggregation: the judges' verdicts are combined by a stage.
                self.add(found.target, dict(found.settings))
        if "length_control" in self.chosen("evaluation.bias_controls"):
            self.add("evaluation.bias_controls.length_control")
        return judge_config

    def _instantiation(self, judge_config: dict, run: dict) -> None:
        formats = self.chosen("instantiation.formats")
        pairing = self.chosen("instantiation.pairing")
        filtering = self.chosen("instantiation.filtering")
        weighting = self.chosen("instantiation.weighting")

        def acts_on(dim, option):
            return self.attr(f"instantiation.{dim}", option, "acts_on") or "candidates"

        for option in weighting:
            if acts_on("weighting", option) == "candidates":
                self.add(f"instantiation.weighting.{option}")
        for option in filtering:
            if acts_on("filtering", option) == "candidates":
                self.add(f"instantiation.filtering.{option}")
        pair_formats = [f for f in formats
                        if self.attr("instantiation.formats", f, "structure") == "pairwise"]
        if (pair_formats or "binary_label" in formats) and \
                not [p for p in pairing if p != "margin_threshold"]:
            default = "given_pairs" if "pairwise_comparison" in (
                judge_config.get("protocols") or ()) else "best_vs_worst"
            pairing = [default, *pairing]
            self.notes.append(f"no pairing rule classified: {default}")
        # Ties are dropped unless the run block asks to keep them and drop_ties is not chosen.
        ties = "keep" if run.get("ties") == "keep" and "drop_ties" not in filtering else "drop"
        for option in sorted(pairing, key=lambda p: p == "margin_threshold"):
            self.add(f"instantiation.pairing.{option}",
                     {"ties": ties} if option != "margin_threshold" else {})
        for option in filtering:
            if acts_on("filtering", option) == "pairs":
                self.add(f"instantiation.filtering.{option}")
        for option in weighting:
            if acts_on("weighting", option) == "pairs":
                self.add(f"instantiation.weighting.{option}")
        if not formats:
            formats = ["pairwise"] if pairing else ["pointwise_scalar"]
            self.notes.append(f"no signal format classified: {formats[0]}")
        for option in formats:
            self.add(f"instantiation.formats.{option}")

    def _stages(self, overrides: dict) -> list:
        """The stages with the run block's settings applied (each located at its line)."""
        used = set()
        stages = []
        for use, config in self.uses:
            option = use.rsplit(".", 1)[-1]
            where = self.where("pipeline", use.split(".")[0])
            merged = dict(config)
            for key in (option, use):
                given = overrides.get(key)
                if given is None:
                    continue
                used.add(key)
                if not isinstance(given, dict):
                    self.problems.append(f"{self.where('run', 'config', key).at()}: must be a "
                                         "mapping of parameter to value")
                    continue
                merged.update(given)
                where = self.where("run", "config", key)
                where.config = ()
            try:
                st = stage(use, merged, where)
            except RecipeError as exc:
                self.problems.append(f"{where.at()}: {exc}")
                continue
            try:
                st.check(complete=False)
            except RecipeError as exc:
                self.problems.append(str(exc))
            if where.path[:2] != ("run", "config"):
                where.path = ("run",) if self.entry.run else ("pipeline", use.split(".")[0])
            stages.append(st)
        names = [u.rsplit(".", 1)[-1] for u, _ in self.uses]
        for key in overrides:
            if key not in used:
                close = hint(str(key), names)
                self.problems.append(
                    f"{self.where('run', 'config', key).at()}: no stage {key!r} in this "
                    "entry's recipe; " + (close or f"its stages are {', '.join(names)}"))
        return stages

    def _mapping_notes(self) -> list[str]:
        out = []
        for qualified, options in self.entry.choices.items():
            for option in options:
                key = f"{qualified}.{option}"
                if key in self.aliases:
                    out.append(f"{key}: {self.aliases[key].why} ({self.aliases[key].target})")
                elif key in self.settings:
                    out.append(f"{key}: {self.settings[key].why}")
                elif key in INPUT_OPTIONS:
                    out.append(f"{key}: {INPUT_OPTIONS[key]}")
                elif key in registry.DESCRIPTIVE:
                    out.append(f"{key}: {registry.DESCRIPTIVE[key]}")
        return out
