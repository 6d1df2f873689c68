"""The recipe lint refuses stage orders that can never produce output, at the entry's line."""

from __future__ import annotations

from alignscape.pipeline.lint import problems
from alignscape.pipeline.recipe import stage


def _stages(*uses):
    out = []
    for use in uses:
        use, _, raw = use.partition(" ")
        st = stage(use, eval(raw) if raw else {})  # noqa: S307 - literal test configs
        st.check(complete=False)
        out.append(st)
    return out


def test_best_of_n_before_best_vs_worst_is_refused():
    got = problems(_stages("synthesis.sampling.repeated_sampling {'n': 4}",
                           "synthesis.sources.policy_sampling",
                           "evaluation.evaluators.reward_model",
                           "synthesis.selection.best_of_n",
                           "instantiation.pairing.best_vs_worst",
                           "instantiation.formats.pairwise"))
    assert [(st.use, msg) for st, msg in got] == [
        ("instantiation.pairing.best_vs_worst", "best_vs_worst needs two candidates of a "
         "prompt, but synthesis.selection.best_of_n keeps 1: this recipe can never produce "
         "its output")]


def test_one_sample_before_pairwise_judging_is_refused_and_two_pass():
    one = problems(_stages("synthesis.sources.reference_model_sampling",
                           "evaluation.evaluators.llm_judge "
                           "{'protocols': ['pairwise_comparison']}",
                           "instantiation.pairing.given_pairs",
                           "instantiation.formats.pairwise"))
    assert one and "pairwise_comparison needs two candidates" in one[0][1]
    two = problems(_stages("synthesis.sources.reference_model_sampling "
                           "{'decoding': [{'temperature': 1.0}, {'temperature': 1.0}]}",
                           "evaluation.evaluators.llm_judge "
                           "{'protocols': ['pairwise_comparison']}",
                           "instantiation.pairing.given_pairs",
                           "instantiation.formats.pairwise"))
    assert two == []


def test_input_dependent_sources_are_never_refused():
    assert problems(_stages("synthesis.sources.human_written",
                            "instantiation.pairing.best_vs_worst",
                            "instantiation.formats.pairwise")) == []


def test_pairwise_rows_without_pairing_are_refused():
    got = problems(_stages("synthesis.sources.human_written", "instantiation.formats.pairwise"))
    assert got and "no pairing stage" in got[0][1]


def test_fixed_entries_build_and_say_why(catalog):
    from alignscape.pipeline.entry_recipe import from_entry

    # An entry's run.skip drops the stage and says why in the recipe's notes.
    kimi = from_entry(catalog["kimi_k15"], catalog)
    assert "synthesis.selection.best_of_n" not in [s.use for s in kimi.stages]
    assert any("best_of_n not run: shortest rejection sampling" in n for n in kimi.notes)
    # Imported annotations run before the other evaluators, which judge what they import
    # (PRM800K's human step labels, then the final-answer check).
    prm = [s.use for s in from_entry(catalog["prm800k"], catalog).stages]
    assert prm.index("evaluation.evaluators.human") < \
        prm.index("evaluation.evaluators.rule_verifier")
    # Issue 16: the aggregation a recipe promises is a stage of it.
    entry = catalog["self_rewarding"]
    sr = [s.use for s in from_entry(entry, catalog).stages]
    assert "evaluation.evaluators.self_judgement" in sr
    if "annotator_aggregation" in entry.choices.get("evaluation.bias_controls", ()):
        assert "evaluation.evaluators.multi_agent" in sr


def test_given_pairs_with_nothing_that_compares_is_refused():
    got = problems(_stages("synthesis.sampling.repeated_sampling {'n': 2}",
                           "synthesis.sources.policy_sampling",
                           "evaluation.evaluators.reward_model",
                           "instantiation.pairing.given_pairs",
                           "instantiation.formats.pairwise"))
    assert [(st.use, msg.split(",")[0]) for st, msg in got] == [
        ("instantiation.pairing.given_pairs", "given_pairs pairs the comparisons made before "
         "it")]
    for comparing in ("evaluation.evaluators.human",
                      "evaluation.evaluators.llm_judge {'protocols': ['pairwise_comparison']}",
                      "evaluation.evaluators.preference_model"):
        assert problems(_stages("synthesis.sampling.repeated_sampling {'n': 2}",
                                "synthesis.sources.policy_sampling", comparing,
                                "instantiation.pairing.given_pairs",
                                "instantiation.formats.pairwise")) == [], comparing


def test_ranking_unscored_generated_candidates_is_refused():
    got = problems(_stages("synthesis.sampling.repeated_sampling {'n': 2}",
                           "synthesis.sources.policy_sampling",
                           "instantiation.formats.groupwise"))
    assert [st.use for st, _ in got] == ["instantiation.formats.groupwise"]
    assert "no evaluation stage before it scores them" in got[0][1]
    # A scorer before it, or candidates from the input (they may carry scores): accepted.
    assert problems(_stages("synthesis.sampling.repeated_sampling {'n': 2}",
                            "synthesis.sources.policy_sampling",
                            "evaluation.evaluators.reward_model",
                            "instantiation.formats.groupwise")) == []
    assert problems(_stages("synthesis.sources.human_written",
                            "synthesis.sources.policy_sampling",
                            "instantiation.pairing.best_vs_worst",
                            "instantiation.formats.pairwise")) == []


def test_reading_a_verdict_that_nothing_set_is_refused():
    got = problems(_stages("synthesis.sources.policy_sampling",
                           "evaluation.evaluators.llm_judge",
                           "instantiation.filtering.correctness_filter",
                           "instantiation.formats.demonstration"))
    assert [st.use for st, _ in got] == ["instantiation.filtering.correctness_filter"]
    assert "no stage before it verifies them" in got[0][1]
    # A verifier before it, or candidates from the input (they may carry verdicts): accepted.
    for first, verifier in (("synthesis.sources.policy_sampling",
                             "evaluation.evaluators.rule_verifier"),
                            ("synthesis.sources.human_written", "evaluation.evaluators.llm_judge")):
        assert problems(_stages(first, verifier, "instantiation.filtering.correctness_filter",
                                "instantiation.formats.demonstration")) == []


def test_choosing_a_reference_that_nothing_adds_is_refused():
    got = problems(_stages("synthesis.sources.policy_sampling",
                           "instantiation.pairing.reference_vs_generated",
                           "instantiation.formats.pairwise"))
    assert [st.use for st, _ in got] == ["instantiation.pairing.reference_vs_generated"]
    assert "no stage before it adds one" in got[0][1]
    assert problems(_stages("synthesis.sources.human_written {'include_responses': False}",
                            "synthesis.sources.policy_sampling",
                            "instantiation.pairing.reference_vs_generated",
                            "instantiation.formats.pairwise")) == []


def test_rewriting_nothing_is_refused():
    got = problems(_stages("synthesis.sources.perturbation",
                           "evaluation.evaluators.construction_implied",
                           "instantiation.pairing.original_vs_perturbed",
                           "instantiation.formats.pairwise"))
    assert [st.use for st, _ in got] == ["synthesis.sources.perturbation"]
    assert "no stage before it adds any" in got[0][1]
    assert problems(_stages("synthesis.sources.human_written",
                            "synthesis.sources.perturbation",
                            "evaluation.evaluators.construction_implied",
                            "instantiation.pairing.original_vs_perturbed",
                            "instantiation.formats.pairwise")) == []


ENTRY = """\
id: lintcase
kind: method
short_name: L
name: Lint case
year: 2024
cite: x
summary: A case for the lint.
pipeline:
  synthesis:
    sources: [{sources}]
  evaluation:
{evaluation}
  instantiation:
    formats: [{formats}]
{pairing}{run}"""


def _entry_recipe(catalog, tmp_path, *, sources, formats, evaluation="    open: any.",
                  pairing="", run=""):
    import yaml

    from alignscape.model.entry import Entry
    from alignscape.pipeline.entry_recipe import from_entry

    text = ENTRY.format(sources=sources, formats=formats, evaluation=evaluation,
                        pairing=f"    pairing: [{pairing}]\n" if pairing else "", run=run)
    folder = tmp_path / "catalog" / "entries"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lintcase.yaml").write_text(text)
    entry = Entry.from_data(yaml.safe_load(text), "catalog/entries/lintcase.yaml",
                            catalog.taxonomy)
    shim = type("C", (), {"taxonomy": catalog.taxonomy, "root": tmp_path})()
    return lambda: from_entry(entry, shim), text.splitlines()


def _line(lines, key):
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(key))


def test_entry_orders_that_never_yield_are_refused_at_the_entry_line(catalog, tmp_path):
    import pytest

    from alignscape.pipeline.recipe import RecipeError

    cases = [
        # evaluation does not apply: nothing can score the sampled group
        (dict(sources="policy_sampling", formats="groupwise",
              evaluation="    not_applicable: no judge."),
         "instantiation", "groupwise ranks candidates by score"),
        # the data's comparisons would be imported, but the run block forbids it
        (dict(sources="policy_sampling", formats="pairwise", pairing="given_pairs",
              evaluation="    evaluators: [reward_model]",
              run="run:\n  skip: {human: the comparisons are not in this data}\n"),
         "instantiation", "given_pairs pairs the comparisons made before it"),
        # the reference would be added from the input, but the run block forbids it
        (dict(sources="policy_sampling", formats="pairwise", pairing="reference_vs_generated",
              evaluation="    evaluators: [construction_implied]",
              run="run:\n  skip: {human_written: no references in this data}\n"),
         "instantiation", "reference_vs_generated chooses the reference answer"),
        # a correctness verdict read off generated text that no stage verifies: the judge
        # runs, but no label is known to hold its verdicts against
        (dict(sources="policy_sampling", formats="pairwise", pairing="correct_vs_incorrect",
              evaluation="    evaluators: [llm_judge]"),
         "instantiation", "correct_vs_incorrect reads a correctness verdict"),
        # perturbation with nothing to perturb
        (dict(sources="perturbation", formats="pairwise", pairing="original_vs_perturbed",
              evaluation="    evaluators: [construction_implied]",
              run="run:\n  skip: {human_written: no responses in this data}\n"),
         "synthesis", "perturbation rewrites the candidates before it"),
    ]
    for i, (shape, group, message) in enumerate(cases):
        build, lines = _entry_recipe(catalog, tmp_path / str(i), **shape)
        with pytest.raises(RecipeError) as err:
            build()
        line = _line(lines, f"{group}:")
        assert f"catalog/entries/lintcase.yaml:{line}: pipeline.{group}: " in str(err.value)
        assert message in str(err.value), str(err.value)


def test_entry_defaults_for_open_stages_pass_the_lint(catalog, tmp_path):
    """What the builder fills in for a stage the method leaves open, and why (notes)."""
    cases = [
        (dict(sources="policy_sampling", formats="groupwise"),
         "evaluation.evaluators.reward_model", "scored by the 'reward' role"),
        (dict(sources="policy_sampling", formats="pairwise", pairing="correct_vs_incorrect"),
         "evaluation.evaluators.rule_verifier", "checked against the record's reference"),
        # Judge training: the judge's verdicts are held against the construction's order.
        (dict(sources="contrastive_prompting", formats="pairwise", pairing="correct_vs_incorrect",
              evaluation="    evaluators: [construction_implied, llm_judge]"),
         "evaluation.evaluators.rule_verifier", "checked against the known label"),
        (dict(sources="human_written", formats="pairwise", pairing="given_pairs"),
         "evaluation.evaluators.human", "come from the input with their verdicts"),
        (dict(sources="policy_sampling", formats="pairwise", pairing="given_pairs",
              evaluation="    evaluators: [reward_model]"),
         "evaluation.evaluators.human", "the comparisons come with the data"),
        (dict(sources="perturbation", formats="pairwise", pairing="original_vs_perturbed",
              evaluation="    evaluators: [construction_implied]"),
         "synthesis.sources.human_written", "rewrites the input's 'responses'"),
        (dict(sources="policy_sampling", formats="pairwise", pairing="reference_vs_generated",
              evaluation="    evaluators: [construction_implied]"),
         "synthesis.sources.human_written", "the input's reference answer is a candidate"),
    ]
    for i, (shape, added, note) in enumerate(cases):
        build, _ = _entry_recipe(catalog, tmp_path / str(i), **shape)
        recipe = build()
        uses = [s.use for s in recipe.stages]
        assert added in uses, (shape, uses)
        assert any(note in n for n in recipe.notes), (note, recipe.notes)
        # The default comes before every stage that reads judgements.
        first_reader = next(i for i, u in enumerate(uses)
                            if u.startswith(("instantiation.", "synthesis.selection.")))
        assert uses.index(added) < first_reader
