"""What an expert reading of each paper expects of its trade-off profile, as data, checked
against the profiles the rules derive. The table lives here, not in the catalog: it is the
test of the rules, not a source of levels.

Each row: entry, dimension, the expected level (or a bound such as "<= medium", or
"set_by_data" for a stage the method leaves open, "unknown" where a recorded gap says why no rule
can set it), the reason, and the work that shows it."""

from __future__ import annotations

import pytest

EXPECTED = [
    ("dpo", "compute_cost", "low", "no sampling and no reward model during training", "rafailov2023dpo"),
    ("dpo", "annotation_cost", "set_by_data", "DPO takes any pairwise data; who labels it is the user's choice", "rafailov2023dpo"),
    # Was set_by_data ("the labels decide what can be exploited"); Rafailov et al. 2024 show the
    # objective itself over-optimises its implicit reward, with no separate reward model.
    ("dpo", "reward_hacking_risk", "medium", "direct alignment algorithms over-optimise their implicit reward even without a reward model", "rafailov2024scaling"),
    ("dpo", "length_bias", "high", "DPO's implicit reward exploits length on the policy's own out-of-distribution samples", "park2024rdpo"),
    ("dpo", "label_noise", "set_by_data", "how often the given pairs are wrong is a property of the data", "rafailov2023dpo"),
    ("rdpo", "length_bias", "set_by_data", "the length term removes DPO's own exploitation; what remains is the data's", "park2024rdpo"),
    ("simpo", "length_bias", "set_by_data", "a length-normalised, reference-free reward that does not substantially lengthen answers", "meng2024simpo"),
    ("ipo", "reward_hacking_risk", "medium", "IPO is among the direct alignment algorithms shown to over-optimise", "rafailov2024scaling"),
    ("kto", "reward_hacking_risk", "set_by_data", "binary labels, outside the over-optimisation study of pairwise losses", "ethayarajh2024kto"),
    ("grpo_deepseekmath", "reward_hacking_risk", "set_by_data", "GRPO optimises whatever rewarder it is given, a rule or a learned model", "shao2024deepseekmath"),
    ("intuitor", "self_preference_bias", "high", "the reward is the model's own self-certainty about its output", "zhao2025intuitor"),
    ("ttrl", "position_bias", "low", "a majority vote over final answers reads no responses in an order", "zuo2025ttrl"),
    ("ultrachat", "annotation_cost", "low", "ChatGPT writes both sides of every dialogue", "ding2023ultrachat"),
    ("wildchat", "annotation_cost", "low", "toxicity is flagged by the OpenAI Moderation API and Detoxify", "zhao2024wildchat"),
    ("spin", "reward_hacking_risk", "low", "the chosen side is the human SFT response by construction", "chen2024spin"),
    ("kto", "annotation_cost", "<= medium", "binary desirable/undesirable feedback is cheaper than preferences", "ethayarajh2024kto"),
    ("simpo", "compute_cost", "low", "reference-free: no frozen reference model to run", "meng2024simpo"),
    ("orpo", "compute_cost", "low", "no reference model and no separate preference stage", "hong2024orpo"),
    ("grpo_deepseekmath", "compute_cost", "high", "samples a group of outputs from the policy for every prompt", "shao2024deepseekmath"),
    ("grpo_deepseekmath", "distribution_match", "high", "the group is sampled from the current policy", "shao2024deepseekmath"),
    ("ppo_rlhf", "reward_hacking_risk", "high", "optimises online against a learned reward model", "gao2022scaling"),
    ("instructgpt", "annotation_cost", "high", "a trained team of labelers writes and ranks", "ouyang2022instructgpt"),
    ("instructgpt", "scalability", "low", "bounded by labeler time", "ouyang2022instructgpt"),
    ("instructgpt", "reward_hacking_risk", "high", "PPO against the learned reward model", "ouyang2022instructgpt"),
    ("hh_rlhf", "annotation_cost", "high", "crowdworkers compare every pair", "bai2022hh"),
    ("hh_rlhf", "reproducibility", "low", "another crowd would label differently", "bai2022hh"),
    ("ultrafeedback", "annotation_cost", "low", "GPT-4 rates every response", "cui2023ultrafeedback"),
    ("ultrafeedback", "length_bias", "high", "a GPT-4 judge favours longer answers", "zheng2023judging"),
    ("ultrafeedback", "response_diversity", "high", "four completions from a pool of seventeen models", "cui2023ultrafeedback"),
    ("ultrafeedback", "scalability", "high", "AI labels scale with compute", "cui2023ultrafeedback"),
    ("rlaif", "annotation_cost", "low", "an off-the-shelf LLM labels preferences", "lee2023rlaif"),
    ("constitutional_ai", "annotation_cost", "high", "harmlessness labels are AI, but helpfulness labels are still human", "bai2022constitutional"),
    ("deepseek_r1", "annotation_cost", "low", "answers are checked by rules", "deepseekai2025r1"),
    ("rlvr", "reproducibility", "high", "deterministic answer checks", "lambert2024tulu3"),
    ("rlvr", "reward_hacking_risk", "low", "a correct final answer is hard to fake", "lambert2024tulu3"),
    # The verifier labels the steps, but PPO optimises the process reward model trained on them.
    ("math_shepherd", "reward_hacking_risk", "high", "a learned PRM used as the online reward is exploited by repeating correct but unnecessary steps", "gao2024designingreward"),
    ("pav", "reward_hacking_risk", "medium", "progress (advantage) rewards telescope to a bounded total, the fix for summed process rewards", "setlur2024pav"),
    ("rlcd", "reward_hacking_risk", "high", "PPO optimises the preference model fitted to the constructed pairs, a learned proxy", "gao2022scaling"),
    ("prm800k", "reward_hacking_risk", "low", "human step labels used to rerank, not as an online reward", "lightman2023verify"),
    # Roles: the same component, a different risk (found by an independent audit of the profiles).
    ("tulu3", "reward_hacking_risk", "medium", "the GPT-4o judge labels offline DPO pairs; the online stage optimises a verifier", "lambert2024tulu3"),
    ("coderl", "annotation_cost", "low", "APPS's existing solutions and unit tests label the samples", "le2022coderl"),
    ("summarize_hf", "length_bias", "high", "PPO against a reward model fitted to human comparisons lengthens outputs", "singhal2023long"),
    ("ttrl", "reward_hacking_risk", "high", "online RL on a majority-vote self-reward collapses into consistent wrong answers", "shafayat2025srt"),
    ("acpo", "reward_hacking_risk", "medium", "consistency-voted pairs used once for offline DPO, not an online self-reward", "chen2025acpo"),
    ("dapo", "compute_cost", "high", "group rollouts, plus re-sampling until groups carry signal; dropping the KL term saves little", "yu2025dapo"),
    ("star", "compute_cost", "medium", "repeated sampling in rounds, but fine-tuning only; no reference model to drop", "zelikman2022star"),
    ("ppo_rlhf", "annotation_cost", "set_by_data", "PPO optimises any reward model; who labelled its comparisons is the data's", "ouyang2022instructgpt"),
    ("rloo", "self_preference_bias", "set_by_data", "the reward model inherits its labels' biases, and the labels are the data's", "ahmadian2024back"),
    ("ultrafeedback", "reward_hacking_risk", "high", "GPT-4's labels train a reward model that PPO then optimises", "gao2022scaling"),
    ("alpacafarm", "annotation_cost", "low", "simulated annotators replace crowdworkers; people only validate the simulator", "dubois2023alpacafarm"),
    ("step_dpo", "annotation_cost", "low", "GPT-4 locates the first wrong step; manual inspection is only an alternative", "lai2024stepdpo"),
    ("ultrainteract_eurus", "self_preference_bias", "low", "correctness against ground truth decides the pairs; GPT-4 only critiques", "yuan2024advancing"),
    ("prometheus", "self_preference_bias", "low", "each score is fixed by the target the response was written for", "kim2023prometheus"),
    ("prometheus", "label_noise", "unknown", "no work measures how often a response written to a score merits it", "kim2023prometheus"),
    ("rlaif", "distribution_match", "medium", "offline AI-labelled pairs, but the policy's own samples are scored during RL", "lee2023rlaif"),
    ("rest", "reward_hacking_risk", "high", "rewards keep rising with more Grow steps while human ratings peak after one", "gulcehre2023rest"),
    ("raft", "reward_hacking_risk", "high", "each round keeps the policy's samples its reward model scores best", "gulcehre2023rest"),
    ("humpback", "annotation_cost", "low", "instructions are generated for existing web text; no one is paid to write or label", "li2023humpback"),
    ("meta_rewarding", "self_preference_bias", "high", "the model judges its own responses; averaged self-judgements are not a panel", "wu2024metarewarding"),
    ("salmon", "self_preference_bias", "high", "the policy model itself picks the preferred response", "sun2023salmon"),
    ("sppo", "position_bias", "medium", "PairRM compares both orders of every pair", "wu2024sppo"),
    ("west_of_n", "response_diversity", "medium", "best and worst of the pool are both kept as a pair", "pace2024westofn"),
    ("self_taught_evaluator", "reward_hacking_risk", "low", "the judge being trained keeps only verdicts that agree with the constructed order", "wang2024selftaught"),
    ("thinkprm", "self_preference_bias", "low", "QwQ's verification chains are kept only where they agree with PRM800K's human step labels", "khalifa2025thinkprm"),
    ("xverify", "length_bias", "low", "an answer-equivalence check against a reference rewards no length", "chen2025xverify"),
    ("judgelm", "bias_risk", "high", "the aggregate is the worst of its parts; the paper's fixes address position, knowledge and format bias", "zhu2023judgelm"),
    ("math_shepherd", "annotation_cost", "low", "process labels from automatic rollouts", "wang2023mathshepherd"),
    ("prm800k", "annotation_cost", "high", "human labelers grade every step", "lightman2023verify"),
    ("shp", "annotation_cost", "low", "Reddit votes cost no annotation", "ethayarajh2021vusable"),
    ("shp", "label_noise", "high", "votes reflect timing and visibility as well as quality", "ethayarajh2021vusable"),
    ("spin", "annotation_cost", "low", "the human SFT response is preferred by construction", "chen2024spin"),
    ("spin", "distribution_match", "high", "the rejected responses are the policy's own", "chen2024spin"),
    ("self_rewarding", "self_preference_bias", ">= medium", "the policy judges its own outputs", "yuan2024selfrewarding"),
    ("self_rewarding", "annotation_cost", "low", "no new human labels per round", "yuan2024selfrewarding"),
    ("ttrl", "annotation_cost", "low", "majority vote on unlabelled test prompts", "zuo2025ttrl"),
    ("ttrl", "label_noise", "high", "the majority can be wrong", "zuo2025ttrl"),
    ("intuitor", "reward_hacking_risk", "high", "confidence is rewarded, not correctness", "zhao2025intuitor"),
    ("gspo", "distribution_match", "high", "on-policy group sampling", "zheng2025gspo"),
    ("skywork_reward", "position_bias", "low", "a scalar reward model scores one response at a time", "liu2024skywork"),
    ("skywork_reward", "length_bias", "high", "reward models correlate with length", "singhal2023long"),
    ("helpsteer2", "annotation_cost", "high", "human annotators rate every response on five attributes", "wang2024helpsteer2"),
    ("gkd", "annotation_cost", "low", "the teacher's token probabilities are the signal", "agarwal2023gkd"),
    ("absolute_zero", "scalability", "high", "the model proposes its own tasks", "zhao2025absolutezero"),
    ("beavertails", "annotation_cost", "high", "crowdworkers label safety and preference", "ji2023beavertails"),
    ("magpie", "annotation_cost", "low", "an aligned model writes both instructions and responses", "xu2024magpie"),
    ("star", "annotation_cost", "low", "rationales are kept when the final answer is right", "zelikman2022star"),
    ("rlcf", "annotation_cost", "low", "checklists are judged by models and programs", "viswanathan2025checklists"),
    ("divpo", "response_diversity", ">= medium", "chosen and rejected are picked for diversity too", "lanchantin2025divpo"),
    ("summarize_hf", "reward_hacking_risk", "high", "over-optimising the learned reward degrades summaries", "stiennon2020summarize"),
    ("webgpt", "annotation_cost", "high", "human demonstrations and comparisons", "nakano2021webgpt"),
    ("qwen3", "compute_cost", "high", "large-scale online RL", "yang2025qwen3"),
    ("mt_bench_judge", "position_bias", "<= medium", "both orders are judged and disagreement is a tie", "zheng2023judging"),
    # reward_model_cost used to fire while who labels the reward models' comparisons is open.
    ("personalized_soups", "annotation_cost", "set_by_data", "pairwise feedback per declared preference; who gives it (people or a simulated annotator) is the data's", "jang2023personalizedsoups"),
    ("maxmin_rlhf", "annotation_cost", "set_by_data", "group reward models fitted to whatever multi-user preferences are available", "chakraborty2024maxminrlhf"),
    ("controllable_po", "annotation_cost", "set_by_data", "per-objective preference scores whose source (people, an LLM judge, a classifier) the method leaves open", "guo2024controllablepo"),
    ("personalized_rlhf", "annotation_cost", "set_by_data", "personalised feedback tied to each user; who labels (real users, crowdworkers, simulated users) is open", "li2024prlhf"),
    # Was high (online RL against the proxies); no evaluator is prescribed, so it was set by the data.
    ("reward_soups", "reward_hacking_risk", "high", "each network is RL-tuned against a proxy reward, whose imperfection the abstract names as the problem", "gao2022scaling"),
    ("reward_soups", "compute_cost", "high", "one online RL run per proxy reward", "rame2023rewardedsoups"),
    # Was high (reward_model_online_hacking); the implicit PRM is updated online on outcome labels.
    ("prime", "reward_hacking_risk", "medium", "the implicit PRM is updated online on the policy's rollouts, the abstract's answer to PRM reward hacking", "cui2025prime"),
    # Was high (reward_model_length, whose reason is preference data); here the outcome labels are the data's.
    ("prime", "length_bias", "set_by_data", "an implicit PRM trained on outcome labels, whose source the method leaves open", "cui2025prime"),
    # Was high: verbosity is an explicit, user-weighted axis of the reward.
    ("directional_preference_alignment", "length_bias", "medium", "verbosity is a reward axis whose weight the user's direction sets", "wang2024dpa"),
    ("hadpo", "length_bias", "low", "binary verdict against ground-truth annotations on style-consistent pairs", "zhao2023hadpo"),
    # Was medium: decoupled helpfulness and harmlessness labels.
    ("safe_rlhf", "label_noise", "low", "decoupling the two preferences avoids the crowdworkers' confusion about their tension", "dai2023saferlhf"),
    # Was set_by_data: the objective's own per-response length normalisation.
    ("grpo_deepseekmath", "length_bias", "medium", "per-response length normalisation lets incorrect responses grow longer", "liu2025drgrpo"),
    ("expert_iteration_reasoning", "reward_hacking_risk", "low", "the kept solutions pass a final-answer check against the reference", "havrilla2024teaching"),
    ("oaif", "distribution_match", "high", "the pair is sampled from the current policy and judged online", "guo2024oaif"),
    # Issue 11: an objective's profile speaks of the objective; what its labeller decides stays the data's.
    ("kto", "scalability", "set_by_data", "binary labels are easier to find, but who gives them (people, a verifier, logs) is the data's", "ethayarajh2024kto"),
    ("dpo", "reproducibility", "set_by_data", "whether another team can rebuild the labels depends on who made them", "rafailov2023dpo"),
    ("grpo_deepseekmath", "annotation_cost", "set_by_data", "any scalar rewarder, from a rule to a reward model fitted to human labels", "shao2024deepseekmath"),
    ("crpo", "annotation_cost", "set_by_data", "a reweighted DPO loss: which side of a pair is preferred comes with the data", "ismayilzada2025crpo"),
    # Were unknown: no rule spoke to these choices.
    ("rlcd", "length_bias", "high", "the reward model trained on RLCD's simulated pairs correlates strongly with length", "singhal2023long"),
    ("worldpm", "length_bias", "medium", "forum votes carry people's preference for longer answers (the Stack setting)", "singhal2023long"),
    ("worldpm", "position_bias", "medium", "a vote rewards the visibility of an answer as well as its content", "ethayarajh2021vusable"),
    ("shp", "position_bias", "low", "kept only when the preferred comment was written later, so visibility cannot explain it", "ethayarajh2021vusable"),
    ("gkd", "self_preference_bias", "high", "the student is rewarded for matching the teacher's own distribution on its samples", "agarwal2023gkd"),
    ("minillm", "self_preference_bias", "high", "reverse KL to the teacher on the student's own samples", "gu2023minillm"),
    ("openthoughts", "annotation_cost", "low", "QwQ-32B writes every answer and no one judges them", "guha2025openthoughts"),
    ("epicprm", "annotation_cost", "low", "step labels come from checking rolled-out final answers against the ground truth", "sun2025epicprm"),
    ("versaprm", "position_bias", "low", "the labeller reads one chain of thought at a time and marks its first bad step", "zeng2025versaprm"),
    ("wildchat", "self_preference_bias", "low", "the Moderation API and Detoxify flag text and write none of their own", "zhao2024wildchat"),
    ("big_math", "distribution_match", "set_by_data", "a question set: the responses are whatever the RL-trained policy samples", "albalak2025bigmath"),
    ("verbalized_sampling", "response_diversity", "high", "1.6-2.1x the diversity of direct prompting in creative writing", "zhang2025verbalized"),
    ("healthbench", "response_diversity", "set_by_data", "the graded responses are written by whichever model is evaluated", "arora2025healthbench"),
    # Unknown on purpose: the recorded gap says why no rule can set it.
    ("wildchat", "label_noise", "unknown", "no cited work gives the error rates of the moderation flags as a data filter", "zhao2024wildchat"),
    ("spin", "length_bias", "unknown", "whether the human reference is longer than the model's sample is not measured", "chen2024spin"),
    ("gkd", "length_bias", "unknown", "a divergence to the teacher rewards the teacher's length, not length itself", "gu2023minillm"),
]


def _meets(profile, dimension, expected, levels) -> bool:
    explanation = profile[dimension]
    if expected in ("set_by_data", "unknown"):
        return explanation.source == expected
    if expected.startswith("<= "):
        return explanation.level is not None and \
            levels.index(explanation.level) <= levels.index(expected[3:])
    if expected.startswith(">= "):
        return explanation.level is not None and \
            levels.index(explanation.level) >= levels.index(expected[3:])
    return explanation.level == expected


def test_the_table_is_large_enough_and_cites_real_works(catalog):
    assert len({row[0] for row in EXPECTED}) >= 30
    for entry_id, dimension, _, why, cite in EXPECTED:
        assert entry_id in catalog.entries, entry_id
        assert dimension in catalog.tradeoffs.dimensions, dimension
        assert cite in catalog.bibliography, cite
        assert why


@pytest.mark.parametrize("entry_id, dimension, expected, why, cite", EXPECTED,
                         ids=[f"{r[0]}-{r[1]}" for r in EXPECTED])
def test_derived_profile_meets_the_expert_reading(catalog, entry_id, dimension, expected, why,
                                                  cite):
    profile = catalog.profile(entry_id)
    explanation = profile[dimension]
    assert _meets(profile, dimension, expected, list(catalog.tradeoffs.levels)), (
        f"{entry_id}.{dimension}: expected {expected} ({why}; {cite}), derived "
        f"{explanation.level} [{explanation.source}] "
        f"by {[e.id for e in explanation.implied_by]} {explanation.reason}")


def test_coverage_summary_counts_what_explain_prints(catalog):
    """`explain --summary` counts the JSON document of `explain --format json`; recount the
    same pairs from the profiles, independently of that code."""
    from alignscape.commands._coverage import summarise
    from alignscape.commands.explain import _document

    document = {"entries": [_document(catalog, e) for e in catalog]}
    summary = summarise(document, catalog.tradeoffs.levels)
    printed = {(doc["id"], item["dimension"]): item["status"]
               for doc in document["entries"] for item in doc["tradeoffs"]}
    dims = catalog.tradeoffs.dimensions
    decided_by = {"bias_risk": {"evaluation"}}  # its three components are evaluation's
    recount: dict[tuple[str, str], int] = {}
    for entry in catalog:
        for dim, explanation in catalog.profile(entry).items():
            stages = decided_by.get(dim, set(dims[dim].stages))
            if explanation.level:
                status = explanation.level
            elif explanation.source == "set_by_data":
                status = "set_by_data"
            elif stages and all(entry.not_applicable(s) for s in stages):
                status = "not_applicable"
            else:
                status = "unknown"
            assert printed[entry.id, dim] == (
                "determined" if explanation.level else status), (entry.id, dim)
            recount[dim, status] = recount.get((dim, status), 0) + 1
    for dim, row in summary["dimensions"].items():
        for key in (*catalog.tradeoffs.levels, "set_by_data", "not_applicable", "unknown"):
            assert row[key] == recount.get((dim, key), 0), (dim, key)
        assert row["determined"] == sum(row[lv] for lv in catalog.tradeoffs.levels)
    assert summary["pairs"] == len(catalog.entries) * len(dims)
    assert summary["total"]["not_applicable"] > 0, "orca and dft mark evaluation not applicable"


def test_every_dimension_uses_every_level_and_every_gap_says_why(catalog):
    used: dict[str, set[str]] = {d: set() for d in catalog.tradeoffs.dimensions}
    for entry in catalog:
        for dim, explanation in catalog.profile(entry).items():
            if explanation.level:
                used[dim].add(explanation.level)
            else:
                assert explanation.reason, (entry.id, dim)
    assert {d: sorted(set(catalog.tradeoffs.levels) - lv) for d, lv in used.items()
            if lv != set(catalog.tradeoffs.levels)} == {}


def test_explain_summary_command(project_root, monkeypatch, capsys):
    import json

    from alignscape.cli import main

    monkeypatch.chdir(project_root)
    assert main(["explain", "--summary", "--format", "json", "dpo"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["entries"] == 1 and summary["total"]["set_by_data"] > 0
    assert main(["explain", "--summary"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].split()[:4] == ["dimension", "low", "medium", "high"]
    assert "pairs: determined" in text and "not applicable" in text.splitlines()[0]


def test_every_gap_words_an_unknown_and_never_hides_a_level(catalog):
    """A gap only words the reason of an unknown: each one recorded is the reason of at least one
    entry's unknown level (else it is stale), and none stands where a rule sets one (an entry's
    override may still replace the unknown, as RLCD's length bias does)."""
    worded: set[str] = set()
    for entry in catalog:
        for explanation in catalog.profile(entry).values():
            for gap in explanation.gaps:
                assert explanation.source in ("unknown", "override"), explanation
                assert explanation.derived_level is None and gap.why in explanation.reason
                worded.add(gap.id)
    assert worded == {g.id for g in catalog.tradeoffs.gaps}


def test_a_gap_is_the_reason_only_where_no_rule_applies_and_no_stage_is_open():
    from alignscape.taxonomy import Tradeoffs

    tradeoffs = Tradeoffs.from_data({
        "levels": ["low", "medium", "high"],
        "dimensions": [{"id": "length_bias", "label": "Length bias", "better": "lower",
                        "combine": "max", "stages": ["evaluation"],
                        "definition": "Risk that the signal rewards length."}],
        "effects": [{"id": "judge_length", "option": "evaluation.evaluators.llm_judge",
                     "dimension": "length_bias", "level": "high", "relative_to": "rules",
                     "why": "Judges favour longer answers.", "cite": ["zheng2023judging"]}],
        "gaps": [{"id": "pairs_gap", "option": "evaluation.evaluators.construction_implied",
                  "dimension": "length_bias", "why": "it depends on the construction",
                  "cite": ["chen2024spin"], "without": ["synthesis.sources.perturbation"]}]})
    built = frozenset({"evaluation.evaluators.construction_implied"})
    unknown = tradeoffs.profile(built)["length_bias"]
    assert (unknown.source, unknown.level) == ("unknown", None)
    assert unknown.reason == "no rule sets it: it depends on the construction [chen2024spin]"
    assert [g.id for g in unknown.gaps] == ["pairs_gap"]
    judged = tradeoffs.profile(built | {"evaluation.evaluators.llm_judge"})["length_bias"]
    assert judged.level == "high" and not judged.gaps
    perturbed = tradeoffs.profile(built | {"synthesis.sources.perturbation"})["length_bias"]
    assert perturbed.source == "unknown" and not perturbed.gaps
    assert "no rule applies" in perturbed.reason
    opened = tradeoffs.profile(built, open_stages={"evaluation": "any labels"})["length_bias"]
    assert opened.source == "set_by_data" and not opened.gaps

