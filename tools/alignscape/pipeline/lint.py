"""Recipe lint: refuse, before anything runs, a stage order that can never yield a row.

Each rule follows what the stages before a stage can have put on a prompt's record, and
refuses the stage only when that is provably not enough, whatever the input:

* **Two candidates.** An upper bound on the usable candidates per prompt: the model sources
  add what their decoding plan asks for (``repeated_sampling`` n, ``varied_decoding`` one per
  setting, else one), a pool adds one per model, ``best_of_n`` cuts to ``keep``; sources
  whose output depends on the input (given responses, mined text, search) make the bound
  unknown, and an unknown bound is never refused. Stages that need two candidates of a
  prompt (pairing rules, pairwise or listwise judging, listwise and groupwise formats) are
  refused when the bound is below two, naming the stage that limits it.
* **Something to rewrite.** A source that rewrites the candidates before it (perturbation,
  self-refinement) is refused when no stage before it adds any.
* **Comparisons.** ``given_pairs`` turns comparisons into pairs: it is refused when no stage
  before it compares two candidates (a judge running ``pairwise_comparison``, or imported
  annotations: ``evaluation.evaluators.human``).
* **Scores.** A rule that ranks candidates by score (best_vs_worst and the other score
  pairings, the scalar, listwise and groupwise formats) is refused when every candidate was
  written by a model in this recipe and no evaluation stage before it scores them: generated
  text carries no score. Candidates read from the input may carry their own, so those are
  never refused.
* **Verdicts.** A rule that reads a correctness verdict (correctness_filter,
  correct_vs_incorrect) is refused when every candidate was written by a model in this recipe
  and no verifying stage before it sets one (rule_verifier, execution_verifier,
  model_verifier, consensus_pseudo_label): generated text carries no verdict, so the filter
  would exclude every candidate and the pairing would make no pair.
* **A reference.** ``reference_vs_generated`` chooses the reference answer: it is refused
  when no stage before it adds one (``human_written`` is the only source that does).
* **Pairs.** A pairwise format with no stage before it that makes pairs.

The builder (alignscape.pipeline.entry_recipe) uses the same facts to fill a stage the
method leaves open (``open:``), so the defaults it writes pass these rules.
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
# Sources whose every candidate a model writes in this run (so it arrives with no score).
GENERATED = SAMPLED | {"synthesis.sources.multi_model_pool",
                       "synthesis.sources.contrastive_prompting"}
# Sources that read candidates from the input line (they may carry scores and verdicts).
FROM_INPUT = {"synthesis.sources.human_written", "synthesis.sources.corpus_mining"}
# Sources that rewrite candidates already on the record.
REWRITES = {"synthesis.sources.perturbation", "synthesis.sources.self_refinement"}
# Stages that rank candidates by their score.
RANKS_BY_SCORE = {
    "instantiation.pairing.best_vs_worst", "instantiation.pairing.best_vs_random",
    "instantiation.pairing.all_pairs", "instantiation.pairing.random_pairs",
    "instantiation.formats.pointwise_scalar", "instantiation.formats.listwise",
    "instantiation.formats.groupwise",
}
# Stages that read a correctness verdict (``verified``).
READS_VERDICT = {"instantiation.filtering.correctness_filter",
                 "instantiation.pairing.correct_vs_incorrect"}
# Stages that set a correctness verdict on the candidates (what READS_VERDICT reads).
VERIFIES = {"evaluation.evaluators.rule_verifier", "evaluation.evaluators.execution_verifier",
            "evaluation.evaluators.model_verifier",
            "evaluation.evaluators.consensus_pseudo_label"}
# Pairing rules that pair by how candidates were made, not by a judgement.
BY_CONSTRUCTION = {"instantiation.pairing.reference_vs_generated",
                   "instantiation.pairing.revised_vs_original",
                   "instantiation.pairing.original_vs_perturbed",
                   "instantiation.pairing.contrastive_pair"}
IMPORT = "evaluation.evaluators.human"
REFERENCE_PAIRING = "instantiation.pairing.reference_vs_generated"


def _plan_size(settings: dict, plan: int | None) -> int:
    if plan is not None:
        return plan
    decoding = settings.get("decoding")
    return len(decoding) if isinstance(decoding, list) and decoding else 1


def settings_of(st) -> dict:
    return st.settings or st.function.defaults()


def compares(st) -> bool:
    """The stage puts comparisons of two candidates on the record."""
    return st.runs == IMPORT or "pairwise_comparison" in (settings_of(st).get("protocols")
                                                          or ())


def scores(st) -> bool:
    return st.runs.startswith("evaluation.")


def only_generated(uses) -> bool:
    """Every source of these stages (``runs`` ids) writes its candidates with a model."""
    sources = [u for u in uses if u.startswith("synthesis.sources.")]
    return bool(sources) and all(u in GENERATED or u in REWRITES for u in sources) and \
        any(u in GENERATED for u in sources)


def reads_judgements(uses) -> bool:
    """Some stage ranks by score, reads a verdict or pairs comparisons."""
    return any(u in RANKS_BY_SCORE or u in READS_VERDICT or
               u == "instantiation.pairing.given_pairs" for u in uses)


def problems(stages) -> list[tuple[object, str]]:
    """(stage, message) for every stage that can never yield output in this order."""
    out = []
    bound: int | None = 0     # None: unknown (depends on the input)
    limit = "no stage adds candidates"
    plan: int | None = None
    makes_pairs = compared = scored = verified = False
    runs_so_far: list[str] = []
    for st in stages:
        runs, s = st.runs, settings_of(st)
        if runs in REWRITES and bound == 0:
            out.append((st, f"{runs.rsplit('.', 1)[1]} rewrites the candidates before it, "
                            "but no stage before it adds any: this recipe can never produce "
                            "its output"))
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
        else:
            if runs == "instantiation.pairing.given_pairs" and not compared:
                out.append((st, "given_pairs pairs the comparisons made before it, but no "
                                "stage before it compares two candidates (a judge with "
                                "protocol pairwise_comparison, or imported annotations: "
                                f"{IMPORT})"))
            elif runs == REFERENCE_PAIRING and not any(
                    r == "synthesis.sources.human_written" for r in runs_so_far):
                out.append((st, "reference_vs_generated chooses the reference answer, but no "
                                "stage before it adds one (synthesis.sources.human_written)"))
            elif runs in RANKS_BY_SCORE and not scored and only_generated(runs_so_far):
                out.append((st, f"{runs.rsplit('.', 1)[1]} ranks candidates by score, but "
                                "every candidate is written by a model in this recipe and no "
                                "evaluation stage before it scores them"))
            elif runs in READS_VERDICT and not verified and only_generated(runs_so_far):
                out.append((st, f"{runs.rsplit('.', 1)[1]} reads a correctness verdict, but "
                                "every candidate is written by a model in this recipe and no "
                                "stage before it verifies them (a verifier: "
                                f"{', '.join(sorted(v.rsplit('.', 1)[1] for v in VERIFIES))})"))
        if runs.startswith("instantiation.pairing.") or runs.startswith(
                "synthesis.selection.margin_based"):
            makes_pairs = True
        if runs == "instantiation.formats.pairwise" and not makes_pairs:
            out.append((st, "pairwise rows need pairs, but no pairing stage runs before it"))
        compared = compared or compares(st)
        scored = scored or scores(st)
        verified = verified or runs in VERIFIES
        runs_so_far.append(runs)
    return out
