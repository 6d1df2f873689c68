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
}


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
