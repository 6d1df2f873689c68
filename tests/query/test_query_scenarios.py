"""Deployment scenarios: validated and located like the rest of the catalog, recommendations
from the engine, pages safe to publish."""

from __future__ import annotations

import shutil

import pytest

from alignscape.catalog.validation import validate_catalog
from alignscape.model.scenario import Preference, Requirement, Scenario
from alignscape.query.recommend import recommend, scenario_or_error
from alignscape.site.scenarios import scenario_page, scenario_pages

SURVEY = ["low_budget_chat", "complex_reasoning", "open_ended_creative", "safety_compliance",
          "cold_start_adaptation"]


def test_the_survey_scenarios_are_defined(catalog):
    assert [s.id for s in catalog.scenarios] == SURVEY
    for scenario in catalog.scenarios:
        assert scenario.requires and scenario.rationale


def ids(rec):
    return {r.entry.id for r in rec.entries}


# Levels worked out by hand in test_query_questions.py: self_rewarding needs no human labels
# (self-judgement) and no RL loop (direct preference); rlaif and ultrafeedback feed online RL
# (compute high); dpo, kto and spin have human-written or human-judged data.
def test_low_budget_chat(catalog):
    rec = recommend(catalog, scenario_or_error(catalog, "low_budget_chat"))
    assert "self_rewarding" in ids(rec)
    # rlaif and ultrafeedback train online (compute high); instructgpt pays people; dpo and
    # kto leave their labels to the data, so their annotation cost is not determined.
    assert not {"rlaif", "ultrafeedback", "dpo", "kto", "instructgpt"} & ids(rec)
    assert all(r.entry.kind != "benchmark" for r in rec.entries)
    keys = [(-r.score, len(r.unknown), r.entry.id) for r in rec.entries]
    assert keys == sorted(keys)
    serving = {a.option: a for a in rec.options}
    judge = serving["evaluation.evaluators.llm_judge"]
    assert any(what == "annotation_cost <= low" and "lee2023rlaif" in cite
               for what, _, cite in judge.reasons)
    avoided = {a.option for a in rec.avoid}
    assert {"evaluation.evaluators.human", "training.paradigm.online_rl"} <= avoided
    assert not avoided & set(serving)


def test_complex_reasoning_and_creative(catalog):
    reasoning = recommend(catalog, scenario_or_error(catalog, "complex-reasoning"))
    assert "math_shepherd" in ids(reasoning) and "ultrafeedback" not in ids(reasoning)
    named = {a.option for a in reasoning.options if a.named}
    assert "evaluation.evaluators.rule_verifier" in named
    creative = recommend(catalog, scenario_or_error(catalog, "open_ended_creative"))
    assert "ultrafeedback" in ids(creative) and "math_shepherd" not in ids(creative)
    assert "evaluation.evaluators.rule_verifier" in {a.option for a in creative.avoid}


def test_each_recommended_entry_is_explained(catalog):
    for scenario in catalog.scenarios:
        rec = recommend(catalog, scenario)
        for item in rec.entries:
            for basis in item.basis:
                if basis.level is not None:
                    assert basis.rules or basis.override_cite, (scenario.id, basis)
                    assert "[" in basis.text()


def test_unknown_scenario(catalog):
    from alignscape.query.analysis import AnalysisError

    with pytest.raises(AnalysisError, match="did you mean 'safety_compliance'"):
        scenario_or_error(catalog, "safety_complance")


def test_pages_escape_catalog_text(catalog):
    hostile = Scenario(
        id="hostile", label="<script>alert(1)</script>", summary="a | b <img src=x onerror=y>",
        rationale="[link](javascript:alert(1)) **bold**",
        requires=(Requirement("annotation_cost <= low", "why | <b>not</b>"),),
        prefers=(Preference("bias_risk", "<i>x</i>"),))
    page = scenario_page(catalog, hostile)
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "](javascript:" not in page
    slugs = [slug for slug, _ in scenario_pages(catalog)]
    assert slugs == ["index", *(s.replace("_", "-") for s in SURVEY)]


BROKEN = """\
version: 1
scenarios:
  - id: first
    label: First
    summary: A scenario with a typo in a constraint.
    rationale: Written to break, so validation must say where.
    require:
      - expression: annotation_cst <= low
        why: A field name with a typo in it.
      - expression: "bias_risk < lowest"
        why: A level that does not exist.
        cite: [nobody2099]
    prefer:
      - dimension: scalabilty
        why: A misspelt trade-off dimension.
  - id: first
    label: Again
    summary: The same id a second time, and no why.
    rationale: Written to break, so validation must say where.
    require:
      - expression: kind = method
"""


def test_broken_scenarios_are_located(project_root, tmp_path):
    shutil.copytree(project_root / "catalog", tmp_path / "catalog")
    (tmp_path / "catalog" / "scenarios.yaml").write_text(BROKEN)
    findings = [f for f in validate_catalog(tmp_path).findings
                if f.path.endswith("scenarios.yaml")]
    # the schema fails first (the second scenario lacks `why`): located at that item
    assert [(f.code, f.line, f.field) for f in findings] == [
        ("C003", 21, "scenarios[1].require[0]")]
    (tmp_path / "catalog" / "scenarios.yaml").write_text(
        BROKEN.replace("      - expression: kind = method\n",
                       "      - expression: kind = method\n        why: Now it has a reason.\n"))
    findings = {(f.code, f.line, f.column, f.field): f for f in validate_catalog(tmp_path).findings
                if f.path.endswith("scenarios.yaml")}
    assert set(findings) == {
        ("C003", 8, 21, "scenarios[0].require[0].expression"),  # at `annotation_cst`
        ("C003", 10, 34, "scenarios[0].require[1].expression"),  # at `lowest`, inside quotes
        ("X003", 12, 16, "scenarios[0].require[1].cite[0]"),
        ("C003", 14, 20, "scenarios[0].prefer[0].dimension"),
        ("C003", 16, 9, "scenarios[1].id"),
    }
    assert "did you mean 'annotation_cost'" in findings[
        ("C003", 8, 21, "scenarios[0].require[0].expression")].expected
    assert "did you mean 'scalability'" in findings[
        ("C003", 14, 20, "scenarios[0].prefer[0].dimension")].expected
