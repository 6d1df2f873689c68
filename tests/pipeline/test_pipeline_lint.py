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

    west = from_entry(catalog["west_of_n"], catalog)
    assert "synthesis.selection.best_of_n" not in [s.use for s in west.stages]
    assert any("West-of-N's best-of-N" in n for n in west.notes)
    sr = from_entry(catalog["self_rewarding"], catalog)
    assert "evaluation.evaluators.multi_agent" in [s.use for s in sr.stages]
