"""Query tests: a private catalog cache, a small hand-made index, and the real catalog's index."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Never read or write the developer's own cache from the tests."""
    previous = os.environ.get("ALIGNSCAPE_CACHE_DIR")
    os.environ["ALIGNSCAPE_CACHE_DIR"] = str(tmp_path_factory.mktemp("alignscape-cache"))
    yield
    if previous is None:
        os.environ.pop("ALIGNSCAPE_CACHE_DIR", None)
    else:
        os.environ["ALIGNSCAPE_CACHE_DIR"] = previous


def _row(id, kind="method", year=2023, name=None, aliases=(), summary="", choices=None,
         tradeoffs=None):
    levels = {"annotation_cost": None, "bias_risk": None}
    levels.update(tradeoffs or {})
    return {"id": id, "short_name": name or id.upper(), "name": name or id.upper(),
            "aliases": list(aliases), "kind": kind,
            "year": year, "summary": summary, "url": f"entries/{id}.html",
            "choices": choices or {}, "tradeoffs": levels}


@pytest.fixture(scope="session")
def tiny_index():
    """Five rows whose answers can be worked out by hand."""
    return {
        "version": 1,
        "dimensions": [
            {"id": "evaluation.evaluators", "label": "Adjudicator", "group": "evaluation",
             "cardinality": "many",
             "options": [{"id": o, "label": o} for o in
                         ("human", "llm_judge", "reward_model", "rule_verifier")]},
            {"id": "synthesis.policy_relation", "label": "Policy", "group": "synthesis",
             "cardinality": "one",
             "options": [{"id": o, "label": o} for o in ("on_policy", "off_policy", "mixed")]},
            {"id": "instantiation.formats", "label": "Format", "group": "instantiation",
             "cardinality": "many",
             "options": [{"id": o, "label": o} for o in ("pairwise", "multi_aspect")]},
            {"id": "evaluation.dimensionality", "label": "Dim", "group": "evaluation",
             "cardinality": "one",
             "options": [{"id": o, "label": o} for o in ("scalar", "multi_aspect")]},
            {"id": "other.formats", "label": "Clash", "group": "other", "cardinality": "many",
             "options": [{"id": "x", "label": "x"}]},
        ],
        "tradeoffs": {"levels": ["low", "medium", "high"],
                      "dimensions": [{"id": "annotation_cost", "label": "A", "better": "lower"},
                                     {"id": "bias_risk", "label": "B", "better": "lower"}]},
        "entries": [
            _row("alpha", year=2021, name="Alpha Reward Model", aliases=["ARM"],
                 summary="Trains a   reward model from human comparisons.",
                 choices={"evaluation.evaluators": ["human"],
                          "synthesis.policy_relation": ["off_policy"],
                          "instantiation.formats": ["pairwise"]},
                 tradeoffs={"annotation_cost": "high", "bias_risk": "medium"}),
            _row("beta", kind="dataset", year=2023, summary="AI feedback at scale.",
                 choices={"evaluation.evaluators": ["llm_judge"],
                          "synthesis.policy_relation": ["off_policy"],
                          "instantiation.formats": ["pairwise", "multi_aspect"]},
                 tradeoffs={"annotation_cost": "low", "bias_risk": "high"}),
            _row("gamma", year=2024, summary="On-policy self-play with a verifier.",
                 choices={"evaluation.evaluators": ["rule_verifier"],
                          "synthesis.policy_relation": ["on_policy"]},
                 tradeoffs={"annotation_cost": "low"}),
            _row("delta", kind="objective", year=2023, summary="A loss; no data pipeline.",
                 choices={}),
            _row("epsilon", year=2022, aliases=["Eps-RM"],
                 choices={"evaluation.evaluators": ["llm_judge", "human"],
                          "synthesis.policy_relation": ["mixed"]},
                 tradeoffs={"annotation_cost": "medium", "bias_risk": "low"}),
        ],
    }


@pytest.fixture(scope="session")
def real_index(catalog):
    return catalog.index
