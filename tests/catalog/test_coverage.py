"""Every work that ../shared/coverage.md names has its entry (the catalog's floor)."""

from __future__ import annotations

import pytest

COVERAGE = {
    "Human feedback foundations": {
        "Deep RL from human preferences": "deep_rl_human_preferences",
        "Fine-tuning LMs from human preferences": "ziegler_finetuning_hf",
        "Learning to summarize from human feedback": "summarize_hf",
        "WebGPT": "webgpt", "InstructGPT": "instructgpt", "Anthropic HH-RLHF": "hh_rlhf",
        "Sparrow": "sparrow", "Llama 2-Chat": "llama2_chat",
        "Llama 3 post-training": "llama3_posttraining", "SHP": "shp",
        "OpenAssistant Conversations": "oasst1", "Chatbot Arena": "chatbot_arena",
        "HelpSteer": "helpsteer", "HelpSteer2": "helpsteer2", "SteerLM": "steerlm",
        "Fine-Grained RLHF": "fine_grained_rlhf", "PRM800K": "prm800k", "PRISM": "prism",
        "AlpacaFarm": "alpacafarm", "Tulu 2": "tulu2", "Tulu 3": "tulu3",
        "Nemotron-4 340B": "nemotron4_340b", "Red teaming language models": "red_teaming_lms",
    },
    "AI feedback and LLM judges": {
        "Constitutional AI": "constitutional_ai", "RLAIF": "rlaif", "RLCD": "rlcd",
        "UltraFeedback": "ultrafeedback", "Zephyr": "zephyr",
        "Starling / Nectar": "starling_nectar",
        "Judging LLM-as-a-judge (MT-Bench)": "mt_bench_judge", "Prometheus": "prometheus",
        "Prometheus 2": "prometheus2", "PairRM / LLM-Blender": "llm_blender_pairrm",
        "Shepherd": "shepherd", "CriticGPT": "criticgpt", "SALMON": "salmon",
        "SELF-ALIGN (Dromedary)": "self_align_dromedary", "OAIF": "oaif", "West-of-N": "west_of_n",
        "Self-Rewarding Language Models": "self_rewarding", "Meta-Rewarding": "meta_rewarding",
        "Aligner": "aligner", "Generative verifiers": "generative_verifiers",
        "Generative reward models": "generative_reward_models", "ArmoRM": "armorm",
        "Skywork-Reward": "skywork_reward", "RewardBench": "rewardbench",
        "Collective Constitutional AI": "collective_cai",
        "Rule-Based Rewards": "rule_based_rewards",
        "Deliberative alignment": "deliberative_alignment",
    },
    "Sampling, ranking and rejection": {
        "STaR": "star", "RAFT": "raft", "ReST": "rest", "ReST-EM": "rest_em", "RRHF": "rrhf",
        "PRO": "pro_ranking", "SLiC-HF": "slic_hf", "RSO": "rso", "LiPO": "lipo", "BOND": "bond",
        "Expert iteration": "expert_iteration_reasoning",
        "Iterative rejection sampling fine-tuning": "rejection_sampling_ft",
    },
    "Preference-optimization objectives": {
        "DPO": "dpo", "IPO": "ipo", "KTO": "kto", "ORPO": "orpo", "SimPO": "simpo", "CPO": "cpo",
        "R-DPO": "rdpo", "cDPO / robust DPO": "robust_dpo", "ODPO": "odpo", "DPOP": "dpop_smaug",
        "NCA": "nca", "APO": "apo_anchored", "TDPO": "tdpo", "WPO": "wpo", "beta-DPO": "beta_dpo",
        "Cal-DPO": "cal_dpo", "Nash-MD": "nash_md", "DNO": "dno", "SPPO": "sppo", "SPIN": "spin",
        "Pairwise cringe": "pairwise_cringe", "Online DPO": "online_iterative_rlhf",
        "Iterative RPO": "iterative_rpo", "Step-DPO": "step_dpo", "GRPO": "grpo_deepseekmath",
        "PPO for RLHF": "ppo_rlhf",
    },
    "Reasoning, verifiable and process rewards": {
        "Math-Shepherd": "math_shepherd", "OmegaPRM": "omegaprm", "PRIME": "prime",
        "DeepSeek-R1": "deepseek_r1", "Tulu 3 RLVR": "rlvr", "CodeRL": "coderl", "RLTF": "rltf",
        "V-STaR": "v_star", "ReFT": "reft", "DAPO": "dapo", "Kimi k1.5": "kimi_k15",
        "Dr. GRPO": "dr_grpo",
    },
    "Safety and harmlessness": {
        "Safe RLHF": "safe_rlhf", "BeaverTails": "beavertails", "PKU-SafeRLHF": "pku_saferlhf",
        "XSTest": "xstest",
    },
    "Instruction and response synthesis": {
        "Self-Instruct": "self_instruct", "Alpaca": "alpaca", "Evol-Instruct": "evol_instruct",
        "UltraChat": "ultrachat", "Magpie": "magpie", "LIMA": "lima", "Orca": "orca",
        "Humpback": "humpback", "Self-Refine": "self_refine",
    },
    "Pluralistic, multi-objective and personalised": {
        "Reward soups": "reward_soups", "Personalized soups": "personalized_soups",
        "MODPO": "modpo", "MaxMin-RLHF": "maxmin_rlhf",
        "Directional preference alignment": "directional_preference_alignment",
        "Controllable preference optimization": "controllable_po",
    },
    "Multimodal": {
        "LLaVA-RLHF": "llava_rlhf", "RLHF-V": "rlhf_v", "VLFeedback / Silkie": "vlfeedback_silkie",
        "POVID": "povid", "RLAIF-V": "rlaif_v",
    },
    "Group-relative and sequence-level policy objectives (2025-26)": {
        "GSPO": "gspo", "REINFORCE++": "reinforce_pp", "VAPO": "vapo",
        "CISPO (MiniMax-M1)": "minimax_m1", "GFPO": "gfpo", "GiGPO": "gigpo",
        "Pass@k training": "pass_at_k_training", "Dynamic fine-tuning (DFT)": "dft",
        "Clip-Cov / KL-Cov": "entropy_mechanism_cov",
        "High-entropy-token training": "forking_tokens",
    },
    "Post-training reports of open reasoning models": {
        "Qwen3": "qwen3", "Llama-Nemotron": "llama_nemotron", "Magistral": "magistral",
        "MiniMax-M1": "minimax_m1", "Kimi K2": "kimi_k2", "Olmo 3": "olmo3",
    },
    "Reasoning-data recipes": {
        "OpenThoughts": "openthoughts", "OpenMathReasoning": "openmathreasoning",
        "Big-Math": "big_math", "SynLogic": "synlogic", "Reasoning Gym": "reasoning_gym",
        "s1 (test-time scaling)": "s1_test_time_scaling", "LIMO": "limo",
    },
    "Label-free and self-play RL": {
        "Absolute Zero": "absolute_zero", "SPIRAL": "spiral", "R-Zero": "r_zero", "TTRL": "ttrl",
        "One-example RLVR": "one_shot_rlvr",
    },
    "Off-policy guidance and distillation": {
        "Learning under off-policy guidance (LUFFY)": "luffy", "On-policy distillation": "gkd",
    },
    "Generative and reasoning reward models and judges": {
        "DeepSeek-GRM": "deepseek_grm", "RM-R1": "rm_r1",
        "Reward reasoning models": "reward_reasoning_model",
        "Reasoning judges trained with RL (J1)": "j1_judge",
        "Skywork-Reward-V2": "skywork_reward_v2", "Preference modeling at world scale": "worldpm",
    },
    "Process reward models and their benchmarks": {
        "ThinkPRM": "thinkprm", "GenPRM": "genprm", "ProcessBench": "processbench",
        "Lessons of developing PRMs": "qwen_math_prm_lessons",
    },
    "Rubric- and checklist-based rewards": {
        "Rubrics as Rewards": "rubrics_as_rewards", "RLCF (checklists)": "rlcf",
        "Rubric anchors": "rubicon", "Open rubric generators": "openrubrics",
        "Evolving rubrics": "online_rubrics", "2026 rubric benchmarks": "rubricbench",
    },
    "Answer verifiers": {"xVerify": "xverify", "CompassVerifier": "compassverifier",
                         "TinyV": "tinyv"},
    "Reward-model and judge benchmarks": {"RewardBench 2": "rewardbench2",
                                          "JudgeBench": "judgebench"},
    "Studies of judge and reward failure": {
        "Contamination between generator and judge": "preference_leakage",
        "One-token attacks on LLM judges": "master_rm",
        "Spurious rewards in RLVR": "spurious_rewards",
    },
    "Diversity-aware preference optimisation": {
        "DivPO": "divpo", "Verbalized Sampling": "verbalized_sampling", "DARLING": "darling",
    },
    "Binary and flexible feedback": {"RLBFF": "rlbff", "BCO": "bco"},
}

# The examples the survey's published summaries name per dimension, looked up as a reader would:
# by short name, name or alias. MAPLE is left out: no candidate paper could be matched to the
# survey's use with certainty (see the closing note of the session that added these).
SURVEY_NAMES = [
    "WPO", "WRPO", "Iterative DPO", "SPIN", "SPPO", "BeeS", "MMPO", "APL", "IUPO",
    "Verbalized Sampling", "Spectral tuning", "DivPO", "CRPO", "RLAIF", "Constitutional AI",
    "Self-Rewarding", "Math-Shepherd", "OmegaPRM", "GenRM", "Fine-Grained RLHF", "ACPO",
    "SteerLM", "HelpSteer", "Prometheus", "MOPO", "PAMA", "KTO", "BCO", "RLBFF", "DPO", "IPO",
    "sDPO", "SimPO", "ORPO", "SLiC-HF", "AlphaDPO", "RRHF", "PRO", "LiPO", "PPA", "GRPO", "DAPO",
    "Dr. GRPO",
]


@pytest.mark.parametrize("name", SURVEY_NAMES)
def test_every_method_the_survey_names_is_found_by_name(catalog, name):
    wanted = name.casefold()
    found = [e.id for e in catalog
             if wanted in {t.casefold() for t in (e.short_name, e.name, *e.aliases)}]
    assert found, f"no entry is called {name!r}"


def test_the_catalog_reaches_the_present(catalog):
    years = [e.year for e in catalog]
    assert sum(y >= 2025 for y in years) >= 80 and max(years) >= 2026


def test_new_work_is_part_of_the_lineage(catalog):
    """Lineage from 2017 to 2026: a 2025-26 entry links to what it extends, trains on or trains
    with, or others link to it. Orphans are listed so a reviewer can look for their links."""
    linked = set()
    for entry in catalog:
        targets = {*entry.builds_on, *entry.uses_data, *entry.training.get("objectives", ())}
        if targets:
            linked |= {entry.id, *targets}
    recent = [e.id for e in catalog if e.year >= 2025]
    orphans = sorted(set(recent) - linked)
    assert len(orphans) <= len(recent) // 20, f"2025-26 entries with no lineage: {orphans}"


@pytest.mark.parametrize("family", list(COVERAGE))
def test_family_is_complete(catalog, family):
    missing = {name: i for name, i in COVERAGE[family].items() if i not in catalog.entries}
    assert not missing, f"{family}: no entry for {missing}"


def test_every_entry_has_evidence_for_each_applicable_stage(catalog):
    """A stage is classified with evidence, open (left to the data, with the reason) or not
    applicable; a stage that is open and still fixes some dimensions has evidence for them."""
    for entry in catalog:
        for stage in ("synthesis", "evaluation", "instantiation"):
            block = entry.stage(stage)
            assert entry.not_applicable(stage) or block.get("evidence") or block.get("open"), \
                f"{entry.id}: {stage} has neither evidence, open nor not_applicable"
            fixed = set(block) - {"open", "evidence", "confidence"}
            if block.get("open") and fixed:
                assert block.get("evidence"), f"{entry.id}: {stage} fixes {fixed} without evidence"
