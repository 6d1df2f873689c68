"""Recipe lint: refuse, before anything runs, a stage order that can never yield a row.

It follows an upper bound on the usable candidates per prompt through the stages: the model
sources add what their decoding plan asks for (``repeated_sampling`` n, ``varied_decoding``
one per setting, else one), a pool adds one per model, ``best_of_n`` cuts to ``keep``; sources
whose output depends on the input (given responses, mined text, search) make the bound
unknown, and an unknown bound is never refused. Stages that need two candidates of a prompt
(pairing rules, pairwise or listwise judging, listwise and groupwise formats) are refused
when the bound is below two, naming the stage that limits it. A pairwise format with no
stage before it that makes pairs is refused too.
"""

from __future__ import annotations

NEEDS_TWO = {
    "instantiation.pairing.best_vs_worst", "instantiation.pairing.best_vs_random",
    "instantiation.pairing.all_pairs", "instantiation.pairing.random_pairs",
    "instantiation.pairing.given_pairs", "instantiation.pairing.margin_threshold",
    "instantiation.formats.listwise", "instantiation.formats.groupwise",
    "evaluation.protocol.pairwise_comparison", "evaluation.protocol.listwise_ranking",
}
SAMPLED = {"synthesis.sources.policy_sampling", "synthesis.sources.reference_model_sampling",
           "synthesis.sources.stronger_model_distillation"}
# Stages that only mark or score candidates: they never add any.
NEUTRAL_GROUPS = ("evaluation", "instantiation")


def _plan_size(settings: dict, plan: int | None) -> int:
    if plan is not None:
        return plan
    decoding = settings.get("decoding")
    return len(decoding) if isinstance(decoding, list) and decoding else 1


def problems(stages) -> list[tuple[object, str]]:
    """(stage, message) for every stage that can never yield output in this order."""
    out = []
    bound: int | None = 0     # None: unknown (depends on the input)
    limit = "no stage adds candidates"
    plan: int | None = None
    makes_pairs = False
    for st in stages:
        runs, s = st.runs, st.settings or st.function.defaults()
        if runs == "synthesis.sampling.repeated_sampling":
            plan = int(s.get("n") or 1)
        elif runs == "synthesis.sampling.single_response":
            plan = 1
        elif runs == "synthesis.sampling.varied_decoding":
            plan = len(s.get("settings") or []) or 1
        elif runs in SAMPLED:
            if bound is not None:
                bound += _plan_size(s, plan)
                limit = f"{st.use} samples {bound} per prompt"
        elif runs == "synthesis.sources.multi_model_pool":
            models = s.get("per_prompt") or (len(s["models"]) if s.get("models") else None)
            if models is None:
                bound = None
            elif bound is not None:
                bound += models * _plan_size(s, plan)
                limit = f"{st.use} draws {bound} per prompt"
        elif runs == "synthesis.selection.best_of_n":
            keep = int(s.get("keep") or 1)
            if bound is None or bound > keep:
                bound = keep
                limit = f"{st.use} keeps {keep}"
        elif runs.startswith("synthesis.") and not runs.startswith(
                ("synthesis.selection.", "synthesis.sampling.", "synthesis.prompt_sources.")):
            bound = None  # given responses, mined text, search, rewrites: input-dependent
        protocols = [f"evaluation.protocol.{p}" for p in (s.get("protocols") or [])]
        for need in [runs, *protocols]:
            if need in NEEDS_TWO and bound is not None and bound < 2:
                out.append((st, f"{need.rsplit('.', 1)[1]} needs two candidates of a prompt, "
                                f"but {limit}: this recipe can never produce its output"))
                break
        if runs.startswith("instantiation.pairing.") or runs.startswith(
                "synthesis.selection.margin_based"):
            makes_pairs = True
        if runs == "instantiation.formats.pairwise" and not makes_pairs:
            out.append((st, "pairwise rows need pairs, but no pairing stage runs before it"))
    return out
